using ImageTagger.Ai.Tagging;
using ImageTagger.Api.Images;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Tags;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Api.Tags;

public sealed record TagResult(Tag? Tag, string? Error = null);

/// <summary>How the tag list is ordered (ties go by name, then id, so offset pages never overlap).</summary>
public enum TagOrder
{
    MostUsed,
    LeastUsed,
    Name,
    NameDescending,
}

/// <summary>Tag edits. Names are normalized the same way model tags are; affected images are re-embedded.</summary>
public sealed class TagService(CatalogDbContext db, NpgsqlDataSource dataSource, TagNormalizer normalizer, ImageService images)
{
    public IQueryable<Tag> Query(string? search, TagOrder order = TagOrder.MostUsed)
    {
        var query = db.Tags.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = search.Trim().ToLowerInvariant().Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(t => EF.Functions.Like(t.NormalizedName, pattern) || EF.Functions.Like(t.NormalizedName, "% " + pattern));
        }

        return order switch
        {
            TagOrder.LeastUsed => query.OrderBy(t => t.UsageCount).ThenBy(t => t.NormalizedName).ThenBy(t => t.Id),
            TagOrder.Name => query.OrderBy(t => t.NormalizedName).ThenBy(t => t.Id),
            TagOrder.NameDescending => query.OrderByDescending(t => t.NormalizedName).ThenByDescending(t => t.Id),
            _ => query.OrderByDescending(t => t.UsageCount).ThenBy(t => t.NormalizedName).ThenBy(t => t.Id),
        };
    }

    public async Task<Tag?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeTag(name) ?? name.Trim().ToLowerInvariant();
        return await db.Tags.AsNoTracking().SingleOrDefaultAsync(t => t.NormalizedName == normalized, cancellationToken);
    }

    public Task<List<Tag>> CloudAsync(int limit, CancellationToken cancellationToken) =>
        db.Tags.AsNoTracking().Where(t => t.UsageCount > 0).OrderByDescending(t => t.UsageCount).ThenBy(t => t.NormalizedName).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);

    public IReadOnlyList<string> Normalize(IEnumerable<string?> names) => normalizer.Normalize(names);

    public async Task<int> AddAsync(IReadOnlyCollection<long> imageIds, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var normalized = normalizer.Normalize(names);
        if (normalized.Count == 0 || imageIds.Count == 0)
        {
            return 0;
        }

        return await ChangeAsync(imageIds, (c, t, ct) => TagStore.AddAsync(c, t, imageIds, normalized, TagSource.User, ct), cancellationToken);
    }

    public async Task<int> RemoveAsync(IReadOnlyCollection<long> imageIds, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var normalized = names.Select(n => normalizer.NormalizeTag(n) ?? n.Trim().ToLowerInvariant()).Distinct().ToList();
        return await ChangeAsync(imageIds, (c, t, ct) => TagStore.RemoveAsync(c, t, imageIds, normalized, ct), cancellationToken);
    }

    /// <summary>Renames a tag; renaming onto an existing tag merges the two.</summary>
    public async Task<TagResult> RenameAsync(long tagId, string newName, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeTag(newName);
        if (normalized is null)
        {
            return new TagResult(null, $"'{newName}' is not a usable tag name.");
        }

        var tag = await db.Tags.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tagId, cancellationToken);
        if (tag is null)
        {
            return new TagResult(null, $"No tag with id {tagId}.");
        }

        var existing = await db.Tags.AsNoTracking().SingleOrDefaultAsync(t => t.NormalizedName == normalized && t.Id != tagId, cancellationToken);
        if (existing is not null)
        {
            return await MergeAsync([tagId], existing.Id, cancellationToken);
        }

        var affected = await db.ImageTags.Where(t => t.TagId == tagId).Select(t => t.ImageId).ToListAsync(cancellationToken);
        await ChangeAsync(affected, async (c, t, ct) =>
        {
            await using var rename = new NpgsqlCommand("UPDATE tags SET name = @name, normalized_name = @name WHERE id = @id", c, t);
            rename.Parameters.AddWithValue("name", normalized);
            rename.Parameters.AddWithValue("id", tagId);
            return await rename.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        return new TagResult(await db.Tags.AsNoTracking().SingleAsync(t => t.Id == tagId, cancellationToken));
    }

    public async Task<TagResult> MergeAsync(IReadOnlyCollection<long> sourceIds, long targetId, CancellationToken cancellationToken)
    {
        if (!await db.Tags.AnyAsync(t => t.Id == targetId, cancellationToken))
        {
            return new TagResult(null, $"No tag with id {targetId}.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var affected = await TagStore.MergeAsync(connection, transaction, sourceIds, targetId, cancellationToken);
        await images.QueueFollowUpsAsync(connection, transaction, affected, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TagResult(await db.Tags.AsNoTracking().SingleAsync(t => t.Id == targetId, cancellationToken));
    }

    public async Task<bool> DeleteAsync(long tagId, CancellationToken cancellationToken)
    {
        var affected = await db.ImageTags.Where(t => t.TagId == tagId).Select(t => t.ImageId).ToListAsync(cancellationToken);
        var deleted = await ChangeAsync(affected, async (c, t, ct) =>
        {
            await using var delete = new NpgsqlCommand("DELETE FROM tags WHERE id = @id", c, t);
            delete.Parameters.AddWithValue("id", tagId);
            return await delete.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        return deleted > 0;
    }

    private async Task<int> ChangeAsync(IReadOnlyCollection<long> affectedImages, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var count = await change(connection, transaction, cancellationToken);
        await images.QueueFollowUpsAsync(connection, transaction, affectedImages, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
