using System.Data.Common;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Pgvector;

namespace ImageTagger.Catalog.Tests;

/// <summary>
/// The LINQ nearest-neighbour query (Pgvector.EntityFrameworkCore's CosineDistance over our halfvec(N) cast) must
/// match the per-dimension HNSW index built in SQL: at a size where a scan would be costly, the plan of the very
/// command EF sends uses the index.
/// </summary>
public sealed class VectorQueryPlanTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private const int Rows = 5000;
    private const int Dimensions = 768;

    [Fact]
    public async Task The_LINQ_nearest_query_at_768_dimensions_uses_the_HNSW_index()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(Dimensions, database.EmbeddingDimensions);
        await using (var db = database.CreateDbContext())
        {
            var folder = await CatalogTestData.AddFolderAsync(db, ct);
            await using var connection = await database.DataSource.OpenConnectionAsync(ct);
            await using var fill = new NpgsqlCommand(
                $"""
                INSERT INTO images (folder_id, path, file_name, modified_at)
                SELECT @folder, '/plan/' || g, g || '.jpg', now() FROM generate_series(1, {Rows}) g;
                INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash)
                SELECT id, 'plan', {Dimensions}, ARRAY(SELECT random()::real - 0.5 FROM generate_series(1, {Dimensions}) WHERE id > 0)::vector, 'h'
                FROM images WHERE path LIKE '/plan/%';
                ANALYZE images; ANALYZE image_embeddings;
                """,
                connection);
            fill.Parameters.AddWithValue("folder", folder.Id);
            fill.CommandTimeout = 600;
            await fill.ExecuteNonQueryAsync(ct);
        }

        var capture = new CommandCapture();
        await using var context = new CatalogDbContext(new DbContextOptionsBuilder<CatalogDbContext>()
            .UseNpgsql(database.DataSource, CatalogDbContext.ConfigureNpgsql)
            .AddInterceptors(capture)
            .Options);
        var query = new Vector(Enumerable.Range(0, Dimensions).Select(i => (float)Math.Sin(i)).ToArray());
        var hits = await EmbeddingStore.Nearest(context, query, "plan", Dimensions).Take(10).ToListAsync(ct);

        Assert.Equal(10, hits.Count);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
        // The cast and the partial index's predicate are literals, as the index needs them.
        Assert.Contains($"halfvec({Dimensions})", capture.CommandText, StringComparison.Ordinal); // the order and the distance, as indexed
        Assert.DoesNotContain($"vector({Dimensions})", capture.CommandText.Replace($"halfvec({Dimensions})", "", StringComparison.Ordinal), StringComparison.Ordinal); // no conversion of the stored rows
        Assert.Contains($"= {Dimensions}", capture.CommandText, StringComparison.Ordinal);

        await using var explainConnection = await database.DataSource.OpenConnectionAsync(ct);
        await using var explain = new NpgsqlCommand("EXPLAIN " + capture.CommandText, explainConnection);
        explain.Parameters.AddRange(capture.Parameters.ToArray());
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.True(
            plan.Any(line => line.Contains("Index Scan", StringComparison.Ordinal) && line.Contains(EmbeddingIndex.IndexName(Dimensions), StringComparison.Ordinal)),
            "expected an index scan on the HNSW index, got:\n" + string.Join('\n', plan));
    }

    /// <summary>Keeps the text and parameters of the query EF sends, to EXPLAIN exactly that.</summary>
    private sealed class CommandCapture : DbCommandInterceptor
    {
        public string CommandText { get; private set; } = "";

        public List<NpgsqlParameter> Parameters { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            CommandText = command.CommandText;
            Parameters.Clear();
            Parameters.AddRange(command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()));
            return ValueTask.FromResult(result);
        }
    }
}
