namespace ImageTagger.Imaging;

/// <summary>Header facts about an image, read without decoding pixels.</summary>
/// <param name="Width">Stored width (before EXIF orientation is applied).</param>
/// <param name="Height">Stored height (before EXIF orientation is applied).</param>
/// <param name="Loader">libvips loader that will decode it, e.g. <c>jpegload</c>.</param>
/// <param name="Orientation">EXIF orientation 1–8 (1 when absent).</param>
/// <param name="Pages">Frames/pages (animated GIF, multi-page TIFF, HEIF collections).</param>
public sealed record ImageInfo(
    ImageFormat Format, int Width, int Height, int Bands, string Loader, int Orientation, int Pages, bool HasAlpha)
{
    /// <summary>Orientations 5–8 swap the axes when the image is shown upright.</summary>
    public bool SwapsAxes => Orientation is >= 5 and <= 8;

    public int DisplayWidth => SwapsAxes ? Height : Width;

    public int DisplayHeight => SwapsAxes ? Width : Height;

    public long PixelCount => (long)Width * Height;
}

/// <summary>One rendition to produce: fit inside LongSide × LongSide, never upscaled.</summary>
public sealed record RenditionRequest(int LongSide, ThumbnailFormat Format, int Quality);

/// <summary>An encoded, upright, metadata-free rendition.</summary>
public sealed record EncodedImage(int RequestedLongSide, int Width, int Height, ThumbnailFormat Format, byte[] Data)
{
    public string ContentType => Format == ThumbnailFormat.WebP ? "image/webp" : "image/jpeg";

    public string FileExtension => Format == ThumbnailFormat.WebP ? ".webp" : ".jpg";
}

/// <summary>The configured thumbnails (ascending size) and the JPEG for the vision model.</summary>
public sealed record StandardRenditions(IReadOnlyList<EncodedImage> Thumbnails, EncodedImage AiImage)
{
    /// <summary>The model's JPEG is one of the thumbnails (stored once, with them).</summary>
    public bool AiImageIsThumbnail => Thumbnails.Any(t => ReferenceEquals(t, AiImage));
}
