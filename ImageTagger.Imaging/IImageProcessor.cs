namespace ImageTagger.Imaging;

/// <summary>
/// Decoding, thumbnails and pixel hashes through libvips. All members are synchronous CPU/IO work,
/// thread-safe, and meant to be called from worker threads; they throw <see cref="ImageDecodeException"/>
/// for files that are not decodable images and <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public interface IImageProcessor
{
    /// <summary>Reads the header (size, bands, loader, orientation) without decoding pixels.</summary>
    ImageInfo Probe(string path, CancellationToken cancellationToken = default);

    /// <summary>Produces several renditions from one shrink-on-load decode, upright by EXIF orientation.</summary>
    IReadOnlyList<EncodedImage> CreateRenditions(
        string path, IReadOnlyList<RenditionRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>The configured thumbnail sizes, format and quality (see <see cref="ImagingOptions"/>).</summary>
    IReadOnlyList<EncodedImage> CreateThumbnails(string path, CancellationToken cancellationToken = default);

    /// <summary>One thumbnail, e.g. for an on-demand API request.</summary>
    EncodedImage CreateThumbnail(
        string path, int longSide, ThumbnailFormat format, int quality, CancellationToken cancellationToken = default);

    /// <summary>
    /// What processing needs per image, from a single decode: the configured thumbnails plus the AI JPEG.
    /// Cheaper than <see cref="CreateThumbnails"/> followed by <see cref="CreateAiImage"/> (two decodes).
    /// </summary>
    StandardRenditions CreateStandardRenditions(string path, CancellationToken cancellationToken = default);

    /// <summary>The JPEG sent to the vision model: long side <see cref="ImagingOptions.AiLongSide"/>.</summary>
    EncodedImage CreateAiImage(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// SHA-256 (lowercase hex) of the fully decoded, auto-rotated pixels plus their geometry: equal hashes
    /// mean the picture is unchanged even if the file's metadata (and so its file hash) changed.
    /// </summary>
    string ComputePixelHash(string path, CancellationToken cancellationToken = default);
}
