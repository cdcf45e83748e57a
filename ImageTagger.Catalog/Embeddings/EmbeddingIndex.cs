using Npgsql;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// HNSW indexes are built per dimension on a cast of the untyped vector column (pgvector needs a fixed
/// dimension to index), so the configured dimension decides which index exists, not a migration.
/// </summary>
public static class EmbeddingIndex
{
    public static string IndexName(int dimensions) => $"ix_image_embeddings_hnsw_{dimensions}";

    public static async Task EnsureAsync(NpgsqlConnection connection, int dimensions, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 16000);
        await using var command = new NpgsqlCommand(
            $"""
            CREATE INDEX IF NOT EXISTS {IndexName(dimensions)} ON image_embeddings
            USING hnsw ((embedding::vector({dimensions})) vector_cosine_ops)
            WITH (m = 16, ef_construction = 64)
            WHERE dimensions = {dimensions};
            """,
            connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
