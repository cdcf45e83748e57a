using ImageTagger.Catalog;
using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Processing.Crawling;

public sealed record PendingPage(long Id, string Url, int Depth);

public sealed record PendingImage(long Id, string Url, string PageUrl, string? PageTitle, string? AltText, string? Title);

public sealed record NewPage(string Url, int Depth, string Referrer);

public sealed record NewImage(string Url, string PageUrl, string? PageTitle, string? AltText, string? Title, string? SkipReason);

public sealed record FrontierCounts(int PagesFetched, int PagesTotal, int ImagesDownloaded, int ImagesTotal);

/// <summary>A downloaded file that passed every check, ready to become a catalog image.</summary>
public sealed record DownloadedImage(long CrawlImageId, string TempPath, string FinalPath, string Checksum, long SizeBytes, int Width, int Height, string SourceUrl, string PageUrl, string? AltText);

/// <summary>
/// The crawl's durable state in the database: the frontier of pages and images, each outcome recorded as it
/// happens (small transactions), so a restart loses at most the fetches that were in flight.
/// </summary>
public sealed class CrawlFrontier(NpgsqlDataSource dataSource, JobQueue queue)
{
    public async Task<CrawlJob?> LoadAsync(long crawlId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var db = CatalogDbContext.ForConnection(connection);
        return await db.CrawlJobs.AsNoTracking().Include(c => c.Folder).SingleOrDefaultAsync(c => c.Id == crawlId, cancellationToken);
    }

    public async Task<CrawlJobState?> StateAsync(long crawlId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT state FROM crawl_jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", crawlId);
        return await command.ExecuteScalarAsync(cancellationToken) is string state ? Enum.Parse<CrawlJobState>(state) : null;
    }

    /// <summary>Makes sure the crawl has its download folder (a <c>folders</c> row, inactive: the crawler, not the scanner, adds its images) and marks it running.</summary>
    public async Task<(long? FolderId, string Path)> StartRunAsync(CrawlJob crawl, string root, CancellationToken cancellationToken)
    {
        var path = crawl.Folder?.Path ?? Path.Combine(Path.GetFullPath(root), $"crawl-{crawl.Id}-{SafeName(new Uri(crawl.StartUrl).Host, 40)}");
        Directory.CreateDirectory(path);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH folder AS (
                INSERT INTO folders (path, recursive, active, write_back_mode) VALUES (@path, false, false, 'None')
                ON CONFLICT (path) DO UPDATE SET updated_at = now()
                RETURNING id)
            UPDATE crawl_jobs SET folder_id = (SELECT id FROM folder), state = 'Running', runs = runs + 1,
                started_at = coalesce(started_at, now()), updated_at = now()
            WHERE id = @id AND state IN ('Queued', 'Running')
            RETURNING folder_id;
            """,
            connection);
        command.Parameters.AddWithValue("path", path);
        command.Parameters.AddWithValue("id", crawl.Id);
        // Null when the crawl was paused, cancelled or deleted since it was loaded.
        return (await command.ExecuteScalarAsync(cancellationToken) as long?, path);
    }

    public async Task<FrontierCounts> CountsAsync(long crawlId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT (SELECT count(*) FILTER (WHERE state IN ('Visited', 'Failed'))::int FROM crawl_pages WHERE crawl_job_id = @id),
                   (SELECT count(*)::int FROM crawl_pages WHERE crawl_job_id = @id),
                   (SELECT count(*) FILTER (WHERE state = 'Downloaded')::int FROM crawl_images WHERE crawl_job_id = @id),
                   (SELECT count(*)::int FROM crawl_images WHERE crawl_job_id = @id)
            """);
        command.Parameters.AddWithValue("id", crawlId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new FrontierCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
    }

    public Task<IReadOnlyList<PendingImage>> PendingImagesAsync(long crawlId, int limit, CancellationToken cancellationToken) =>
        PendingAsync(
            "SELECT id, url, page_url, page_title, alt_text, title FROM crawl_images WHERE crawl_job_id = @id AND state = 'Pending' ORDER BY id LIMIT @limit",
            crawlId,
            limit,
            reader => new PendingImage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Nullable(reader, 3), Nullable(reader, 4), Nullable(reader, 5)),
            cancellationToken);

    // Breadth first: shallow pages before deep ones, so limits cut off the far end of the site.
    public Task<IReadOnlyList<PendingPage>> PendingPagesAsync(long crawlId, int limit, CancellationToken cancellationToken) =>
        PendingAsync(
            "SELECT id, url, depth FROM crawl_pages WHERE crawl_job_id = @id AND state = 'Pending' ORDER BY depth, id LIMIT @limit",
            crawlId,
            limit,
            reader => new PendingPage(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)),
            cancellationToken);

    private async Task<IReadOnlyList<T>> PendingAsync<T>(string sql, long crawlId, int limit, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        if (limit <= 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", crawlId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(read(reader));
        }

        return result;
    }

    /// <summary>Records a page's outcome together with what it led to (new pages, new images), all or nothing.</summary>
    public async Task RecordPageAsync(long crawlId, long pageId, CrawlPageState state, int? statusCode, string? title, string? reason,
        string? redirectedTo, IReadOnlyList<NewPage> pages, IReadOnlyList<NewImage> images, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            """
            UPDATE crawl_pages SET state = @state, status_code = @status, title = @title, reason = @reason, visited_at = now()
            WHERE id = @pageId AND state = 'Pending';
            """,
            connection,
            transaction))
        {
            update.Parameters.AddWithValue("pageId", pageId);
            update.Parameters.AddWithValue("state", state.ToString());
            update.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter("title", NpgsqlDbType.Text) { Value = (object?)title ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (redirectedTo is not null)
        {
            // The page a redirect landed on is visited too: a link to it later must not fetch it again.
            await using var landed = new NpgsqlCommand(
                """
                INSERT INTO crawl_pages (crawl_job_id, url, depth, state, status_code, title, visited_at)
                SELECT @id, @url, depth, 'Visited', @status, @title, now() FROM crawl_pages WHERE id = @pageId
                ON CONFLICT (crawl_job_id, url) DO UPDATE SET state = 'Visited', visited_at = now() WHERE crawl_pages.state = 'Pending';
                """,
                connection,
                transaction);
            landed.Parameters.AddWithValue("id", crawlId);
            landed.Parameters.AddWithValue("url", redirectedTo);
            landed.Parameters.AddWithValue("pageId", pageId);
            landed.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
            landed.Parameters.Add(new NpgsqlParameter("title", NpgsqlDbType.Text) { Value = (object?)title ?? DBNull.Value });
            await landed.ExecuteNonQueryAsync(cancellationToken);
        }

        if (pages.Count > 0)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO crawl_pages (crawl_job_id, url, depth, referrer_url)
                SELECT @id, u, d, r FROM unnest(@urls, @depths, @referrers) AS t(u, d, r)
                ON CONFLICT (crawl_job_id, url) DO NOTHING;
                """,
                connection,
                transaction);
            insert.Parameters.AddWithValue("id", crawlId);
            insert.Parameters.AddWithValue("urls", pages.Select(p => p.Url).ToArray());
            insert.Parameters.AddWithValue("depths", pages.Select(p => p.Depth).ToArray());
            insert.Parameters.AddWithValue("referrers", pages.Select(p => p.Referrer).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertImagesAsync(connection, transaction, crawlId, images, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task AddImagesAsync(long crawlId, IReadOnlyList<NewImage> images, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertImagesAsync(connection, null, crawlId, images, cancellationToken);
    }

    public async Task RecordImageAsync(long crawlImageId, CrawlImageState state, string? reason, long? sizeBytes, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE crawl_images SET state = @state, reason = @reason, size_bytes = coalesce(@size, size_bytes), fetched_at = now() WHERE id = @id AND state = 'Pending'");
        command.Parameters.AddWithValue("id", crawlImageId);
        command.Parameters.AddWithValue("state", state.ToString());
        command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("size", NpgsqlDbType.Bigint) { Value = (object?)sizeBytes ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds a download to the catalog (images row with its source, moved into the crawl folder, analyze queued),
    /// or, when the crawl already has these bytes, records it as a duplicate. Returns the URL it duplicates, if any.
    /// </summary>
    public async Task<string?> AcceptDownloadAsync(long crawlId, long folderId, DownloadedImage image, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", $"crawl:{crawlId}:{image.Checksum}");
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var twin = new NpgsqlCommand(
            "SELECT url FROM crawl_images WHERE crawl_job_id = @id AND checksum = @checksum AND state = 'Downloaded' AND id <> @self LIMIT 1", connection, transaction))
        {
            twin.Parameters.AddWithValue("id", crawlId);
            twin.Parameters.AddWithValue("checksum", image.Checksum);
            twin.Parameters.AddWithValue("self", image.CrawlImageId);
            if (await twin.ExecuteScalarAsync(cancellationToken) is string original)
            {
                await using var skip = new NpgsqlCommand(
                    "UPDATE crawl_images SET state = 'Skipped', reason = @reason, checksum = @checksum, size_bytes = @size, width = @width, height = @height, fetched_at = now() WHERE id = @self",
                    connection,
                    transaction);
                skip.Parameters.AddWithValue("reason", $"duplicate of {original}");
                skip.Parameters.AddWithValue("checksum", image.Checksum);
                skip.Parameters.AddWithValue("size", image.SizeBytes);
                skip.Parameters.AddWithValue("width", image.Width);
                skip.Parameters.AddWithValue("height", image.Height);
                skip.Parameters.AddWithValue("self", image.CrawlImageId);
                await skip.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                File.Delete(image.TempPath);
                return original;
            }
        }

        File.Move(image.TempPath, image.FinalPath, overwrite: true);
        var modified = Scanning.FileWalker.Truncate(File.GetLastWriteTimeUtc(image.FinalPath));
        long imageId;
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO images (folder_id, path, file_name, size_bytes, modified_at, status, source_url, source_page_url, alt_text)
            VALUES (@folderId, @path, @fileName, @size, @modified, 'Discovered', @sourceUrl, @pageUrl, @alt)
            ON CONFLICT (path) DO UPDATE SET folder_id = excluded.folder_id, size_bytes = excluded.size_bytes, modified_at = excluded.modified_at,
                source_url = excluded.source_url, source_page_url = excluded.source_page_url, alt_text = excluded.alt_text,
                status = 'Discovered', error = NULL, updated_at = now()
            RETURNING id;
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("folderId", folderId);
            insert.Parameters.AddWithValue("path", image.FinalPath);
            insert.Parameters.AddWithValue("fileName", Path.GetFileName(image.FinalPath));
            insert.Parameters.AddWithValue("size", image.SizeBytes);
            insert.Parameters.AddWithValue("modified", modified);
            insert.Parameters.AddWithValue("sourceUrl", image.SourceUrl);
            insert.Parameters.AddWithValue("pageUrl", image.PageUrl);
            insert.Parameters.Add(new NpgsqlParameter("alt", NpgsqlDbType.Text) { Value = (object?)image.AltText ?? DBNull.Value });
            imageId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE crawl_images SET state = 'Downloaded', reason = NULL, checksum = @checksum, size_bytes = @size, width = @width, height = @height,
                image_id = @imageId, fetched_at = now()
            WHERE id = @self;
            UPDATE folders SET image_count = (SELECT count(*) FROM images WHERE folder_id = @folderId), updated_at = now() WHERE id = @folderId;
            """,
            connection,
            transaction))
        {
            update.Parameters.AddWithValue("checksum", image.Checksum);
            update.Parameters.AddWithValue("size", image.SizeBytes);
            update.Parameters.AddWithValue("width", image.Width);
            update.Parameters.AddWithValue("height", image.Height);
            update.Parameters.AddWithValue("imageId", imageId);
            update.Parameters.AddWithValue("self", image.CrawlImageId);
            update.Parameters.AddWithValue("folderId", folderId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.Analyze, [imageId], folderId, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Ends one job run, inside the transaction that completes the job: queues the next batch when there is work
    /// left and the crawl is still wanted, else settles the crawl (completed, or failed when even the start page failed).
    /// The crawl row is locked first, so a pause or resume at the same moment is ordered against this decision.
    /// </summary>
    public async Task FinishRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long crawlId, long jobId, CancellationToken cancellationToken)
    {
        await using (var read = new NpgsqlCommand("SELECT state FROM crawl_jobs WHERE id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", crawlId);
            if (await read.ExecuteScalarAsync(cancellationToken) is not string state || state is not ("Queued" or "Running"))
            {
                return;
            }
        }

        bool moreWork;
        await using (var check = new NpgsqlCommand(
            """
            SELECT (EXISTS (SELECT 1 FROM crawl_images WHERE crawl_job_id = c.id AND state = 'Pending')
                    AND (SELECT count(*) FROM crawl_images WHERE crawl_job_id = c.id AND state = 'Downloaded') < c.max_images)
                OR (EXISTS (SELECT 1 FROM crawl_pages WHERE crawl_job_id = c.id AND state = 'Pending')
                    AND (SELECT count(*) FROM crawl_pages WHERE crawl_job_id = c.id AND state IN ('Visited', 'Failed')) < c.max_pages)
            FROM crawl_jobs c WHERE c.id = @id
            """,
            connection,
            transaction))
        {
            check.Parameters.AddWithValue("id", crawlId);
            moreWork = (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
        }

        if (moreWork)
        {
            // This job still holds the crawl's dedupe key until it completes (in this transaction): hand it on.
            await using (var release = new NpgsqlCommand("UPDATE jobs SET dedupe_key = NULL WHERE id = @jobId", connection, transaction))
            {
                release.Parameters.AddWithValue("jobId", jobId);
                await release.ExecuteNonQueryAsync(cancellationToken);
            }

            await queue.EnqueueAsync(connection, transaction, CrawlJobStore.RunJob(crawlId), cancellationToken);
            return;
        }

        await using var settle = new NpgsqlCommand(
            """
            UPDATE crawl_images SET state = 'Skipped', reason = 'image limit reached' WHERE crawl_job_id = @id AND state = 'Pending';
            UPDATE crawl_pages SET state = 'Skipped', reason = 'page limit reached' WHERE crawl_job_id = @id AND state = 'Pending';
            UPDATE crawl_jobs c SET finished_at = now(), updated_at = now(),
                state = CASE WHEN s.failed THEN 'Failed' ELSE 'Completed' END,
                last_error = CASE WHEN s.failed THEN s.reason ELSE c.last_error END
            FROM (SELECT NOT EXISTS (SELECT 1 FROM crawl_pages WHERE crawl_job_id = @id AND state = 'Visited')
                         AND EXISTS (SELECT 1 FROM crawl_pages WHERE crawl_job_id = @id AND depth = 0 AND state IN ('Failed', 'Skipped')) AS failed,
                         (SELECT 'start page: ' || coalesce(reason, 'failed') FROM crawl_pages WHERE crawl_job_id = @id AND depth = 0 ORDER BY id LIMIT 1) AS reason) s
            WHERE c.id = @id;
            """,
            connection,
            transaction);
        settle.Parameters.AddWithValue("id", crawlId);
        await settle.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(long crawlId, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE crawl_jobs SET state = 'Failed', last_error = @error, finished_at = now(), updated_at = now() WHERE id = @id AND state IN ('Queued', 'Running')");
        command.Parameters.AddWithValue("id", crawlId);
        command.Parameters.AddWithValue("error", error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A file-name-safe version of <paramref name="text"/>: letters, digits, '-', '_' and '.', at most <paramref name="max"/> characters.</summary>
    public static string SafeName(string text, int max)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var name = new string(chars).Trim('.', '_');
        return name.Length == 0 ? "image" : name.Length <= max ? name : name[..max];
    }

    private static async Task InsertImagesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long crawlId, IReadOnlyList<NewImage> images, CancellationToken cancellationToken)
    {
        if (images.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO crawl_images (crawl_job_id, url, page_url, page_title, alt_text, title, state, reason, fetched_at)
            SELECT @id, u, p, pt, a, t, CASE WHEN s IS NULL THEN 'Pending' ELSE 'Skipped' END, s, CASE WHEN s IS NULL THEN NULL ELSE now() END
            FROM unnest(@urls, @pages, @pageTitles, @alts, @titles, @skips) AS x(u, p, pt, a, t, s)
            ON CONFLICT (crawl_job_id, url) DO NOTHING;
            """,
            connection,
            transaction);
        insert.Parameters.AddWithValue("id", crawlId);
        insert.Parameters.AddWithValue("urls", images.Select(i => i.Url).ToArray());
        insert.Parameters.AddWithValue("pages", images.Select(i => i.PageUrl).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("pageTitles", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = images.Select(i => i.PageTitle).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("alts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = images.Select(i => i.AltText).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("titles", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = images.Select(i => i.Title).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("skips", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = images.Select(i => i.SkipReason).ToArray() });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
