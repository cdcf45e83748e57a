using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Imaging.Pixels;
using ImageTagger.Processing.Jobs;
using Npgsql;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// ResNet18 features of the picture (offline), stored as the image's <see cref="OfflineEmbeddingModels.Image"/>
/// embedding row: similar images, near-duplicates and tag suggestions are queries over them (VisualSimilarity).
/// </summary>
public sealed class FeaturesHandler(NpgsqlDataSource dataSource, OfflineModels models, OfflineImageSource source, ResNetImageFeaturizer featurizer, EmbeddingStore store)
    : OfflineImageJobHandler(dataSource, models, source)
{
    public override string Kind => JobKinds.Features;

    protected override bool Enabled(OfflineAiOptions options) => options.Features;

    protected override async Task RunAsync(JobContext context, Image image, byte[] picture, CancellationToken cancellationToken)
    {
        // Same pixels, same vector: the file's checksum is the content hash.
        var hash = image.Checksum ?? "";
        var existing = await store.GetAsync(image.Id, OfflineEmbeddingModels.Image, cancellationToken);
        float[]? vector = null;
        if (existing?.ContentHash != hash || hash.Length == 0)
        {
            var square = RgbDecoder.Square(picture, ResNetImageFeaturizer.InputSide, image.Path);
            vector = await featurizer.FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), cancellationToken);
        }

        await context.CompleteAsync(async (_, connection, transaction, ct) =>
        {
            if (vector is not null)
            {
                await store.UpsertAsync(connection, transaction, image.Id, OfflineEmbeddingModels.Image, vector, hash, ct);
            }
        }, cancellationToken);
    }
}
