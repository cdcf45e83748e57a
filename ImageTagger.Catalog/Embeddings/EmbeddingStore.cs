using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;
using Pgvector.EntityFrameworkCore;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>Reads and writes image embeddings (pgvector <see cref="Vector"/> through Pgvector.EntityFrameworkCore).</summary>
public sealed class EmbeddingStore(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, IOptions<EmbeddingOptions> options)
{
    private readonly int _dimensions = options.Value.Dimensions;

    public int Dimensions => _dimensions;

    /// <summary>
    /// Stores (or replaces) the embedding of an image for a model, inside the caller's transaction when given.
    /// SQL because EF has no upsert.
    /// </summary>
    public async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long imageId, string model, ReadOnlyMemory<float> embedding, string contentHash, CancellationToken cancellationToken = default)
    {
        // The offline models have fixed dimensions of their own (OfflineEmbeddingModels); any other model is the configured one.
        var dimensions = OfflineEmbeddingModels.DimensionsOf(model, _dimensions);
        if (embedding.Length != dimensions)
        {
            throw new ArgumentException($"Embedding has {embedding.Length} dimensions; {model} is stored with {dimensions} (Embedding:Dimensions for the Ollama model).", nameof(embedding));
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash)
            VALUES (@imageId, @model, @dimensions, @embedding, @hash)
            ON CONFLICT (image_id, model) DO UPDATE
            SET dimensions = excluded.dimensions, embedding = excluded.embedding, content_hash = excluded.content_hash, created_at = now();
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("imageId", imageId);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("dimensions", dimensions);
        command.Parameters.AddWithValue("embedding", new Vector(embedding));
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
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var row = await db.ImageEmbeddings.AsNoTracking()
            .Where(e => e.ImageId == imageId && e.Model == model)
            .Select(e => new { e.Embedding, e.ContentHash })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new StoredEmbedding(Array.ConvertAll(row.Embedding.ToArray(), h => (float)h), row.ContentHash);
    }

    /// <summary>Whether any image has an embedding of <paramref name="model"/>: one row of the kept counters, not a scan.</summary>
    public async Task<bool> HasAnyAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM embedding_counts WHERE model = @model AND embeddings > 0)");
        command.Parameters.AddWithValue("model", model);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Nearest images by cosine distance through the HNSW index for this dimension
    /// (<c>hnsw.ef_search</c> set per query), or an exact scan when <paramref name="exact"/>.
    /// </summary>
    public async Task<IReadOnlyList<VectorHit>> NearestAsync(ReadOnlyMemory<float> query, string model, int limit, bool exact = false, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var vector = new Vector(query);
        var settings = exact
            ? "SET LOCAL enable_indexscan = off"
            : $"SET LOCAL hnsw.ef_search = {Math.Max(options.Value.EfSearch, limit).ToString(CultureInfo.InvariantCulture)}; SET LOCAL hnsw.iterative_scan = relaxed_order";

        // SET LOCAL needs a transaction of our own; the retrying strategy then retries the whole unit, never half of it.
        var hits = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync(settings, ct);
            var nearest = await Nearest(db, vector, model, OfflineEmbeddingModels.DimensionsOf(model, _dimensions))
                .Take(limit)
                .ToListAsync(ct);
            await transaction.CommitAsync(ct);
            return nearest;
        }, cancellationToken);

        // Iterative index scans may return near-ties slightly out of order.
        return [.. hits.OrderBy(h => h.Distance).ThenBy(h => h.ImageId)];
    }

    /// <summary>
    /// Embeddings of <paramref name="model"/> nearest to <paramref name="query"/>, ordered by the expression the
    /// per-dimension HNSW index is built on (<c>embedding::halfvec(N) &lt;=&gt; q::halfvec(N)</c>), so the planner can
    /// use it; the distance returned is that one.
    /// </summary>
    public static IQueryable<VectorHit> Nearest(CatalogDbContext db, Vector query, string model, int dimensions) =>
        db.ImageEmbeddings
            .Where(e => e.Model == model && e.Dimensions == EF.Constant(dimensions))
            .OrderBy(e => e.Embedding.AsHalf(dimensions).CosineDistance(query.AsHalf(dimensions)))
            .Select(e => new VectorHit(e.ImageId, e.Embedding.AsHalf(dimensions).CosineDistance(query.AsHalf(dimensions))))
            .InlineDimensions();
}

public sealed record StoredEmbedding(float[] Vector, string ContentHash);

public sealed record VectorHit(long ImageId, double Distance);
