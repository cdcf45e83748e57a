using ImageTagger.Catalog.Embeddings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Catalog;

/// <summary>
/// Brings a database to the current schema: EF migrations, then the vector index for the configured
/// embedding dimension. Run once by the migration step before any service starts.
/// </summary>
public sealed class CatalogMigrator(CatalogDbContext db, NpgsqlDataSource dataSource, IOptions<EmbeddingOptions> embeddingOptions)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EmbeddingIndex.EnsureAsync(connection, embeddingOptions.Value.Dimensions, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default) =>
        [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
}
