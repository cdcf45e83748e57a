using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Catalog.Tests;

public sealed class SmallEmbeddingDatabase : CatalogDatabase
{
    public override int EmbeddingDimensions => 8;
}

public sealed class EmbeddingStoreTests(SmallEmbeddingDatabase database) : IClassFixture<SmallEmbeddingDatabase>
{
    private static float[] Unit(int hot, float noise = 0)
    {
        var v = new float[8];
        v[hot] = 1;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] += noise * (i + 1) / 10f;
        }

        return v;
    }

    [Fact]
    public async Task Nearest_neighbours_come_back_in_cosine_order_with_index_and_exact_scan()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var images = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            images.Add((await CatalogTestData.AddImageAsync(db, folder, $"v{i}.jpg")).Id);
        }

        // Query points at axis 0; images are increasingly far from it.
        float[][] vectors =
        [
            [1, 0, 0, 0, 0, 0, 0, 0],
            [0.9f, 0.1f, 0, 0, 0, 0, 0, 0],
            [0.7f, 0.7f, 0, 0, 0, 0, 0, 0],
            [0.2f, 1, 0, 0, 0, 0, 0, 0],
            [0, 1, 1, 0, 0, 0, 0, 0],
            [-1, 0, 0, 0, 0, 0, 0, 0],
        ];
        for (var i = 0; i < vectors.Length; i++)
        {
            await store.UpsertAsync(images[i], "test-embed", vectors[i], $"h{i}", ct);
        }

        await store.UpsertAsync(images[5], "other-model", Unit(0), "x", ct);

        var indexed = await store.NearestAsync(Unit(0), "test-embed", 6, exact: false, ct);
        var exact = await store.NearestAsync(Unit(0), "test-embed", 6, exact: true, ct);

        Assert.Equal(images, indexed.Select(h => h.ImageId));
        Assert.Equal(images, exact.Select(h => h.ImageId));
        Assert.Equal(0, exact[0].Distance, 5);
        Assert.Equal(2, exact[^1].Distance, 5);
        Assert.True(indexed.Zip(indexed.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
    }

    [Fact]
    public async Task Embedding_round_trips_and_is_replaced_per_model()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var image = await CatalogTestData.AddImageAsync(db, folder, "r.jpg");

        await store.UpsertAsync(image.Id, "m1", Unit(3, 0.5f), "first", ct);
        await store.UpsertAsync(image.Id, "m1", Unit(4), "second", ct);
        await store.UpsertAsync(image.Id, "m2", Unit(5), "other", ct);

        var m1 = await store.GetAsync(image.Id, "m1", ct);
        Assert.NotNull(m1);
        Assert.Equal(Unit(4), m1.Vector);
        Assert.Equal("second", m1.ContentHash);
        Assert.Equal("other", (await store.GetAsync(image.Id, "m2", ct))!.ContentHash);
        Assert.Null(await store.GetAsync(image.Id, "m3", ct));
    }

    [Fact]
    public async Task A_vector_of_the_wrong_dimension_is_refused_with_a_clear_message()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(1, "m", new float[5], "h", ct));
        Assert.Contains("Embedding:Dimensions", ex.Message);
    }

    [Fact]
    public async Task The_configured_dimension_has_its_HNSW_index_and_queries_use_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await using (var fill = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO images (folder_id, path, file_name, modified_at)
            SELECT @folder, '/bulk/' || g, g || '.jpg', now() FROM generate_series(1, 3000) g;
            INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash)
            SELECT id, 'bulk', 8, ARRAY(SELECT random()::real FROM generate_series(1, 8) WHERE id > 0)::vector, 'h'
            FROM images WHERE path LIKE '/bulk/%';
            ANALYZE image_embeddings;
            """,
            connection))
        {
            fill.Parameters.AddWithValue("folder", folder.Id);
            await fill.ExecuteNonQueryAsync(ct);
        }

        await using var explain = new Npgsql.NpgsqlCommand(
            "EXPLAIN SELECT image_id FROM image_embeddings WHERE model = 'bulk' AND dimensions = 8 ORDER BY embedding::halfvec(8) <=> '[1,0,0,0,0,0,0,0]'::halfvec(8) LIMIT 10",
            connection);
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            plan.Add(reader.GetString(0));
        }

        Assert.Contains(plan, line => line.Contains(EmbeddingIndex.IndexName(8), StringComparison.Ordinal));
    }
}
