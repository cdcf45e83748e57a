using System.Globalization;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Tags;
using Npgsql;

namespace ImageTagger.Catalog.Similarity;

/// <summary>An image near another by its ResNet18 features; <see cref="Similarity"/> is the cosine (1 = same picture).</summary>
public sealed record SimilarImage(long ImageId, double Similarity);

/// <summary>A tag offered for an image because visually similar images carry it.</summary>
/// <param name="Score">Mean similarity-weighted vote of the neighbours looked at (0-1).</param>
/// <param name="Neighbours">How many of those neighbours carry the tag.</param>
public sealed record TagSuggestion(long TagId, string Name, double Score, int Neighbours);

/// <summary>
/// What the offline image features give without any AI server: similar images, near-duplicates (visually the
/// same, different bytes) and tag suggestions from the user's visually similar tagged images. Computed when asked,
/// from the HNSW index over the features (iterative scans, so filters never starve the result), so they follow
/// every new image and every tag edit with nothing to keep up to date. Dismissed suggestions are remembered.
/// </summary>
public sealed class VisualSimilarity(NpgsqlDataSource dataSource)
{
    // Ordered by what the HNSW index holds, and the similarity computed from the same distance.
    private static readonly string s_distance = EmbeddingIndex.Distance(OfflineEmbeddingModels.ImageDimensions, "e.embedding", "@v");

    /// <summary>Tags from these sources count as the user's: typed, embedded in the files, or suggestions accepted.</summary>
    private static readonly string[] s_userSources = [nameof(TagSource.User), nameof(TagSource.Metadata), nameof(TagSource.Suggestion)];

    /// <summary>Visually nearest present images, nearest first; empty when the image has no features (yet).</summary>
    public async Task<IReadOnlyList<SimilarImage>> SimilarAsync(long imageId, int first, double minSimilarity, CancellationToken cancellationToken)
    {
        first = Math.Clamp(first, 1, 200);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await OwnFeaturesAsync(connection, transaction, imageId, onlyWithoutAiTags: false, cancellationToken) is not { } own)
        {
            return [];
        }

        await SetScanAsync(connection, transaction, first, cancellationToken);

        // The query vector is a parameter (not a join), so the planner can order by the HNSW index.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT e.image_id, 1 - ({s_distance}) AS similarity
            FROM image_embeddings e
            JOIN images i ON i.id = e.image_id
            WHERE e.model = @model AND e.dimensions = {OfflineEmbeddingModels.ImageDimensions} AND e.image_id <> @id
              AND i.status NOT IN ('Missing', 'Duplicate')
            ORDER BY {s_distance}
            LIMIT @first
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("id", imageId);
        command.Parameters.AddWithValue("v", own);
        command.Parameters.AddWithValue("model", OfflineEmbeddingModels.Image);
        command.Parameters.AddWithValue("first", first);
        var hits = new List<SimilarImage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var similarity = reader.GetDouble(1);
                if (similarity >= minSimilarity)
                {
                    hits.Add(new SimilarImage(reader.GetInt64(0), similarity));
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);

        // Iterative scans may return near-ties slightly out of order.
        return [.. hits.OrderByDescending(h => h.Similarity).ThenBy(h => h.ImageId)];
    }

    /// <summary>
    /// Tags the <paramref name="neighbours"/> visually nearest images carrying user tags have and this image lacks,
    /// best first; none for an image the vision model already tagged, nor tags the user dismissed for it.
    /// </summary>
    public async Task<IReadOnlyList<TagSuggestion>> SuggestTagsAsync(long imageId, int neighbours, double minSimilarity, int max, CancellationToken cancellationToken)
    {
        neighbours = Math.Clamp(neighbours, 1, 100);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await OwnFeaturesAsync(connection, transaction, imageId, onlyWithoutAiTags: true, cancellationToken) is not { } own)
        {
            return [];
        }

        await SetScanAsync(connection, transaction, neighbours, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            WITH nearest AS MATERIALIZED (
                SELECT e.image_id, 1 - ({s_distance}) AS similarity
                FROM image_embeddings e
                JOIN images i ON i.id = e.image_id
                WHERE e.model = @model AND e.dimensions = {OfflineEmbeddingModels.ImageDimensions} AND e.image_id <> @id
                  AND i.status NOT IN ('Missing', 'Duplicate')
                  AND EXISTS (SELECT 1 FROM image_tags it WHERE it.image_id = e.image_id AND it.source = ANY(@sources))
                ORDER BY {s_distance}
                LIMIT @neighbours)
            SELECT t.id, t.name, sum(n.similarity) / (SELECT count(*) FROM nearest) AS score, count(*)::int AS voters
            FROM nearest n
            JOIN image_tags it ON it.image_id = n.image_id AND it.source = ANY(@sources)
            JOIN tags t ON t.id = it.tag_id
            WHERE n.similarity >= @minSimilarity
              AND NOT EXISTS (SELECT 1 FROM image_tags mine WHERE mine.image_id = @id AND mine.tag_id = t.id)
              AND NOT EXISTS (SELECT 1 FROM tag_suggestion_dismissals d WHERE d.image_id = @id AND d.tag_id = t.id)
            GROUP BY t.id, t.name
            ORDER BY score DESC, t.name
            LIMIT @max
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("id", imageId);
        command.Parameters.AddWithValue("model", OfflineEmbeddingModels.Image);
        command.Parameters.AddWithValue("v", own);
        command.Parameters.AddWithValue("sources", s_userSources);
        command.Parameters.AddWithValue("neighbours", neighbours);
        command.Parameters.AddWithValue("minSimilarity", minSimilarity);
        command.Parameters.AddWithValue("max", Math.Clamp(max, 1, 100));
        var suggestions = new List<TagSuggestion>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                suggestions.Add(new TagSuggestion(reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetInt32(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return suggestions;
    }

    /// <summary>Puts a suggested tag on the image with source <see cref="TagSource.Suggestion"/>; a tag it already has keeps its source.</summary>
    public static async Task<bool> AcceptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long imageId, long tagId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM tag_suggestion_dismissals WHERE image_id = @image AND tag_id = @tag;
            INSERT INTO image_tags (image_id, tag_id, source)
            SELECT @image, @tag, @source WHERE EXISTS (SELECT 1 FROM images WHERE id = @image) AND EXISTS (SELECT 1 FROM tags WHERE id = @tag)
            ON CONFLICT (image_id, tag_id) DO NOTHING;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("image", imageId);
        command.Parameters.AddWithValue("tag", tagId);
        command.Parameters.AddWithValue("source", nameof(TagSource.Suggestion));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Remembers that the user does not want this tag suggested for this image again.</summary>
    public async Task<bool> DismissAsync(long imageId, long tagId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO tag_suggestion_dismissals (image_id, tag_id)
            SELECT @image, @tag WHERE EXISTS (SELECT 1 FROM images WHERE id = @image) AND EXISTS (SELECT 1 FROM tags WHERE id = @tag)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("image", imageId);
        command.Parameters.AddWithValue("tag", tagId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var check = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM tag_suggestion_dismissals WHERE image_id = @image AND tag_id = @tag)");
        check.Parameters.AddWithValue("image", imageId);
        check.Parameters.AddWithValue("tag", tagId);
        return (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The image's features; null when it has none, or (when asked) when the vision model tagged it.</summary>
    private static async Task<Pgvector.HalfVector?> OwnFeaturesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long imageId, bool onlyWithoutAiTags, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT embedding FROM image_embeddings
            WHERE image_id = @id AND model = @model
              AND NOT (@onlyWithoutAiTags AND EXISTS (SELECT 1 FROM image_tags WHERE image_id = @id AND source = 'Ai'))
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("id", imageId);
        command.Parameters.AddWithValue("model", OfflineEmbeddingModels.Image);
        command.Parameters.AddWithValue("onlyWithoutAiTags", onlyWithoutAiTags);
        return await command.ExecuteScalarAsync(cancellationToken) as Pgvector.HalfVector;
    }

    private static async Task SetScanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int limit, CancellationToken cancellationToken)
    {
        await using var set = new NpgsqlCommand(
            $"SET LOCAL hnsw.ef_search = {Math.Clamp(limit * 4, 40, 1000).ToString(CultureInfo.InvariantCulture)}; SET LOCAL hnsw.iterative_scan = relaxed_order",
            connection,
            transaction);
        await set.ExecuteNonQueryAsync(cancellationToken);
    }
}
