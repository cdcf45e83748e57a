using System.Security.Cryptography;
using System.Text;
using ImageTagger.Ai.Offline;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Tags;
using ImageTagger.Imaging.Metadata;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// Embeds the image's text (<see cref="OfflineText"/>) with MiniLM, offline, as its
/// <see cref="OfflineEmbeddingModels.Text"/> embedding row: meaning-based search with no embedding server, fused
/// with the Ollama embedding when there is one. Skips the model when the text is unchanged.
/// </summary>
public sealed partial class TextEmbedHandler(
    NpgsqlDataSource dataSource,
    OfflineModels models,
    MiniLmTextEmbedder embedder,
    EmbeddingStore store,
    IImageMetadataReader metadataReader,
    ILogger<TextEmbedHandler> logger) : ImageJobHandler(dataSource)
{
    public override string Kind => JobKinds.TextEmbed;

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image) || !models.Options.TextEmbeddings)
        {
            await context.CompleteAsync(null, cancellationToken);
            return;
        }

        var inputs = await TextInputsAsync(null, null, image.Id, cancellationToken);
        string? embeddedDescription = null;
        try
        {
            if (File.Exists(image.Path))
            {
                embeddedDescription = metadataReader.Read(image.Path, cancellationToken).Description;
            }
        }
        catch (ImageMetadataException ex)
        {
            LogMetadataUnreadable(logger, image.Id, ex.Message);
        }

        CrawlImage? crawled = null;
        if (image.SourceUrl is not null)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var db = CatalogDbContext.ForConnection(connection);
            crawled = await db.CrawlImages.AsNoTracking().Where(c => c.ImageId == image.Id).OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        }

        var tags = image.Tags.OrderBy(t => t.Source == TagSource.Ai).ThenBy(t => t.Tag!.Name, StringComparer.Ordinal).Select(t => t.Tag!.Name);
        var text = OfflineText.Compose([
            image.OcrText,
            OfflineText.Words(image.FileName),
            OfflineText.FolderWords(image.Path),
            embeddedDescription,
            string.Join(", ", tags),
            image.AltText ?? crawled?.AltText,
            crawled?.Title,
            crawled?.PageTitle,
            image.Description,
        ]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OfflineEmbeddingModels.Text + "\n" + text)));
        var existing = await store.GetAsync(image.Id, OfflineEmbeddingModels.Text, cancellationToken);
        float[]? vector = null;
        if (existing?.ContentHash != hash && text.Length > 0)
        {
            vector = await embedder.EmbedAsync(text, cancellationToken);
        }

        await context.CompleteAsync(async (_, connection, transaction, ct) =>
        {
            // OCR, describe and tag edits each queue this stage again, but not while it runs (one pending job per
            // image and stage): text that changed meanwhile means embedding again, so retry rather than store stale.
            if (await TextInputsAsync(connection, transaction, image.Id, ct) != inputs)
            {
                throw new InvalidOperationException("the image's text changed while it was being embedded; embedding it again");
            }

            if (vector is not null)
            {
                await store.UpsertAsync(connection, transaction, image.Id, OfflineEmbeddingModels.Text, vector, hash, ct);
            }
        }, cancellationToken);
    }

    /// <summary>A fingerprint of the database-side inputs; inside a transaction it locks the row, so a writer waits for the commit.</summary>
    private async Task<string?> TextInputsAsync(NpgsqlConnection? connection, NpgsqlTransaction? transaction, long imageId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT md5(concat_ws(chr(1), ocr_text, description, tag_text, alt_text, path)) FROM images WHERE id = @id
            """;
        await using var command = connection is null ? DataSource.CreateCommand(sql) : new NpgsqlCommand(sql + " FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", imageId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The image stays as it was; the reason is in the job.</summary>
    public override Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metadata of image {ImageId} unreadable for its offline text: {Reason}")]
    private static partial void LogMetadataUnreadable(ILogger logger, long imageId, string reason);
}
