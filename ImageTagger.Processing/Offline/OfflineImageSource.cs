using ImageTagger.Catalog.Images;
using ImageTagger.Imaging;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// The picture the offline models see: the model JPEG analysis cached (upright, EXIF orientation applied, long side
/// Imaging:AiLongSide), so no second decode of the original; made again from the file if the cache lost it.
/// </summary>
public sealed class OfflineImageSource(ThumbnailStore thumbnails, IImageProcessor processor, IOptions<ImagingOptions> imaging)
{
    public async Task<byte[]> ReadAsync(Image image, CancellationToken cancellationToken) =>
        await thumbnails.ReadAiImageAsync(image.Id, imaging.Value, cancellationToken)
        ?? (await Task.Run(() => processor.CreateAiImage(image.Path, cancellationToken), cancellationToken)).Data;
}
