using System.Security.Cryptography;
using System.Text;
using ImageTagger.Ai;
using ImageTagger.Ai.Tagging;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Description;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Embedding;

/// <summary>
/// Embeds description + tags with the configured embedding model. Skips the call when the stored
/// embedding for this model was made from the same text, so re-running is cheap and a new model re-embeds only.
/// </summary>
public sealed class EmbedHandler(
    NpgsqlDataSource dataSource,
    IEmbeddingGenerator<string, Embedding<float>> generator,
    EmbeddingStore store,
    IOptions<OllamaOptions> ollamaOptions) : ImageJobHandler(dataSource)
{
    public override string Kind => JobKinds.Embed;

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image) || image!.Description is null)
        {
            return;
        }

        var model = ollamaOptions.Value.EmbeddingModel;
        var text = EmbeddingText.ForImage(image.Description, image.Tags.Select(t => t.Tag!.Name).Order(StringComparer.Ordinal), ollamaOptions.Value.EmbeddingDocumentPrefix);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + text)));
        var existing = await store.GetAsync(image.Id, model, cancellationToken);
        float[]? vector = null;
        if (existing?.ContentHash != hash)
        {
            try
            {
                var embeddings = await generator.GenerateAsync([text], new EmbeddingGenerationOptions { ModelId = model }, cancellationToken);
                vector = embeddings[0].Vector.ToArray();
            }
            catch (OllamaException ex)
            {
                throw new InvalidOperationException(DescribeHandler.UnavailablePrefix + ex.Message, ex);
            }

            if (vector.Length != store.Dimensions)
            {
                throw new PermanentJobException($"model {model} returns {vector.Length}-dimensional embeddings but Embedding:Dimensions is {store.Dimensions}");
            }
        }

        await context.CompleteAsync(async (db, connection, transaction, ct) =>
        {
            if (vector is not null)
            {
                await store.UpsertAsync(connection, transaction, image.Id, model, vector, hash, ct);
            }

            await db.Images.Where(i => i.Id == image.Id && (i.Status == ImageStatus.Described || i.Status == ImageStatus.Analyzed))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImageStatus.Done).SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }, cancellationToken);
    }
}
