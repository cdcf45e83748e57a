using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

/// <summary>
/// An existing database upgrades in place: one migrated to the migration before the last, holding images and
/// embeddings written the way earlier versions wrote them (real[] cast to vector), is migrated to the current
/// schema and keeps every row, readable through today's model (half precision since issue 20) and found by the index.
/// </summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task A_database_at_the_previous_migration_upgrades_keeping_its_images_and_embeddings()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "it_upgrade_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await CatalogDatabase.CreateEmptyDatabaseAsync(name);
        try
        {
            await using var services = CatalogServices.Build(connectionString);
            string previous;
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
                var all = db.Database.GetMigrations().ToList();
                Assert.True(all.Count >= 2);
                previous = all[^2];
                await db.GetService<IMigrator>().MigrateAsync(previous, ct);
            }

            // Data as the previous version wrote it, with the index it had.
            const int images = 40;
            var vectors = Enumerable.Range(0, images).Select(i => Enumerable.Range(0, 768).Select(d => (float)Math.Sin((i + 1) * (d + 1) * 0.001)).ToArray()).ToList();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                await using (var seed = new NpgsqlCommand(
                    $"""
                    INSERT INTO folders (path) VALUES ('/old');
                    INSERT INTO images (folder_id, path, file_name, modified_at, description, status)
                    SELECT (SELECT id FROM folders), '/old/' || g || '.jpg', g || '.jpg', now(), 'old image ' || g, 'Done' FROM generate_series(1, {images}) g;
                    CREATE INDEX IF NOT EXISTS {EmbeddingIndex.LegacyIndexName(768)} ON image_embeddings USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE dimensions = 768;
                    """,
                    connection))
                {
                    await seed.ExecuteNonQueryAsync(ct);
                }

                for (var i = 0; i < images; i++)
                {
                    await using var insert = new NpgsqlCommand(
                        "INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash) SELECT id, 'old-model', 768, @v::real[]::vector, 'h' || id FROM images WHERE path = @path",
                        connection);
                    insert.Parameters.AddWithValue("v", vectors[i]);
                    insert.Parameters.AddWithValue("path", $"/old/{i + 1}.jpg");
                    await insert.ExecuteNonQueryAsync(ct);
                }
            }

            await using (var scope = services.CreateAsyncScope())
            {
                var migrator = scope.ServiceProvider.GetRequiredService<CatalogMigrator>();
                Assert.NotEmpty(await migrator.PendingMigrationsAsync(ct));
                await migrator.MigrateAsync(ct);
                Assert.Empty(await migrator.PendingMigrationsAsync(ct));
            }

            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
                Assert.Equal(images, await db.Images.CountAsync(ct));
                var stored = await db.ImageEmbeddings.AsNoTracking().Join(db.Images, e => e.ImageId, i => i.Id, (e, i) => new { i.Path, e.Embedding, e.Dimensions }).ToListAsync(ct);
                Assert.Equal(images, stored.Count);
                foreach (var row in stored)
                {
                    var index = int.Parse(Path.GetFileNameWithoutExtension(row.Path), System.Globalization.CultureInfo.InvariantCulture) - 1;
                    Assert.Equal(768, row.Dimensions);
                    Assert.Equal(vectors[index].Select(f => (Half)f), row.Embedding.ToArray());
                }
            }

            var store = services.GetRequiredService<EmbeddingStore>();
            var nearest = await store.NearestAsync(vectors[7], "old-model", 1, cancellationToken: ct);
            var expected = (await store.NearestAsync(vectors[7], "old-model", 1, exact: true, ct)).Single();
            Assert.Equal(expected.ImageId, Assert.Single(nearest).ImageId);
            Assert.Equal(0, nearest[0].Distance, 5);

            // The full-precision index of earlier versions is replaced by the half-precision one.
            await using var indexes = new NpgsqlConnection(connectionString);
            await indexes.OpenAsync(ct);
            await using var names = new NpgsqlCommand("SELECT array_agg(indexname::text) FROM pg_indexes WHERE tablename = 'image_embeddings'", indexes);
            var present = (string[])(await names.ExecuteScalarAsync(ct))!;
            Assert.Contains(EmbeddingIndex.IndexName(768), present);
            Assert.DoesNotContain(EmbeddingIndex.LegacyIndexName(768), present);

            // The column is half precision now, and the indexes over it were built again after the change.
            await using var type = new NpgsqlCommand("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'image_embeddings'::regclass AND attname = 'embedding'", indexes);
            Assert.Equal("halfvec", await type.ExecuteScalarAsync(ct));

            // The upgrade leaves the planner statistics for what it changed (40 new rows are too few for autovacuum).
            await using var statistics = new NpgsqlCommand("SELECT count(*) FROM pg_stats WHERE tablename = 'images' AND attname = 'search_doc'", indexes);
            Assert.Equal(1L, await statistics.ExecuteScalarAsync(ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await CatalogDatabase.DropDatabaseAsync(name);
        }
    }
}
