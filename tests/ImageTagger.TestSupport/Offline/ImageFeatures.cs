using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Imaging.Pixels;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.TestSupport.Offline;

/// <summary>Image features made with the real ResNet18 model, stored as the offline stage stores them (similar images, tag suggestions).</summary>
public static class ImageFeatures
{
    /// <param name="services">A service provider of the Api or Processing (the featurizer and the embedding store).</param>
    public static async Task StoreAsync(IServiceProvider services, long imageId, string file, CancellationToken cancellationToken = default)
    {
        var square = RgbDecoder.Square(await File.ReadAllBytesAsync(file, cancellationToken), ResNetImageFeaturizer.InputSide, file);
        var features = await services.GetRequiredService<ResNetImageFeaturizer>().FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), cancellationToken);
        await services.GetRequiredService<EmbeddingStore>().UpsertAsync(imageId, OfflineEmbeddingModels.Image, features, "features");
    }
}
