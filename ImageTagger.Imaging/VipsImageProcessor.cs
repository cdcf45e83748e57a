using System.Security.Cryptography;
using ImageTagger.Imaging.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetVips;

namespace ImageTagger.Imaging;

/// <summary>libvips-backed <see cref="IImageProcessor"/>, through NetVips.</summary>
public sealed partial class VipsImageProcessor : IImageProcessor
{
    private const int HashStripRows = 128;

    private readonly ImagingOptions _options;
    private readonly ILogger<VipsImageProcessor> _logger;

    public VipsImageProcessor(IOptions<ImagingOptions> options, ILogger<VipsImageProcessor> logger)
    {
        _options = options.Value;
        _logger = logger;
        VipsRuntime.EnsureInitialized(_options, logger);
    }

    public ImageInfo Probe(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var format = CheckFile(path);
        using var image = OpenHeader(path, format, Enums.Access.Sequential);
        return ReadInfo(path, format, image);
    }

    public IReadOnlyList<EncodedImage> CreateThumbnails(string path, CancellationToken cancellationToken = default) =>
        CreateRenditions(
            path,
            _options.EffectiveThumbnailSizes
                .Select(size => new RenditionRequest(size, _options.ThumbnailFormatFor(size), _options.ThumbnailQualityFor(size)))
                .ToArray(),
            cancellationToken);

    public EncodedImage CreateThumbnail(
        string path, int longSide, ThumbnailFormat format, int quality, CancellationToken cancellationToken = default) =>
        CreateRenditions(path, [new RenditionRequest(longSide, format, quality)], cancellationToken)[0];

    public StandardRenditions CreateStandardRenditions(string path, CancellationToken cancellationToken = default)
    {
        var sizes = _options.EffectiveThumbnailSizes;
        var requests = sizes.Select(size => new RenditionRequest(size, _options.ThumbnailFormatFor(size), _options.ThumbnailQualityFor(size))).ToList();
        if (_options.ModelImageIsThumbnail)
        {
            var thumbnails = CreateRenditions(path, requests, cancellationToken);
            return new StandardRenditions(thumbnails, thumbnails.Single(t => t.RequestedLongSide == _options.AiLongSide));
        }

        requests.Add(new RenditionRequest(_options.AiLongSide, ThumbnailFormat.Jpeg, _options.AiJpegQuality));
        var results = CreateRenditions(path, requests, cancellationToken);
        return new StandardRenditions(results.Take(sizes.Count).ToArray(), results[^1]);
    }

    public EncodedImage CreateAiImage(string path, CancellationToken cancellationToken = default) =>
        CreateThumbnail(path, _options.AiLongSide, ThumbnailFormat.Jpeg, _options.AiJpegQuality, cancellationToken);

    public IReadOnlyList<EncodedImage> CreateRenditions(
        string path, IReadOnlyList<RenditionRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        foreach (var request in requests)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(request.LongSide, 1, nameof(requests));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(request.LongSide, 16384, nameof(requests));
            ArgumentOutOfRangeException.ThrowIfLessThan(request.Quality, 1, nameof(requests));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Quality, 100, nameof(requests));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var format = CheckFile(path);

        // Header first: refuse bombs and mislabelled content before any pixel is decoded.
        ImageInfo info;
        using (var header = OpenHeader(path, format, Enums.Access.Sequential))
        {
            info = ReadInfo(path, format, header);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var largest = requests.Max(r => r.LongSide);

        using var thumbnail = OpenThumbnail(path, format, Math.Max(info.Width, info.Height), largest, cancellationToken);
        if (requests.Count == 1)
        {
            return [Encode(path, thumbnail, requests[0], cancellationToken)];
        }

        // Render once into memory, then derive every size from it (libvips cannot save one lazy image twice).
        using var memory = Vips(path, "decode", () => thumbnail.CopyMemory());
        var results = new EncodedImage[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = requests[i];
            if (request.LongSide == largest)
            {
                results[i] = Encode(path, memory, request, cancellationToken);
                continue;
            }

            using var smaller = Resize(path, memory, request.LongSide, "resize");
            results[i] = Encode(path, smaller, request, cancellationToken);
        }

        return results;
    }

    /// <summary>Decodes straight to <paramref name="longSide"/>, upright by EXIF orientation.</summary>
    private Image OpenThumbnail(
        string path, ImageFormat format, int sourceLongSide, int longSide, CancellationToken cancellationToken)
    {
        var jpegShrink = format == ImageFormat.Jpeg
            ? JpegShrinkOnLoad(sourceLongSide, longSide, _options.ShrinkOnLoadMinResize)
            : 1;
        if (jpegShrink > 1)
        {
            // libvips' own choice leaves a resize of at least 2 after the DCT shrink, so a 4032 px photo bound
            // for 1024 (3.94) would be decoded at full size; a resize of 1.97 looks the same and decodes 4x fewer
            // pixels. Same pipeline as vips_thumbnail from here: sequential load, resize, then upright.
            using var shrunk = OpenHeader(path, format, Enums.Access.Sequential, jpegShrink);
            return Resize(path, shrunk, longSide, "thumbnail");
        }

        if (format is ImageFormat.Jpeg or ImageFormat.WebP or ImageFormat.Heif)
        {
            // These loaders can shrink while decoding (JPEG DCT scaling, WebP scaling, HEIF embedded thumbnails).
            return Vips(path, "thumbnail", () => Image.Thumbnail(
                VipsFileName(path), longSide, height: longSide, size: Enums.Size.Down, failOn: FailOn));
        }

        // These formats have no shrink-on-load, and libvips 8.14 loses a sequential loader's errors inside a
        // threaded resize (a truncated PNG, or a kill, comes out as a partly black thumbnail about a third of
        // the time): decode into memory first, where fail_on and cancellation are reported reliably.
        using var source = Decode(path, format, cancellationToken);
        return Resize(path, source, longSide, "thumbnail");
    }

    /// <summary>Fits <paramref name="source"/> into a <paramref name="longSide"/> box (never enlarging), upright by its orientation tag.</summary>
    private static Image Resize(string path, Image source, int longSide, string step) =>
        Vips(path, step, () => source.ThumbnailImage(longSide, height: longSide, size: Enums.Size.Down));

    public string ComputePixelHash(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var format = CheckFile(path);
        var image = OpenHeader(path, format, Enums.Access.Sequential);
        try
        {
            var info = ReadInfo(path, format, image);
            if (format != ImageFormat.Jpeg)
            {
                // Only libvips' JPEG loader reports truncation reliably through region reads in sequential
                // mode (8.14's PNG loader pads with black): decode the others up front, where fail_on applies.
                image.Dispose();
                image = Decode(path, format, cancellationToken);
            }

            if (info.Orientation is >= 2 and <= 8)
            {
                // Rotation reads the image out of order, which a sequential loader refuses.
                if (format == ImageFormat.Jpeg)
                {
                    image.Dispose();
                    image = OpenHeader(path, format, Enums.Access.Random);
                }

                var source = image;
                var rotated = Vips(path, "autorotate", () => source.Autorot());
                image.Dispose();
                image = rotated;
            }

            return HashPixels(path, image, cancellationToken);
        }
        finally
        {
            image.Dispose();
        }
    }

    /// <summary>
    /// The largest JPEG DCT shrink (8, 4 or 2) that still leaves a resize of at least <paramref name="minResize"/>
    /// to <paramref name="targetLongSide"/>, so the final lanczos step does the anti-aliasing; 1 for none.
    /// </summary>
    internal static int JpegShrinkOnLoad(int sourceLongSide, int targetLongSide, double minResize)
    {
        foreach (var shrink in (ReadOnlySpan<int>)[8, 4, 2])
        {
            if (sourceLongSide / (double)shrink >= targetLongSide * minResize)
            {
                return shrink;
            }
        }

        return 1;
    }

    /// <summary>Raw 8-bit pixels of a small thumbnail (tests compare orientations with it).</summary>
    internal (int Width, int Height, int Bands, byte[] Pixels) RenderPixels(string path, int longSide, bool autoRotate)
    {
        var format = CheckFile(path);
        using (var header = OpenHeader(path, format, Enums.Access.Sequential))
        {
            ReadInfo(path, format, header);
        }

        using var image = Vips(path, "thumbnail", () => Image.Thumbnail(
            VipsFileName(path), longSide, height: longSide, size: Enums.Size.Down, noRotate: !autoRotate, failOn: FailOn));
        var data = Vips(path, "decode", () => image.WriteToMemory<byte>());
        return (image.Width, image.Height, image.Bands, data);
    }

    private string HashPixels(string path, Image image, CancellationToken cancellationToken)
    {
        var width = image.Width;
        var height = image.Height;
        var bands = image.Bands;

        // The band format as libvips' enum number: hashes stored by earlier versions stay comparable.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes($"{width}x{height}x{bands}:{(int)image.Format}\n"));

        using var region = Vips(path, "region", () => Region.New(image));
        using var kill = cancellationToken.Register(static state => ((Image)state!).SetKill(true), image);
        for (var top = 0; top < height; top += HashStripRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(HashStripRows, height - top);
            byte[] pixels;
            try
            {
                pixels = region.Fetch(0, top, width, rows);
            }
            catch (VipsException ex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw DecodeFailure(path, "decode", ex);
            }

            hash.AppendData(pixels);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private EncodedImage Encode(string path, Image image, RenditionRequest request, CancellationToken cancellationToken)
    {
        // JPEG has no alpha: composite onto white rather than letting the encoder drop the band (black).
        using var flattened = request.Format == ThumbnailFormat.Jpeg && image.HasAlpha()
            ? Vips(path, "flatten", () => image.Flatten(background: [255, 255, 255]))
            : null;

        // First layer of the privacy rule: the rendition's image carries no EXIF (GPS, camera, time), XMP or
        // IPTC for the encoder to copy; an ICC profile stays, so colours are shown as the camera meant them.
        using var source = WithoutMetadata(path, flattened ?? image);
        byte[] data;

        // Pixels are computed lazily inside the save call: a cancelled token kills the pipeline there.
        using (cancellationToken.Register(static state => ((Image)state!).SetKill(true), source))
        {
            try
            {
                data = request.Format == ThumbnailFormat.Jpeg
                    ? source.JpegsaveBuffer(q: request.Quality, optimizeCoding: true)
                    : source.WebpsaveBuffer(q: request.Quality, effort: _options.WebPEffort);
            }
            catch (VipsException ex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw DecodeFailure(path, "encode", ex);
            }
        }

        // Killed part-way, libvips may still report success with unfinished tiles: never keep that output.
        cancellationToken.ThrowIfCancellationRequested();

        // Second layer, on the bytes: whatever the encoder wrote (libvips 8.14's webpsave ignores "strip" and
        // copies the original's EXIF, GPS too), no metadata block leaves here.
        return new EncodedImage(request.LongSide, source.Width, source.Height, request.Format, RenditionMetadata.Strip(data));
    }

    /// <summary>
    /// A copy of <paramref name="image"/> without the metadata fields a saver would write as EXIF, XMP or IPTC:
    /// the original's EXIF (GPS, camera, time), XMP, IPTC, the EXIF preview (it can show what a crop removed)
    /// and the orientation tag (renditions are upright). The pixels and the ICC profile stay.
    /// </summary>
    internal static Image WithoutMetadata(string path, Image image) => Vips(path, "strip", () => image.Mutate(mutable =>
    {
        foreach (var field in mutable.GetFields())
        {
            if (field.StartsWith("exif-", StringComparison.Ordinal)
                || field is "xmp-data" or "iptc-data" or "jpeg-thumbnail-data" or "orientation")
            {
                mutable.Remove(field);
            }
        }
    }));

    /// <summary>Cheap checks before libvips sees the file: exists, not empty, content is a supported format.</summary>
    private ImageFormat CheckFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new ImageDecodeException(path, ImageDecodeFailure.NotFound, string.Empty);
            }

            if (file.Length == 0)
            {
                throw new ImageDecodeException(path, ImageDecodeFailure.Empty, string.Empty);
            }

            var format = ImageFormatSniffer.DetectFile(path);
            if (format == ImageFormat.Unknown)
            {
                var claimed = SupportedImageFiles.FormatFromExtension(path);
                throw new ImageDecodeException(
                    path, ImageDecodeFailure.UnsupportedFormat,
                    claimed == ImageFormat.Unknown ? "unrecognised content" : $"named like {claimed} but the content is not an image we support");
            }

            return format;
        }
        catch (FileNotFoundException ex)
        {
            throw new ImageDecodeException(path, ImageDecodeFailure.NotFound, ex.Message, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ImageDecodeException(path, ImageDecodeFailure.NotFound, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ImageDecodeException(path, ImageDecodeFailure.Unreadable, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new ImageDecodeException(path, ImageDecodeFailure.Unreadable, ex.Message, ex);
        }
    }

    /// <summary>The whole image decoded into memory: errors and cancellation surface here, not as black pixels later.</summary>
    private Image Decode(string path, ImageFormat format, CancellationToken cancellationToken)
    {
        using var image = OpenHeader(path, format, Enums.Access.Random);
        using (cancellationToken.Register(static state => ((Image)state!).SetKill(true), image))
        {
            try
            {
                return image.CopyMemory();
            }
            catch (VipsException ex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw DecodeFailure(path, "decode", ex);
            }
        }
    }

    /// <param name="jpegShrink">1, or a JPEG DCT shrink (2, 4, 8) applied while decoding.</param>
    private Image OpenHeader(string path, ImageFormat format, Enums.Access access, int jpegShrink = 1)
    {
        try
        {
            return Image.NewFromFile(
                VipsFileName(path), access: access, failOn: FailOn,
                kwargs: jpegShrink == 1 ? null : new VOption { { "shrink", jpegShrink } });
        }
        catch (VipsException ex)
        {
            var failure = DecodeFailure(path, "open", ex);
            LogDecodeFailed(_logger, path, format, failure.Reason, failure.Detail);
            throw failure;
        }
    }

    private ImageInfo ReadInfo(string path, ImageFormat format, Image image)
    {
        var loader = image.GetTypeOf("vips-loader") != IntPtr.Zero ? image.Get("vips-loader") as string ?? string.Empty : string.Empty;
        if (!LoaderMatches(format, loader))
        {
            // Defence in depth: never let content we sniffed as X be decoded by some other (riskier) loader.
            throw new ImageDecodeException(path, ImageDecodeFailure.UnsupportedFormat, $"content looks like {format} but libvips chose '{loader}'");
        }

        var info = new ImageInfo(
            format,
            image.Width,
            image.Height,
            image.Bands,
            loader,
            Math.Clamp(IntField(image, "orientation", 1), 1, 8),
            Math.Max(1, IntField(image, "n-pages", 1)),
            image.HasAlpha());

        if (info.PixelCount > _options.MaxPixels)
        {
            LogRefusedTooLarge(_logger, path, info.Width, info.Height, _options.MaxPixels);
            throw new ImageDecodeException(
                path, ImageDecodeFailure.TooLarge, $"{info.Width}x{info.Height} exceeds {_options.MaxPixels:N0} pixels");
        }

        return info;
    }

    private static int IntField(Image image, string name, int fallback) =>
        image.GetTypeOf(name) != IntPtr.Zero && image.Get(name) is int value ? value : fallback;

    private Enums.FailOn FailOn => (Enums.FailOn)(int)_options.FailOn;

    private static bool LoaderMatches(ImageFormat format, string loader) => format switch
    {
        ImageFormat.Jpeg => loader.StartsWith("jpegload", StringComparison.Ordinal),
        ImageFormat.Png => loader.StartsWith("pngload", StringComparison.Ordinal),
        ImageFormat.Gif => loader.StartsWith("gifload", StringComparison.Ordinal),
        ImageFormat.WebP => loader.StartsWith("webpload", StringComparison.Ordinal),
        ImageFormat.Tiff => loader.StartsWith("tiffload", StringComparison.Ordinal),
        ImageFormat.Heif => loader.StartsWith("heifload", StringComparison.Ordinal),
        ImageFormat.Bmp => loader.StartsWith("magickload", StringComparison.Ordinal), // libvips reads BMP only through ImageMagick
        _ => false,
    };

    // libvips parses a trailing "[...]" as load options; an explicit empty option list keeps such names literal.
    private static string VipsFileName(string path) => path.EndsWith(']') ? path + "[]" : path;

    /// <summary>Runs one libvips call; its failure becomes an <see cref="ImageDecodeException"/> about <paramref name="path"/>.</summary>
    private static T Vips<T>(string path, string step, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (VipsException ex)
        {
            throw DecodeFailure(path, step, ex);
        }
    }

    private static ImageDecodeException DecodeFailure(string path, string step, VipsException exception)
    {
        // NetVips puts libvips' error buffer (process-global, so possibly a neighbour's text too) into the message.
        var detail = OwnLines(exception.Message, path);
        var reason = Classify(detail);
        if (!File.Exists(path))
        {
            reason = ImageDecodeFailure.NotFound;
        }
        else if (reason == ImageDecodeFailure.Corrupt && LooksTruncated(path))
        {
            // The shared error buffer may have lost our message to another thread: the file's tail decides.
            reason = ImageDecodeFailure.Truncated;
        }

        return new ImageDecodeException(path, reason, string.IsNullOrEmpty(detail) ? $"{step} failed" : $"{step}: {detail}", exception);
    }

    /// <summary>Whether the file lacks its format's end marker (JPEG EOI, PNG IEND, GIF trailer, RIFF length).</summary>
    internal static bool LooksTruncated(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            Span<byte> head = stackalloc byte[ImageFormatSniffer.HeaderLength];
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
            var format = ImageFormatSniffer.Detect(head);
            Span<byte> tail = stackalloc byte[64];
            var tailLength = (int)Math.Min(tail.Length, stream.Length);
            stream.Seek(-tailLength, SeekOrigin.End);
            tail = tail[..stream.ReadAtLeast(tail[..tailLength], tailLength, throwOnEndOfStream: false)];
            return format switch
            {
                // Cameras sometimes pad after EOI, so look for it near the end rather than exactly at it.
                ImageFormat.Jpeg => tail.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0,
                ImageFormat.Png => !tail.EndsWith((ReadOnlySpan<byte>)[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
                ImageFormat.Gif => tail.Length == 0 || tail[^1] != 0x3B,
                ImageFormat.WebP => head.Length >= 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) + 8L > stream.Length,
                _ => false,
            };
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// libvips' error buffer is shared by all threads: drop lines that name some other file, so a
    /// neighbour's failure is not reported as ours.
    /// </summary>
    internal static string OwnLines(string detail, string path)
    {
        var lines = detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(path, StringComparison.Ordinal) || !line.Contains('/'))
            .Distinct(StringComparer.Ordinal);
        return string.Join("; ", lines);
    }

    internal static ImageDecodeFailure Classify(string detail)
    {
        if (detail.Contains("truncated", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("premature end", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("unexpected end", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("not enough data", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("end of file", StringComparison.OrdinalIgnoreCase))
        {
            return ImageDecodeFailure.Truncated;
        }

        if (detail.Contains("not a known file format", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("unsupported", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("has not been built in", StringComparison.OrdinalIgnoreCase)) // libheif without an HEVC decoder
        {
            return ImageDecodeFailure.UnsupportedFormat;
        }

        if (detail.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return ImageDecodeFailure.Unreadable;
        }

        return ImageDecodeFailure.Corrupt;
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Cannot open {Path} ({Format}): {Reason} {Detail}")]
    private static partial void LogDecodeFailed(ILogger logger, string path, ImageFormat format, ImageDecodeFailure reason, string detail);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
        Message = "Refused {Path}: header declares {Width}x{Height}, above the {MaxPixels} pixel limit")]
    private static partial void LogRefusedTooLarge(ILogger logger, string path, int width, int height, long maxPixels);
}
