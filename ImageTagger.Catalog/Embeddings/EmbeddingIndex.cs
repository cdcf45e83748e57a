using System.Globalization;
using Npgsql;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// HNSW indexes are built per dimension on a cast of the untyped vector column (pgvector needs a fixed
/// dimension to index), so the configured dimension decides which index exists, not a migration.
/// The index holds half-precision copies (<c>halfvec</c>): at a million 768-d embeddings it is 804 MB instead of
/// 1,606 MB, as fast, and finds the same neighbours (bench/RESULTS.md, issue 20); the column keeps full precision,
/// which the distances we return are computed from.
/// </summary>
public static class EmbeddingIndex
{
    /// <summary>pgvector's largest halfvec an HNSW index takes.</summary>
    public const int MaxDimensions = 4000;

    public static string IndexName(int dimensions) => $"ix_image_embeddings_hnsw_{dimensions.ToString(CultureInfo.InvariantCulture)}_half";

    /// <summary>The full-precision index earlier versions built; dropped once the half-precision one exists.</summary>
    public static string LegacyIndexName(int dimensions) => $"ix_image_embeddings_hnsw_{dimensions.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The expression the index is built on, for <c>ORDER BY {OrderBy} &lt;=&gt; {Query}</c> to use it.</summary>
    public static string IndexedExpression(int dimensions, string column = "embedding") => $"{column}::halfvec({dimensions.ToString(CultureInfo.InvariantCulture)})";

    public static async Task EnsureAsync(NpgsqlConnection connection, int dimensions, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        // Building the index over a large library takes minutes (a million 768-d embeddings: ~10 min on 2 cores);
        // until it exists the old index keeps serving, and it goes only when the new one is complete.
        await using var command = new NpgsqlCommand(
            $"""
            CREATE INDEX IF NOT EXISTS {IndexName(dimensions)} ON image_embeddings
            USING hnsw (({IndexedExpression(dimensions)}) halfvec_cosine_ops)
            WITH (m = 16, ef_construction = 64)
            WHERE dimensions = {dimensions.ToString(CultureInfo.InvariantCulture)};
            DROP INDEX IF EXISTS {LegacyIndexName(dimensions)};
            """,
            connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
