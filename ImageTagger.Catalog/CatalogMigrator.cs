using ImageTagger.Catalog.Embeddings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Catalog;

/// <summary>
/// Brings a database to the current schema: EF migrations, then the vector index for the configured
/// embedding dimension. Run once by the migration step before any service starts. The context's retrying
/// execution strategy (Aspire's) waits out a database that is still starting.
/// </summary>
public sealed class CatalogMigrator(CatalogDbContext db, NpgsqlDataSource dataSource, IOptions<EmbeddingOptions> embeddingOptions)
{
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            // A migration rewrites whole tables (a generated column over a million images takes minutes): the default
            // 30 s command timeout would cancel it, and the retrying strategy would start it over, forever.
            db.Database.SetCommandTimeout(TimeSpan.Zero);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Any();
            await db.Database.MigrateAsync(ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            foreach (var dimensions in new[] { embeddingOptions.Value.Dimensions, OfflineEmbeddingModels.TextDimensions, OfflineEmbeddingModels.ImageDimensions }.Distinct())
            {
                await EmbeddingIndex.EnsureAsync(connection, dimensions, embeddingOptions.Value.IndexBuildMemoryMb, ct);
            }

            if (pending)
            {
                // A column a migration added or rewrote (the search document) has no planner statistics, and autovacuum
                // only analyzes a table after a tenth of it changes: at a million images the planner would guess a
                // common word matches 0.5 % of them for weeks. ANALYZE samples, so it takes about a second at that size.
                await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
                await analyze.ExecuteNonQueryAsync(ct);
            }

            // The migrations may have created the vector extension after a pool had loaded the database's types:
            // without a reload, that pool (ours, and EF's, which is shared process-wide) cannot read a vector.
            await connection.ReloadTypesAsync(ct);
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await ((NpgsqlConnection)db.Database.GetDbConnection()).ReloadTypesAsync(ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);

    public Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            (IReadOnlyList<string>)[.. await db.Database.GetPendingMigrationsAsync(ct)], cancellationToken);
}
