using ImageTagger.Ai.Tagging;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>One already-described image of a seeded library.</summary>
public sealed record LibraryEntry(string Name, string Description, string[] Tags, DateTimeOffset? TakenAt, bool Gps);

/// <summary>
/// Seeds a library as if the pipeline had processed it: image rows with descriptions and model tags, and
/// embeddings from the loopback embedder (the same text the embed stage builds), so search tests start warm.
/// </summary>
public static class DescribedLibrary
{
    public const string EmbeddingModel = "nomic-embed-text";

    /// <param name="createFile">Makes the image file for an entry (its index given) and returns its path.</param>
    /// <param name="customize">Adjusts a row before it is saved (camera, EXIF, sizes...).</param>
    /// <returns>Image ids by entry name.</returns>
    public static async Task<Dictionary<string, long>> SeedAsync(
        CatalogDatabase database,
        long folderId,
        IReadOnlyList<LibraryEntry> entries,
        Func<LibraryEntry, int, string> createFile,
        Action<Image>? customize = null)
    {
        await using var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        await using var db = database.CreateDbContext();
        var ids = new Dictionary<string, long>();
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index];
            var path = createFile(entry, index);
            var image = new Image
            {
                FolderId = folderId,
                Path = path,
                FileName = Path.GetFileName(path),
                ModifiedAt = DateTimeOffset.UtcNow,
                SizeBytes = new FileInfo(path).Length,
                Description = entry.Description,
                DescriptionModel = "llava:7b",
                Status = ImageStatus.Done,
                Format = "jpeg",
                TakenAt = entry.TakenAt,
                Latitude = entry.Gps ? 47.1 : null,
                Longitude = entry.Gps ? 8.5 : null,
                Checksum = Guid.NewGuid().ToString("N"),
            };
            customize?.Invoke(image);
            foreach (var tag in entry.Tags)
            {
                var entity = db.Tags.Local.FirstOrDefault(t => t.NormalizedName == tag) ?? db.Tags.Add(new Tag { Name = tag, NormalizedName = tag }).Entity;
                image.Tags.Add(new ImageTag { Tag = entity, Source = TagSource.Ai });
            }

            db.Images.Add(image);
            await db.SaveChangesAsync();
            ids[entry.Name] = image.Id;
            var text = EmbeddingText.ForImage(entry.Description, entry.Tags.Order(StringComparer.Ordinal), "search_document: ");
            await store.UpsertAsync(image.Id, EmbeddingModel, DeterministicEmbedder.Embed(text, database.EmbeddingDimensions), "seed");
        }

        return ids;
    }
}
