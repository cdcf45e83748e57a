using ImageTagger.Catalog.Search;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Catalog.Tests;

/// <summary>
/// A filter that keeps ~1 % of the rows still gives full pages with the exact nearest images: plain HNSW with a
/// WHERE clause only sees its ef_search candidates, iterative index scans (or an exact ranking of the few filtered
/// rows, where the planner prefers it) keep going until the page is full.
/// </summary>
public sealed class FilteredSemanticSearchTests(SmallEmbeddingDatabase database) : IClassFixture<SmallEmbeddingDatabase>
{
    private const string Model = "filter-embed";

    [Fact]
    public async Task A_one_percent_tag_or_folder_filter_returns_all_its_nearest_images()
    {
        var ct = TestContext.Current.CancellationToken;
        var rare = "rare" + Guid.NewGuid().ToString("N")[..6];
        var vectors = new Dictionary<long, float[]>();
        var path = "/filtered/" + Guid.NewGuid().ToString("N");
        await using var services = database.CreateServices();
        await using (var command = database.DataSource.CreateCommand(
            """
            WITH f AS (INSERT INTO folders (path) VALUES (@p) RETURNING id),
                 small AS (INSERT INTO folders (path) VALUES (@p || '-small') RETURNING id)
            INSERT INTO images (folder_id, path, file_name, modified_at, status)
            SELECT CASE WHEN g % 100 = 0 THEN small.id ELSE f.id END, @p || '/' || g, g || '.jpg', now(), 'Done'
            FROM f, small, generate_series(1, 3000) g
            RETURNING id
            """))
        {
            command.Parameters.AddWithValue("p", path);
            var random = new Random(5);
            var ids = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            var store = services.GetRequiredService<Embeddings.EmbeddingStore>();
            foreach (var id in ids)
            {
                var v = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                vectors[id] = v;
                await store.UpsertAsync(id, Model, v, "h", ct);
            }

            // 1 % of the images carry the rare tag (every 100th, shifted from the small folder's).
            await using var tag = database.DataSource.CreateCommand(
                "WITH t AS (INSERT INTO tags (name, normalized_name) VALUES (@n, @n) RETURNING id) INSERT INTO image_tags (image_id, tag_id, source) SELECT i, t.id, 'User' FROM t, unnest(@ids) i");
            tag.Parameters.AddWithValue("n", rare);
            tag.Parameters.AddWithValue("ids", ids.Where((_, i) => i % 100 == 50).ToArray());
            await tag.ExecuteNonQueryAsync(ct);
        }

        await using (var analyze = database.DataSource.CreateCommand("ANALYZE images; ANALYZE image_embeddings; ANALYZE image_tags"))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        var search = services.GetRequiredService<ImageSearch>();
        var query = new float[] { 0.3f, -0.2f, 0.1f, 0.4f, -0.1f, 0.2f, 0f, -0.3f };
        long smallFolder;
        await using (var folder = database.DataSource.CreateCommand("SELECT id FROM folders WHERE path = @p || '-small'"))
        {
            folder.Parameters.AddWithValue("p", path);
            smallFolder = (long)(await folder.ExecuteScalarAsync(ct))!;
        }

        foreach (var filters in new[] { new SearchFilters { Tags = [rare] }, new SearchFilters { FolderId = smallFolder } })
        {
            var result = await search.SearchAsync(
                new SearchRequest("", SearchMode.Semantic) { Filters = filters, Limit = 24, MinSimilarity = -1 },
                new QueryEmbedding(Model, query),
                ct);
            Assert.Equal(24, result.Hits.Count);

            // The exact answer: the 24 nearest of the 30 filtered images by cosine distance.
            var filtered = await FilteredIdsAsync(filters, ct);
            Assert.Equal(30, filtered.Count);
            var exact = filtered.OrderBy(id => Distance(vectors[id], query)).Take(24).ToHashSet();
            Assert.True(result.Hits.Count(h => exact.Contains(h.ImageId)) >= 23, "recall of a filtered page below 0.95");
        }
    }

    private async Task<List<long>> FilteredIdsAsync(SearchFilters filters, CancellationToken ct)
    {
        await using var command = database.DataSource.CreateCommand(filters.FolderId is { } folder
            ? "SELECT id FROM images WHERE folder_id = @v"
            : "SELECT it.image_id FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.normalized_name = @v");
        command.Parameters.AddWithValue("v", filters.FolderId is { } f ? f : filters.Tags[0]);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static double Distance(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return 1 - dot / Math.Sqrt(na * nb);
    }
}
