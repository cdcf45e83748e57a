using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// Reads and writes image embeddings. The pgvector column is kept out of the EF model (no pgvector
/// type mapping restores for Npgsql 10): vectors travel as <c>real[]</c> and are cast in SQL.
/// </summary>
public sealed class EmbeddingStore(NpgsqlDataSource dataSource, IOptions<EmbeddingOptions> options)
{
    private readonly int _dimensions = options.Value.Dimensions;

    public int Dimensions => _dimensions;

    /// <summary>Stores (or replaces) the embedding of an image for a model.</summary>
    public async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long imageId, string model, ReadOnlyMemory<float> embedding, string contentHash, CancellationToken cancellationToken = default)
    {
        if (embedding.Length != _dimensions)
        {
            throw new ArgumentException($"Embedding has {embedding.Length} dimensions; the catalog is configured for {_dimensions} (Embedding:Dimensions).", nameof(embedding));
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash)
            VALUES (@imageId, @model, @dimensions, @embedding::real[]::vector, @hash)
            ON CONFLICT (image_id, model) DO UPDATE
            SET dimensions = excluded.dimensions, embedding = excluded.embedding, content_hash = excluded.content_hash, created_at = now();
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("imageId", imageId);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("dimensions", _dimensions);
        command.Parameters.Add(new NpgsqlParameter("embedding", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = embedding.ToArray() });
        command.Parameters.AddWithValue("hash", contentHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertAsync(long imageId, string model, ReadOnlyMemory<float> embedding, string contentHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await UpsertAsync(connection, null, imageId, model, embedding, contentHash, cancellationToken);
    }

    public async Task<StoredEmbedding?> GetAsync(long imageId, string model, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT embedding::real[], content_hash FROM image_embeddings WHERE image_id = @imageId AND model = @model",
            connection);
        command.Parameters.AddWithValue("imageId", imageId);
        command.Parameters.AddWithValue("model", model);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredEmbedding(reader.GetFieldValue<float[]>(0), reader.GetString(1))
            : null;
    }

    /// <summary>
    /// Nearest images by cosine distance through the HNSW index for this dimension
    /// (<c>hnsw.ef_search</c> set per query), or an exact scan when <paramref name="exact"/>.
    /// </summary>
    public async Task<IReadOnlyList<VectorHit>> NearestAsync(ReadOnlyMemory<float> query, string model, int limit, bool exact = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var set = new NpgsqlCommand(
            exact
                ? "SET LOCAL enable_indexscan = off"
                : $"SET LOCAL hnsw.ef_search = {Math.Max(options.Value.EfSearch, limit)}; SET LOCAL hnsw.iterative_scan = relaxed_order",
            connection,
            transaction))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        var vectorType = $"vector({_dimensions})";
        await using var command = new NpgsqlCommand(
            $"""
            WITH nearest AS MATERIALIZED (
                SELECT image_id, embedding::{vectorType} <=> @query::real[]::{vectorType} AS distance
                FROM image_embeddings
                WHERE model = @model AND dimensions = {_dimensions}
                ORDER BY embedding::{vectorType} <=> @query::real[]::{vectorType}
                LIMIT @limit)
            -- Iterative index scans may return near-ties slightly out of order.
            SELECT image_id, distance FROM nearest ORDER BY distance, image_id;
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter("query", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = query.ToArray() });
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("limit", limit);
        var hits = new List<VectorHit>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new VectorHit(reader.GetInt64(0), reader.GetDouble(1)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return hits;
    }
}

public sealed record StoredEmbedding(float[] Vector, string ContentHash);

public sealed record VectorHit(long ImageId, double Distance);
