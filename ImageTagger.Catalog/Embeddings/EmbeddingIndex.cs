using System.Globalization;
using Npgsql;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// HNSW indexes are built per dimension on a cast of the untyped halfvec column (pgvector needs a fixed
/// dimension to index), so the configured dimension decides which index exists, not a migration.
/// Half precision (issue 20, bench/RESULTS.md): at a million 768-d embeddings the index is 804 MB instead of 1,606 MB,
/// as fast, and finds the same neighbours; the column is half the size too, short enough to stay in the row, which
/// halved a filtered search that ranks ten thousand rows exactly.
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

    /// <summary>Cosine distance between the column and a query parameter, as the index orders it (so computed once per row).</summary>
    public static string Distance(int dimensions, string column, string parameter) =>
        $"{IndexedExpression(dimensions, column)} <=> {parameter}::halfvec({dimensions.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>
    /// Builds the index for <paramref name="dimensions"/> when it does not exist, with <paramref name="buildMemoryMb"/>
    /// of <c>maintenance_work_mem</c> for the build when given (otherwise the session's setting).
    /// </summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, int dimensions, int? buildMemoryMb = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        var memory = buildMemoryMb is { } mb ? $"SET LOCAL maintenance_work_mem = '{mb.ToString(CultureInfo.InvariantCulture)}MB';" : "";

        // Building the index over a large library takes minutes (a million 768-d embeddings: 7–25 min on 2 cores, far
        // longer once the graph outgrows the build memory);
        // until it exists the old index keeps serving, and it goes only when the new one is complete. One transaction,
        // so the memory setting lasts for this build only.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            {memory}
            CREATE INDEX IF NOT EXISTS {IndexName(dimensions)} ON image_embeddings
            USING hnsw (({IndexedExpression(dimensions)}) halfvec_cosine_ops)
            WITH (m = 16, ef_construction = 64)
            WHERE dimensions = {dimensions.ToString(CultureInfo.InvariantCulture)};
            DROP INDEX IF EXISTS {LegacyIndexName(dimensions)};
            """,
            connection,
            transaction);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
