using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ImageTagger.Imaging.Native;
using ImageTagger.Imaging.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging;

/// <summary>libvips-backed <see cref="IImageProcessor"/>.</summary>
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
        using var image = OpenHeader(path, format, VipsNative.AccessSequential);
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
        using (var header = OpenHeader(path, format, VipsNative.AccessSequential))
        {
            info = ReadInfo(path, format, header);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var largest = requests.Max(r => r.LongSide);

        using (var thumbnail = OpenThumbnail(path, format, Math.Max(info.Width, info.Height), largest, cancellationToken))
        {
            if (requests.Count == 1)
            {
                return [Encode(path, thumbnail, requests[0], cancellationToken)];
            }

            // Render once into memory, then derive every size from it (libvips cannot save one lazy image twice).
            using var memory = Track(VipsNative.vips_image_copy_memory(thumbnail), path, "decode");
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
    }

    /// <summary>Decodes straight to <paramref name="longSide"/>, upright by EXIF orientation.</summary>
    private VipsObjectHandle OpenThumbnail(
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
            using var shrunk = OpenHeader(path, format, VipsNative.AccessSequential, jpegShrink);
            return Resize(path, shrunk, longSide, "thumbnail");
        }

        if (format is ImageFormat.Jpeg or ImageFormat.WebP or ImageFormat.Heif)
        {
            // These loaders can shrink while decoding (JPEG DCT scaling, WebP scaling, HEIF embedded thumbnails).
            if (VipsNative.vips_thumbnail(
                    VipsFileName(path), out var thumbnail, longSide,
                    "height", longSide, "size", VipsNative.SizeDown, "fail_on", (int)_options.FailOn, IntPtr.Zero) != 0)
            {
                thumbnail.Dispose();
                throw DecodeFailure(path, "thumbnail");
            }

            return thumbnail;
        }

        // These formats have no shrink-on-load, and libvips 8.14 loses a sequential loader's errors inside a
        // threaded resize (a truncated PNG, or a kill, comes out as a partly black thumbnail about a third of
        // the time): decode into memory first, where fail_on and cancellation are reported reliably.
        using var source = Decode(path, format, cancellationToken);
        return Resize(path, source, longSide, "thumbnail");
    }

    /// <summary>Fits <paramref name="source"/> into a <paramref name="longSide"/> box (never enlarging), upright by its orientation tag.</summary>
    private static VipsObjectHandle Resize(string path, VipsObjectHandle source, int longSide, string step)
    {
        if (VipsNative.vips_thumbnail_image(
                source, out var resized, longSide, "height", longSide, "size", VipsNative.SizeDown, IntPtr.Zero) != 0)
        {
            resized.Dispose();
            throw DecodeFailure(path, step);
        }

        return resized;
    }

    public string ComputePixelHash(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var format = CheckFile(path);
        var image = OpenHeader(path, format, VipsNative.AccessSequential);
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
                    image = OpenHeader(path, format, VipsNative.AccessRandom);
                }

                if (VipsNative.vips_autorot(image, out var rotated, IntPtr.Zero) != 0)
                {
                    rotated.Dispose();
                    throw DecodeFailure(path, "autorotate");
                }

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
        using (var header = OpenHeader(path, format, VipsNative.AccessSequential))
        {
            ReadInfo(path, format, header);
        }

        if (VipsNative.vips_thumbnail(
                VipsFileName(path), out var image, longSide, "height", longSide, "size", VipsNative.SizeDown,
                "fail_on", (int)_options.FailOn, "no_rotate", autoRotate ? 0 : 1, IntPtr.Zero) != 0)
        {
            image.Dispose();
            throw DecodeFailure(path, "thumbnail");
        }

        using (image)
        {
            var pixels = VipsNative.vips_image_write_to_memory(image, out var size);
            if (pixels == IntPtr.Zero)
            {
                throw DecodeFailure(path, "decode");
            }

            try
            {
                var data = new byte[checked((int)size)];
                Marshal.Copy(pixels, data, 0, data.Length);
                return (VipsNative.vips_image_get_width(image), VipsNative.vips_image_get_height(image), VipsNative.vips_image_get_bands(image), data);
            }
            finally
            {
                VipsNative.g_free(pixels);
            }
        }
    }

    private unsafe string HashPixels(string path, VipsObjectHandle image, CancellationToken cancellationToken)
    {
        var width = VipsNative.vips_image_get_width(image);
        var height = VipsNative.vips_image_get_height(image);
        var bands = VipsNative.vips_image_get_bands(image);
        var bandFormat = VipsNative.vips_image_get_format(image);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes($"{width}x{height}x{bands}:{bandFormat}\n"));

        using var region = Track(VipsNative.vips_region_new(image), path, "region");
        using var kill = cancellationToken.Register(static state => VipsNative.vips_image_set_kill((VipsObjectHandle)state!, 1), image);
        for (var top = 0; top < height; top += HashStripRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(HashStripRows, height - top);
            var pixels = VipsNative.vips_region_fetch(region, 0, top, width, rows, out var length);
            if (pixels == IntPtr.Zero)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw DecodeFailure(path, "decode");
            }

            try
            {
                hash.AppendData(new ReadOnlySpan<byte>((void*)pixels, checked((int)length)));
            }
            finally
            {
                VipsNative.g_free(pixels);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private EncodedImage Encode(string path, VipsObjectHandle image, RenditionRequest request, CancellationToken cancellationToken)
    {
        VipsObjectHandle? flattened = null;
        try
        {
            var source = image;
            if (request.Format == ThumbnailFormat.Jpeg && VipsNative.vips_image_hasalpha(image) != 0)
            {
                // JPEG has no alpha: composite onto white rather than letting the encoder drop the band (black).
                flattened = Flatten(path, image);
                source = flattened;
            }

            var width = VipsNative.vips_image_get_width(source);
            var height = VipsNative.vips_image_get_height(source);
            int rc;
            IntPtr buffer;
            nuint length;

            // Pixels are computed lazily inside the save call: a cancelled token kills the pipeline there.
            using (cancellationToken.Register(static state => VipsNative.vips_image_set_kill((VipsObjectHandle)state!, 1), source))
            {
                rc = request.Format == ThumbnailFormat.Jpeg
                    ? VipsNative.vips_jpegsave_buffer(
                        source, out buffer, out length, "Q", request.Quality, "strip", 1, "optimize_coding", 1, IntPtr.Zero)
                    : VipsNative.vips_webpsave_buffer(
                        source, out buffer, out length, "Q", request.Quality, "strip", 1, "effort", _options.WebPEffort, IntPtr.Zero);
            }

            if (rc != 0 || buffer == IntPtr.Zero)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw DecodeFailure(path, "encode");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // Killed part-way, libvips may still report success with unfinished tiles: never keep that output.
                VipsNative.g_free(buffer);
                cancellationToken.ThrowIfCancellationRequested();
            }

            try
            {
                var data = new byte[checked((int)length)];
                Marshal.Copy(buffer, data, 0, data.Length);

                // "strip" is not enough: libvips 8.14's webpsave ignores it and copies the original's EXIF (GPS too).
                return new EncodedImage(request.LongSide, width, height, request.Format, RenditionMetadata.Strip(data));
            }
            finally
            {
                VipsNative.g_free(buffer);
            }
        }
        finally
        {
            flattened?.Dispose();
        }
    }

    private static unsafe VipsObjectHandle Flatten(string path, VipsObjectHandle image)
    {
        double* white = stackalloc double[] { 255, 255, 255 };
        var background = VipsNative.vips_array_double_new(white, 3);
        try
        {
            if (VipsNative.vips_flatten(image, out var flattened, "background", background, IntPtr.Zero) != 0)
            {
                flattened.Dispose();
                throw DecodeFailure(path, "flatten");
            }

            return flattened;
        }
        finally
        {
            VipsNative.vips_area_unref(background);
        }
    }

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
    private VipsObjectHandle Decode(string path, ImageFormat format, CancellationToken cancellationToken)
    {
        using var image = OpenHeader(path, format, VipsNative.AccessRandom);
        VipsObjectHandle decoded;
        using (cancellationToken.Register(static state => VipsNative.vips_image_set_kill((VipsObjectHandle)state!, 1), image))
        {
            decoded = VipsNative.vips_image_copy_memory(image);
        }

        if (decoded.IsInvalid && cancellationToken.IsCancellationRequested)
        {
            decoded.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Track(decoded, path, "decode");
    }

    /// <param name="jpegShrink">1, or a JPEG DCT shrink (2, 4, 8) applied while decoding.</param>
    private VipsObjectHandle OpenHeader(string path, ImageFormat format, int access, int jpegShrink = 1)
    {
        var image = jpegShrink == 1
            ? VipsNative.vips_image_new_from_file(
                VipsFileName(path), "access", access, "fail_on", (int)_options.FailOn, IntPtr.Zero)
            : VipsNative.vips_image_new_from_file(
                VipsFileName(path), "access", access, "fail_on", (int)_options.FailOn, "shrink", jpegShrink, IntPtr.Zero);
        if (image.IsInvalid)
        {
            image.Dispose();
            var failure = DecodeFailure(path, "open");
            LogDecodeFailed(_logger, path, format, failure.Reason, failure.Detail);
            throw failure;
        }

        return image;
    }

    private ImageInfo ReadInfo(string path, ImageFormat format, VipsObjectHandle image)
    {
        var loader = VipsNative.vips_image_get_string(image, "vips-loader", out var loaderPtr) == 0
            ? Marshal.PtrToStringUTF8(loaderPtr) ?? string.Empty
            : string.Empty;
        if (!LoaderMatches(format, loader))
        {
            // Defence in depth: never let content we sniffed as X be decoded by some other (riskier) loader.
            throw new ImageDecodeException(path, ImageDecodeFailure.UnsupportedFormat, $"content looks like {format} but libvips chose '{loader}'");
        }

        var info = new ImageInfo(
            format,
            VipsNative.vips_image_get_width(image),
            VipsNative.vips_image_get_height(image),
            VipsNative.vips_image_get_bands(image),
            loader,
            Math.Clamp(VipsNative.vips_image_get_orientation(image), 1, 8),
            Math.Max(1, VipsNative.vips_image_get_n_pages(image)),
            VipsNative.vips_image_hasalpha(image) != 0);

        if (info.PixelCount > _options.MaxPixels)
        {
            LogRefusedTooLarge(_logger, path, info.Width, info.Height, _options.MaxPixels);
            throw new ImageDecodeException(
                path, ImageDecodeFailure.TooLarge, $"{info.Width}x{info.Height} exceeds {_options.MaxPixels:N0} pixels");
        }

        return info;
    }

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

    private static VipsObjectHandle Track(VipsObjectHandle handle, string path, string step)
    {
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw DecodeFailure(path, step);
        }

        return handle;
    }

    private static ImageDecodeException DecodeFailure(string path, string step)
    {
        var detail = OwnLines(VipsRuntime.TakeError(), path);
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

        return new ImageDecodeException(path, reason, string.IsNullOrEmpty(detail) ? $"{step} failed" : $"{step}: {detail}");
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
            || detail.Contains("unsupported", StringComparison.OrdinalIgnoreCase))
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
