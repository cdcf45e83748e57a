using System.Text;
using System.Text.Json;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging.WriteBack;

public interface IMetadataWriter
{
    /// <summary>
    /// Writes the annotation into the image (Embedded) or its XMP sidecar (Sidecar); None does nothing.
    /// Atomic: a verified temp copy replaces the target by rename, so a crash never leaves a half-written file.
    /// Throws <see cref="MetadataWriteException"/>; the original is then unchanged.
    /// </summary>
    Task<WriteBackResult> WriteAsync(string imagePath, ImageAnnotation annotation, WriteBackMode mode, CancellationToken cancellationToken = default);

    /// <summary>Reads the description/keyword tags back with exiftool (verification and tests).</summary>
    Task<EmbeddedAnnotation> ReadAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>exiftool-based write-back. Pixel data is never re-encoded: exiftool only rewrites metadata segments.</summary>
public sealed partial class MetadataWriter(
    IExifTool exifTool, IImageProcessor processor, IOptions<ImagingOptions> options, ILogger<MetadataWriter> logger) : IMetadataWriter
{
    // IPTC IIM limits (bytes): longer values are cut at a character boundary rather than written out of spec.
    private const int IptcKeywordBytes = 64;
    private const int IptcCaptionBytes = 2000;

    private static readonly string[] s_readTags =
    [
        "-EXIF:ImageDescription", "-EXIF:XPKeywords", "-IPTC:Keywords", "-IPTC:Caption-Abstract",
        "-XMP-dc:Description", "-XMP-dc:Subject", "-PNG:Description",
    ];

    private readonly ImagingOptions _options = options.Value;

    // Two writes to the same file would each succeed and the later rename would silently drop the other's
    // annotation: serialise per path (striped, so memory stays bounded).
    private readonly SemaphoreSlim[] _pathLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Sidecar naming: the full image name plus ".xmp" (photo.jpg → photo.jpg.xmp, as darktable does), so photo.jpg and photo.png never share one.</summary>
    public static string SidecarPathFor(string imagePath) => imagePath + ".xmp";

    /// <summary>Whether the format can carry embedded description/keywords (others fall back to a sidecar).</summary>
    public static bool CanEmbed(ImageFormat format) =>
        format is ImageFormat.Jpeg or ImageFormat.Tiff or ImageFormat.Png or ImageFormat.WebP or ImageFormat.Heif or ImageFormat.Gif;

    public async Task<WriteBackResult> WriteAsync(
        string imagePath, ImageAnnotation annotation, WriteBackMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        ArgumentNullException.ThrowIfNull(annotation);
        if (mode == WriteBackMode.None)
        {
            return new WriteBackResult(WriteBackMode.None, null, ImageFormat.Unknown);
        }

        var path = ResolveTarget(imagePath);
        var format = SniffOrThrow(path);
        var description = NormalizeDescription(annotation.Description);
        var keywords = KeywordList.Normalize(annotation.Keywords);

        if (format == ImageFormat.Unknown)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.UnsupportedFormat, "the content is not a supported image");
        }

        if (mode == WriteBackMode.Embedded && !CanEmbed(format))
        {
            LogSidecarFallback(logger, path, format);
            mode = WriteBackMode.Sidecar;
        }

        var pathLock = _pathLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(path) % (uint)_pathLocks.Length)];
        await pathLock.WaitAsync(cancellationToken);
        try
        {
            return await WriteLockedAsync(path, format, mode, description, keywords, cancellationToken);
        }
        finally
        {
            pathLock.Release();
        }
    }

    private async Task<WriteBackResult> WriteLockedAsync(
        string path, ImageFormat format, WriteBackMode mode, string? description, IReadOnlyList<string> keywords, CancellationToken cancellationToken)
    {
        // One retry covers an exiftool process that died under us; each attempt uses a fresh temp file.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var written = mode == WriteBackMode.Embedded
                    ? await WriteEmbeddedAsync(path, format, description, keywords, cancellationToken)
                    : await WriteSidecarAsync(path, description, keywords, cancellationToken);
                LogWritten(logger, written, mode, keywords.Count);
                return new WriteBackResult(mode, written, format);
            }
            catch (ExifToolException ex) when (ex.Reason == ExifToolFailure.ProcessDied && attempt == 1)
            {
                LogRetry(logger, path, ex.Message);
            }
            catch (ExifToolException ex)
            {
                throw new MetadataWriteException(path, MetadataWriteFailure.ToolUnavailable, ex.Message, ex);
            }
        }
    }

    public async Task<EmbeddedAnnotation> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var result = await exifTool.ExecuteAsync(["-j", "-G1", .. s_readTags, full], cancellationToken);
        if (result.HasErrors || string.IsNullOrWhiteSpace(result.Output))
        {
            throw new MetadataWriteException(full, MetadataWriteFailure.NotFound, string.Join(' ', result.ErrorLines));
        }

        return ParseJson(result.Output);
    }

    private async Task<string> WriteEmbeddedAsync(
        string path, ImageFormat format, string? description, IReadOnlyList<string> keywords, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        EnsureWritable(path, directory, fileMustExist: true);

        // Temp name: hidden, same folder (rename stays atomic), ".tmp" so scanners ignore it and exiftool
        // keeps the source format (12.57 refuses "-o x.webp" outright).
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.it-{Guid.NewGuid():N}.tmp");
        try
        {
            var arguments = new List<string> { "-m", "-ec" };
            arguments.AddRange(TagArguments(format, description, keywords));
            arguments.AddRange(["-o", temp, path]);
            var result = await RunWriteAsync(path, arguments, temp, cancellationToken);

            await VerifyAsync(path, temp, description, keywords, result, checkPixels: _options.VerifyPixelsOnWrite, cancellationToken);
            CopyFileAttributes(path, temp);
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, path, overwrite: true);
            return path;
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.WriteFailed, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.ReadOnly, ex.Message, ex);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private async Task<string> WriteSidecarAsync(
        string imagePath, string? description, IReadOnlyList<string> keywords, CancellationToken cancellationToken)
    {
        var sidecar = SidecarPathFor(imagePath);
        var directory = Path.GetDirectoryName(imagePath)!;
        var exists = File.Exists(sidecar);
        EnsureWritable(exists ? sidecar : imagePath, directory, fileMustExist: exists);

        // An existing sidecar is updated (keeping what other tools put there); a new one starts from the
        // image's own metadata, which exiftool maps into XMP (camera, date), without the GPS position: the
        // location stays in the original only, so a sidecar copied or shared on its own does not reveal it.
        var temp = Path.Combine(directory, $".{Path.GetFileName(imagePath)}.it-{Guid.NewGuid():N}.xmp");
        var seed = Path.Combine(directory, $".{Path.GetFileName(imagePath)}.it-{Guid.NewGuid():N}.seed.xmp");
        try
        {
            var source = sidecar;
            if (!exists)
            {
                // Two steps: when exiftool builds an XMP file from an image, the image's own XMP wins over
                // values assigned in the same command, so seed the sidecar first, then edit the seed.
                await RunWriteAsync(imagePath, ["-m", "-o", seed, imagePath], seed, cancellationToken);
                source = seed;
            }

            var arguments = new List<string> { "-m", "-ec" };
            if (!exists)
            {
                arguments.Add("-XMP:GPS*=");
            }

            arguments.AddRange(XmpArguments(description, keywords));
            arguments.AddRange(["-o", temp, source]);
            var result = await RunWriteAsync(imagePath, arguments, temp, cancellationToken);

            await VerifyAsync(imagePath, temp, description, keywords, result, checkPixels: false, cancellationToken);
            if (exists)
            {
                CopyFileAttributes(sidecar, temp);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, sidecar, overwrite: true);
            return sidecar;
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new MetadataWriteException(imagePath, MetadataWriteFailure.WriteFailed, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new MetadataWriteException(imagePath, MetadataWriteFailure.ReadOnly, ex.Message, ex);
        }
        finally
        {
            TryDelete(temp);
            TryDelete(seed);
        }
    }

    private async Task<ExifToolResult> RunWriteAsync(string path, List<string> arguments, string temp, CancellationToken cancellationToken)
    {
        ExifToolResult result;
        try
        {
            result = await exifTool.ExecuteAsync(arguments, cancellationToken);
        }
        catch (ExifToolException ex) when (ex.Reason == ExifToolFailure.InvalidArgument)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.InvalidPath, ex.Message, ex);
        }

        if (result.HasErrors || !File.Exists(temp) || new FileInfo(temp).Length == 0)
        {
            var detail = result.HasErrors ? string.Join(' ', result.ErrorLines) : "exiftool produced no output file";
            var reason = detail.Contains("Error creating", StringComparison.OrdinalIgnoreCase)
                || detail.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
                || detail.Contains("Read-only", StringComparison.OrdinalIgnoreCase)
                ? MetadataWriteFailure.ReadOnly
                : MetadataWriteFailure.WriteFailed;
            throw new MetadataWriteException(path, reason, detail);
        }

        return result;
    }

    private async Task VerifyAsync(
        string path, string temp, string? description, IReadOnlyList<string> keywords, ExifToolResult writeResult,
        bool checkPixels, CancellationToken cancellationToken)
    {
        var readBack = await ReadAsync(temp, cancellationToken);
        var descriptions = readBack.Values("XMP-dc:Description");
        var actualDescription = descriptions.Count > 0 ? descriptions[0] : null;
        var actualKeywords = readBack.Values("XMP-dc:Subject");
        if (!string.Equals(actualDescription ?? string.Empty, description ?? string.Empty, StringComparison.Ordinal)
            || !actualKeywords.SequenceEqual(keywords, StringComparer.Ordinal))
        {
            throw new MetadataWriteException(
                path, MetadataWriteFailure.VerificationFailed,
                $"read back '{actualDescription}' [{string.Join(", ", actualKeywords)}]; {writeResult.Errors.Trim()}");
        }

        if (checkPixels)
        {
            // CPU work: keep it off the caller's (possibly request) thread.
            var unchanged = await Task.Run(() => PixelsUnchanged(path, temp, cancellationToken), cancellationToken);
            if (!unchanged)
            {
                throw new MetadataWriteException(path, MetadataWriteFailure.VerificationFailed, "pixel data changed while writing metadata");
            }
        }
    }

    private bool PixelsUnchanged(string original, string rewritten, CancellationToken cancellationToken)
    {
        // Orientation lives in metadata but changes the upright pixels: it must survive too.
        if (processor.Probe(original, cancellationToken).Orientation != processor.Probe(rewritten, cancellationToken).Orientation)
        {
            return false;
        }

        // JPEG/PNG: identical compressed image data proves identical pixels, without decoding (~100x cheaper).
        var before = EncodedImageData.Digest(original);
        if (before is not null)
        {
            return before == EncodedImageData.Digest(rewritten);
        }

        return processor.ComputePixelHash(original, cancellationToken) == processor.ComputePixelHash(rewritten, cancellationToken);
    }

    internal static IEnumerable<string> TagArguments(ImageFormat format, string? description, IReadOnlyList<string> keywords)
    {
        var exif = format is ImageFormat.Jpeg or ImageFormat.Tiff or ImageFormat.WebP or ImageFormat.Heif;
        var iptc = format is ImageFormat.Jpeg or ImageFormat.Tiff;
        if (exif)
        {
            yield return "-EXIF:ImageDescription=" + Escape(description);
            // XPKeywords is UCS-2: exiftool drops characters outside the BMP (emoji), which would read back
            // as a different keyword, so such keywords live only in XMP and IPTC.
            var ucs2 = keywords.Where(k => !k.Any(char.IsSurrogate)).ToArray();
            yield return "-EXIF:XPKeywords=" + Escape(ucs2.Length == 0 ? null : string.Join(';', ucs2));
        }

        if (iptc)
        {
            yield return "-IPTC:CodedCharacterSet=UTF8";
            yield return "-IPTC:Caption-Abstract=" + Escape(TruncateUtf8(description, IptcCaptionBytes));
            if (keywords.Count == 0)
            {
                yield return "-IPTC:Keywords=";
            }

            foreach (var keyword in keywords.Select(k => TruncateUtf8(k, IptcKeywordBytes)).Distinct(StringComparer.Ordinal))
            {
                yield return "-IPTC:Keywords=" + Escape(keyword);
            }
        }

        if (format == ImageFormat.Png)
        {
            yield return "-PNG:Description=" + Escape(description);
        }

        foreach (var argument in XmpArguments(description, keywords))
        {
            yield return argument;
        }
    }

    private static IEnumerable<string> XmpArguments(string? description, IReadOnlyList<string> keywords)
    {
        yield return "-XMP-dc:Description=" + Escape(description);
        // The first "=" of a list tag replaces the old list; later ones in the same command append.
        if (keywords.Count == 0)
        {
            yield return "-XMP-dc:Subject=";
        }

        foreach (var keyword in keywords)
        {
            yield return "-XMP-dc:Subject=" + Escape(keyword);
        }
    }

    /// <summary>Values go through exiftool's -ec (C escapes), so line breaks survive the one-argument-per-line protocol.</summary>
    private static string Escape(string? value) => value is null
        ? string.Empty
        : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    internal static string? NormalizeDescription(string? description)
    {
        if (description is null)
        {
            return null;
        }

        var text = description.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        text = new string(text.Where(c => c is '\n' or '\t' || !char.IsControl(c)).ToArray()).Trim();
        return text.Length == 0 ? null : text;
    }

    internal static string? TruncateUtf8(string? value, int maxBytes)
    {
        if (value is null || Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }

        var length = value.Length;
        while (length > 0 && Encoding.UTF8.GetByteCount(value.AsSpan(0, length)) > maxBytes)
        {
            length--;
        }

        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    private static EmbeddedAnnotation ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var tags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in document.RootElement[0].EnumerateObject())
        {
            if (property.Name == "SourceFile")
            {
                continue;
            }

            tags[property.Name] = property.Value.ValueKind == JsonValueKind.Array
                ? property.Value.EnumerateArray().Select(Text).ToArray()
                : [Text(property.Value)];
        }

        return new EmbeddedAnnotation(tags);

        // exiftool prints numeric-looking values (a keyword "2024") as JSON numbers.
        static string Text(JsonElement element) =>
            element.ValueKind == JsonValueKind.String ? element.GetString() ?? string.Empty : element.GetRawText();
    }

    private static string ResolveTarget(string imagePath)
    {
        if (imagePath.Contains('\n') || imagePath.Contains('\r'))
        {
            throw new MetadataWriteException(imagePath, MetadataWriteFailure.InvalidPath, "line breaks in file names are not supported");
        }

        var file = new FileInfo(Path.GetFullPath(imagePath));
        if (file.LinkTarget is not null)
        {
            // Replace the file the link points to, not the link itself.
            file = new FileInfo(file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName);
        }

        if (!file.Exists)
        {
            throw new MetadataWriteException(imagePath, MetadataWriteFailure.NotFound, "file not found");
        }

        return file.FullName;
    }

    private static ImageFormat SniffOrThrow(string path)
    {
        try
        {
            return ImageFormatSniffer.DetectFile(path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.ReadOnly, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new MetadataWriteException(path, MetadataWriteFailure.NotFound, ex.Message, ex);
        }
    }

    /// <summary>
    /// Honours read-only mode bits even when the process could write anyway (running as root): a file or
    /// folder someone marked read-only is a decision, not an obstacle.
    /// </summary>
    private static void EnsureWritable(string file, string directory, bool fileMustExist)
    {
        if (OperatingSystem.IsWindows())
        {
            if (fileMustExist && new FileInfo(file).IsReadOnly)
            {
                throw new MetadataWriteException(file, MetadataWriteFailure.ReadOnly, "file is read-only");
            }

            return;
        }

        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if (fileMustExist && (File.GetUnixFileMode(file) & anyWrite) == 0)
        {
            throw new MetadataWriteException(file, MetadataWriteFailure.ReadOnly, "file is read-only");
        }

        if ((File.GetUnixFileMode(directory) & anyWrite) == 0)
        {
            throw new MetadataWriteException(file, MetadataWriteFailure.ReadOnly, "folder is read-only");
        }
    }

    private void CopyFileAttributes(string original, string temp)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(original));
        }

        if (_options.PreserveModifiedTime)
        {
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(original));
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogTempLeft(logger, path, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Wrote description and {KeywordCount} keywords to {Path} ({Mode})")]
    private static partial void LogWritten(ILogger logger, string path, WriteBackMode mode, int keywordCount);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "{Path} is {Format}, which cannot hold metadata: writing an XMP sidecar instead")]
    private static partial void LogSidecarFallback(ILogger logger, string path, ImageFormat format);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning, Message = "exiftool died while writing {Path}, retrying once: {Error}")]
    private static partial void LogRetry(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Error, Message = "Could not delete temporary file {Path}: {Error}")]
    private static partial void LogTempLeft(ILogger logger, string path, string error);
}
