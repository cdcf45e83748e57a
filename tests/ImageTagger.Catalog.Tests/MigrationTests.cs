using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_are_idempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "it_empty_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await CatalogDatabase.CreateEmptyDatabaseAsync(name);
        try
        {
            await using var provider = CatalogServices.Build(connectionString);

            await using (var scope = provider.CreateAsyncScope())
            {
                var migrator = scope.ServiceProvider.GetRequiredService<CatalogMigrator>();
                Assert.NotEmpty(await migrator.PendingMigrationsAsync(ct));
                await migrator.MigrateAsync(ct);
                Assert.Empty(await migrator.PendingMigrationsAsync(ct));
            }

            // A second run (another deploy, a restarted migrate step) changes nothing and does not fail.
            await using (var scope = provider.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<CatalogMigrator>().MigrateAsync(ct);
                Assert.Empty(await scope.ServiceProvider.GetRequiredService<CatalogMigrator>().PendingMigrationsAsync(ct));
            }

            var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
            await using var command = dataSource.CreateCommand(
                "SELECT (SELECT count(*) FROM pg_extension WHERE extname IN ('vector', 'pg_trgm')), (SELECT count(*) FROM pg_indexes WHERE indexname = @index)");
            command.Parameters.AddWithValue("index", EmbeddingIndex.IndexName(768));
            await using var reader = await command.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            Assert.Equal(2, reader.GetInt64(0));
            Assert.Equal(1, reader.GetInt64(1));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await CatalogDatabase.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task A_migration_that_outlasts_the_connection_strings_command_timeout_still_completes()
    {
        // At a million images the offline-AI migration rewrites the images table for minutes; a command timeout would
        // cancel it and the retrying strategy would start it over forever. Here the rewrite is held back by a lock
        // until it has outlived a 1 s timeout several times over.
        var ct = TestContext.Current.CancellationToken;
        var name = "it_slow_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await CatalogDatabase.CreateEmptyDatabaseAsync(name);
        try
        {
            await using var provider = CatalogServices.Build(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 1 }.ConnectionString);
            await using (var scope = provider.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().GetService<IMigrator>().MigrateAsync("20261206000000_LargeLibraries", ct);
            }

            await using var blocker = new NpgsqlConnection(connectionString);
            await blocker.OpenAsync(ct);
            var holding = await blocker.BeginTransactionAsync(ct);
            await using (var share = new NpgsqlCommand("LOCK TABLE images IN ACCESS SHARE MODE", blocker, holding))
            {
                await share.ExecuteNonQueryAsync(ct);
            }

            await using var scope2 = provider.CreateAsyncScope();
            var migrating = scope2.ServiceProvider.GetRequiredService<CatalogMigrator>().MigrateAsync(ct);
            await using var observer = new NpgsqlConnection(connectionString);
            await observer.OpenAsync(ct);
            await Poll.UntilAsync(
                async () =>
                {
                    Assert.False(migrating.IsCompleted, "the migration ended while the table was locked: " + migrating.Exception?.GetBaseException().Message);
                    await using var waiting = new NpgsqlCommand(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ALTER TABLE images%' AND now() - query_start > interval '3 seconds'",
                        observer);
                    return (long)(await waiting.ExecuteScalarAsync(ct))! > 0;
                },
                TimeSpan.FromMinutes(1),
                "the migration's ALTER TABLE waiting past 3 s on the lock (not cancelled by the command timeout)");

            await holding.CommitAsync(ct);
            await migrating;
            Assert.Empty(await scope2.ServiceProvider.GetRequiredService<CatalogMigrator>().PendingMigrationsAsync(ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await CatalogDatabase.DropDatabaseAsync(name);
        }
    }
}

public sealed class ModelMatchesSchemaTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task Every_entity_in_the_EF_model_can_be_read_from_the_migrated_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();

        // A column the model expects but the migration lacks fails here, which is how model and SQL stay in step.
        Assert.Empty(await db.Folders.Take(1).ToListAsync(ct));
        Assert.Empty(await db.Images.Take(1).ToListAsync(ct));
        Assert.Empty(await db.Tags.Take(1).ToListAsync(ct));
        Assert.Empty(await db.ImageTags.Take(1).ToListAsync(ct));
        Assert.Empty(await db.ImageEmbeddings.Take(1).ToListAsync(ct));
        Assert.Empty(await db.Jobs.Take(1).ToListAsync(ct));
        Assert.Empty(await db.Settings.Take(1).ToListAsync(ct));
    }
}
