using Npgsql;

namespace ImageTagger.Catalog.Tags;

/// <summary>
/// Tag writes shared by the pipeline (model and embedded-metadata tags) and the API (user edits).
/// Callers pass names already normalized (see ImageTagger.Ai's TagNormalizer); usage counts and the
/// search document follow by trigger.
/// </summary>
public static class TagStore
{
    /// <summary>Makes sure the tags exist; returns normalized name → id.</summary>
    public static async Task<Dictionary<string, long>> EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> normalizedNames, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        if (normalizedNames.Count == 0)
        {
            return ids;
        }

        var names = normalizedNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO tags (name, normalized_name) SELECT n, n FROM unnest(@names) AS n ON CONFLICT (normalized_name) DO NOTHING",
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("names", names);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = new NpgsqlCommand("SELECT normalized_name, id FROM tags WHERE normalized_name = ANY(@names)", connection, transaction);
        select.Parameters.AddWithValue("names", names);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetString(0)] = reader.GetInt64(1);
        }

        return ids;
    }

    /// <summary>
    /// Replaces the tags one source put on an image (a new description replaces the model's tags, a re-read
    /// replaces embedded ones). A tag the user set is never downgraded or removed by this.
    /// </summary>
    public static async Task ReplaceForSourceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long imageId, TagSource source, IReadOnlyCollection<string> normalizedNames, CancellationToken cancellationToken)
    {
        var ids = await EnsureAsync(connection, transaction, normalizedNames, cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM image_tags WHERE image_id = @image AND source = @source AND NOT (tag_id = ANY(@tags));
            INSERT INTO image_tags (image_id, tag_id, source) SELECT @image, t, @source FROM unnest(@tags) AS t
            ON CONFLICT (image_id, tag_id) DO NOTHING;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("image", imageId);
        command.Parameters.AddWithValue("source", source.ToString());
        command.Parameters.AddWithValue("tags", ids.Values.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds tags to many images at once; an existing tag becomes the user's.</summary>
    public static async Task<int> AddAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<long> imageIds, IReadOnlyCollection<string> normalizedNames, TagSource source, CancellationToken cancellationToken)
    {
        var ids = await EnsureAsync(connection, transaction, normalizedNames, cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO image_tags (image_id, tag_id, source)
            SELECT i.id, t, @source FROM images i CROSS JOIN unnest(@tags) AS t WHERE i.id = ANY(@images)
            ON CONFLICT (image_id, tag_id) DO UPDATE SET source = excluded.source WHERE image_tags.source <> excluded.source;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("images", imageIds.ToArray());
        command.Parameters.AddWithValue("tags", ids.Values.ToArray());
        command.Parameters.AddWithValue("source", source.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<int> RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<long> imageIds, IReadOnlyCollection<string> normalizedNames, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM image_tags it USING tags t WHERE it.tag_id = t.id AND it.image_id = ANY(@images) AND t.normalized_name = ANY(@names)",
            connection,
            transaction);
        command.Parameters.AddWithValue("images", imageIds.ToArray());
        command.Parameters.AddWithValue("names", normalizedNames.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves every use of the source tags onto the target, then deletes the sources. Returns affected image ids.</summary>
    public static async Task<long[]> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<long> sourceTagIds, long targetTagId, CancellationToken cancellationToken)
    {
        var sources = sourceTagIds.Where(id => id != targetTagId).Distinct().ToArray();
        await using var command = new NpgsqlCommand(
            """
            WITH affected AS (SELECT DISTINCT image_id FROM image_tags WHERE tag_id = ANY(@sources)),
            moved AS (
                INSERT INTO image_tags (image_id, tag_id, source)
                SELECT DISTINCT ON (image_id) image_id, @target, source FROM image_tags WHERE tag_id = ANY(@sources)
                ORDER BY image_id, (source = 'User') DESC
                ON CONFLICT (image_id, tag_id) DO NOTHING)
            SELECT image_id FROM affected;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("sources", sources);
        command.Parameters.AddWithValue("target", targetTagId);
        var affected = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                affected.Add(reader.GetInt64(0));
            }
        }

        await using var delete = new NpgsqlCommand("DELETE FROM tags WHERE id = ANY(@sources)", connection, transaction);
        delete.Parameters.AddWithValue("sources", sources);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        return [.. affected];
    }
}
