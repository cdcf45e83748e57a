using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Tags;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Api.Images;

public enum ImageOrder
{
    Newest,
    Oldest,
    TakenAt,
    FileName,
}

/// <summary>What the gallery filters by; every field is optional.</summary>
public sealed record ImageFilter
{
    public long? FolderId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public ImageStatus? Status { get; init; }
    public string? Format { get; init; }
    public DateTimeOffset? TakenFrom { get; init; }
    public DateTimeOffset? TakenTo { get; init; }
    public bool? HasGps { get; init; }
    public string? Text { get; init; }
}

/// <summary>A gallery page: the images, and whether more follow.</summary>
public sealed record ImagePage(IReadOnlyList<Image> Images, bool HasNextPage);

public sealed class ImageService(CatalogDbContext db, NpgsqlDataSource dataSource, JobQueue queue)
{
    /// <summary>
    /// One page in <paramref name="order"/>, starting right after <paramref name="after"/> (keyset: every order ends
    /// in the id, and each order has an index, so a deep page costs what the first one does).
    /// </summary>
    public async Task<ImagePage> PageAsync(ImageFilter filter, ImageOrder order, int first, ImageCursor? after, CancellationToken cancellationToken)
    {
        if (after is not null && after.Order != order)
        {
            throw new ArgumentException($"The cursor belongs to order {after.Order}, not {order}.", nameof(after));
        }

        var query = Query(filter, order);
        if (after is not null)
        {
            query = After(query, after);
        }

        var rows = await query.Take(first + 1).ToListAsync(cancellationToken);
        return new ImagePage(rows.Take(first).ToList(), rows.Count > first);
    }

    private static IQueryable<Image> After(IQueryable<Image> query, ImageCursor cursor) => cursor switch
    {
        { Order: ImageOrder.Oldest } => query.Where(i => i.Id > cursor.Id),
        { Order: ImageOrder.FileName } => query.Where(i => EF.Functions.GreaterThan(ValueTuple.Create(i.FileName, i.Id), ValueTuple.Create(cursor.FileName!, cursor.Id))),
        // Images without a capture time come last, newest id first: (has time, time, id) descending as one row comparison.
        { Order: ImageOrder.TakenAt, TakenAt: { } taken } => query.Where(i =>
            EF.Functions.LessThan(ValueTuple.Create(i.TakenAt != null, i.TakenAt, i.Id), ValueTuple.Create(true, (DateTimeOffset?)taken, cursor.Id))),
        { Order: ImageOrder.TakenAt } => query.Where(i => i.TakenAt == null && i.Id < cursor.Id),
        _ => query.Where(i => i.Id < cursor.Id),
    };

    /// <summary>
    /// How many images match. No filter, or folder and status alone (the gallery's usual views), read the counters
    /// the database keeps (<c>image_counts</c>: a few rows per folder); one tag alone reads the tag's usage count
    /// less its missing images; other filters count the matching rows. Every answer is exact.
    /// </summary>
    public async Task<long> CountAsync(ImageFilter filter, CancellationToken cancellationToken)
    {
        var onlyFolderOrStatus = string.IsNullOrWhiteSpace(filter.Format) && filter.TakenFrom is null && filter.TakenTo is null
            && filter.HasGps is null && string.IsNullOrWhiteSpace(filter.Text);
        if (onlyFolderOrStatus && filter.FolderId is null && filter.Status is null && FilterTags(filter).ToList() is [var tag])
        {
            return await CountTagAsync(tag, cancellationToken);
        }

        if (!onlyFolderOrStatus || filter.Tags.Count > 0)
        {
            return await Query(filter, ImageOrder.Newest).LongCountAsync(cancellationToken);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce(sum(images), 0)::bigint FROM image_counts
            WHERE (@folder::bigint IS NULL OR folder_id = @folder)
              AND CASE WHEN @status::text IS NULL THEN status <> 'Missing' ELSE status = @status END
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter("folder", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)filter.FolderId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)filter.Status?.ToString() ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The filter's tags as tags are stored (normalized names), each once.</summary>
    private static IEnumerable<string> FilterTags(ImageFilter filter) => filter.Tags.Select(t => t.Trim().ToLowerInvariant()).Distinct();

    /// <summary>A tag's images that are not missing: its kept usage count less its missing images (few, and indexed).</summary>
    private async Task<long> CountTagAsync(string normalizedTag, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT coalesce((SELECT t.usage_count - (SELECT count(*) FROM images i JOIN image_tags it ON it.image_id = i.id AND it.tag_id = t.id WHERE i.status = 'Missing')
                             FROM tags t WHERE t.normalized_name = @tag), 0)::bigint
            """);
        command.Parameters.AddWithValue("tag", normalizedTag);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public IQueryable<Image> Query(ImageFilter filter, ImageOrder order)
    {
        // Missing files are hidden unless asked for by status.
        var query = filter.Status is { } status
            ? db.Images.AsNoTracking().Where(i => i.Status == status)
            : db.Images.AsNoTracking().Where(i => i.Status != ImageStatus.Missing);
        if (filter.FolderId is { } folderId)
        {
            query = query.Where(i => i.FolderId == folderId);
        }

        foreach (var tag in FilterTags(filter))
        {
            query = query.Where(i => i.Tags.Any(t => t.Tag!.NormalizedName == tag));
        }

        if (!string.IsNullOrWhiteSpace(filter.Format))
        {
            var format = filter.Format.Trim().ToLowerInvariant();
            query = query.Where(i => i.Format == format);
        }

        if (filter.TakenFrom is { } from)
        {
            query = query.Where(i => i.TakenAt >= from);
        }

        if (filter.TakenTo is { } to)
        {
            query = query.Where(i => i.TakenAt < to);
        }

        if (filter.HasGps is { } hasGps)
        {
            query = hasGps ? query.Where(i => i.Latitude != null) : query.Where(i => i.Latitude == null);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var pattern = "%" + filter.Text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(i => EF.Functions.ILike(i.FileName, pattern) || EF.Functions.ILike(i.Description ?? "", pattern));
        }

        return order switch
        {
            ImageOrder.Oldest => query.OrderBy(i => i.Id),
            ImageOrder.TakenAt => query.OrderByDescending(i => i.TakenAt.HasValue).ThenByDescending(i => i.TakenAt).ThenByDescending(i => i.Id),
            ImageOrder.FileName => query.OrderBy(i => i.FileName).ThenBy(i => i.Id),
            _ => query.OrderByDescending(i => i.Id),
        };
    }

    public async Task<IReadOnlyDictionary<long, Image>> GetManyAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        await db.Images.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);

    public Task<Image?> GetAsync(long id, CancellationToken cancellationToken) =>
        db.Images.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);

    /// <summary>Tags of many images in one query (the gallery's N+1 killer).</summary>
    public async Task<IReadOnlyDictionary<long, ImageTag[]>> TagsOfAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken)
    {
        var tags = await db.ImageTags.AsNoTracking().Include(t => t.Tag).Where(t => imageIds.Contains(t.ImageId)).ToListAsync(cancellationToken);
        return tags.GroupBy(t => t.ImageId).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Tag!.Name, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Runs the pipeline again for these images from the given stage (analyze = everything).</summary>
    public async Task<int> ReprocessAsync(IReadOnlyCollection<long>? imageIds, string stage, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long>();
        var folders = new Dictionary<long, long>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, folder_id FROM images WHERE (@all OR id = ANY(@ids)) AND status NOT IN ('Missing', 'Duplicate')",
            connection,
            transaction))
        {
            select.Parameters.AddWithValue("all", imageIds is null);
            select.Parameters.AddWithValue("ids", (imageIds ?? []).ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                folders[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        if (stage == JobKinds.Describe || stage == JobKinds.Analyze)
        {
            // Asked for a fresh description: forget the old one so analysis does not skip the model.
            await using var reset = new NpgsqlCommand("UPDATE images SET description_model = NULL, status = 'Discovered', error = NULL, updated_at = now() WHERE id = ANY(@ids)", connection, transaction);
            reset.Parameters.AddWithValue("ids", ids.ToArray());
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var group in ids.GroupBy(id => folders[id]))
        {
            await queue.EnqueueForImagesAsync(connection, transaction, stage, group.ToList(), group.Key, priority: 5, cancellationToken: cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }

    /// <summary>A user's own description: it is kept (the model will not overwrite it) and re-embedded.</summary>
    public async Task<Image?> SetDescriptionAsync(long imageId, string description, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            "UPDATE images SET description = @d, description_model = 'user', described_at = now(), updated_at = now() WHERE id = @id RETURNING folder_id",
            connection,
            transaction))
        {
            update.Parameters.AddWithValue("d", description.Trim());
            update.Parameters.AddWithValue("id", imageId);
            if (await update.ExecuteScalarAsync(cancellationToken) is not long)
            {
                return null;
            }
        }

        await QueueFollowUpsAsync(connection, transaction, [imageId], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(imageId, cancellationToken);
    }

    /// <summary>After a description or tag change: new embedding, and new metadata in the file where the folder asks for it.</summary>
    public async Task QueueFollowUpsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<long> imageIds, CancellationToken cancellationToken)
    {
        // The offline text embedding covers every image (described or not): its text includes the tags.
        await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.TextEmbed, imageIds, folderId: null, priority: 5, cancellationToken: cancellationToken);

        var byFolder = new Dictionary<long, (List<long> Ids, bool WriteBack)>();
        await using (var select = new NpgsqlCommand(
            "SELECT i.id, i.folder_id, f.write_back_mode <> 'None' FROM images i JOIN folders f ON f.id = i.folder_id WHERE i.id = ANY(@ids) AND i.description IS NOT NULL",
            connection,
            transaction))
        {
            select.Parameters.AddWithValue("ids", imageIds.ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var folder = reader.GetInt64(1);
                if (!byFolder.TryGetValue(folder, out var entry))
                {
                    entry = ([], reader.GetBoolean(2));
                    byFolder[folder] = entry;
                }

                entry.Ids.Add(reader.GetInt64(0));
            }
        }

        foreach (var (folderId, (ids, writeBack)) in byFolder)
        {
            await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.Embed, ids, folderId, priority: 5, cancellationToken: cancellationToken);
            if (writeBack)
            {
                await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.WriteBack, ids, folderId, priority: 5, cancellationToken: cancellationToken);
            }
        }
    }
}
