using System.Text.Json;
using ImageTagger.Catalog.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Catalog.Crawling;

/// <summary>What a crawl has done so far, from its frontier tables (always consistent, no counters to drift).</summary>
public sealed record CrawlProgress(
    long CrawlJobId,
    int PagesVisited,
    int PagesPending,
    int PagesSkipped,
    int PagesFailed,
    int ImagesFound,
    int ImagesPending,
    int ImagesDownloaded,
    int ImagesSkipped,
    int ImagesFailed,
    int ImagesProcessed)
{
    public static CrawlProgress Empty(long id) => new(id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

public enum CrawlControlResult
{
    Ok,
    NotFound,
    InvalidState,
}

/// <summary>
/// Creates crawl jobs and controls them (pause, resume, cancel, delete). Control is a state change on the
/// <c>crawl_jobs</c> row plus the matching change to its queued job, in one transaction; a running crawl
/// notices the new state within <see cref="CrawlOptions.StateCheckInterval"/>.
/// </summary>
public sealed class CrawlJobStore(NpgsqlDataSource dataSource, JobQueue queue)
{
    /// <summary>The job that runs (one batch of) a crawl; at most one is queued or running per crawl.</summary>
    public static NewJob RunJob(long crawlId) =>
        new(JobKinds.Crawl, JsonDocument.Parse($$"""{"crawlId":{{crawlId}}}"""))
        {
            DedupeKey = JobKinds.DedupeKey(JobKinds.Crawl, crawlId),
            MaxAttempts = 5,
        };

    /// <summary>Stores a new crawl (its settings already validated), seeds the frontier with the start page and queues it.</summary>
    public async Task<long> CreateAsync(CrawlJob crawl, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO crawl_jobs (start_url, state, max_depth, same_host_only, include_patterns, exclude_patterns, max_pages, max_images,
                                    min_image_bytes, min_image_width, min_image_height, politeness_delay, max_concurrency_per_host)
            VALUES (@url, 'Queued', @maxDepth, @sameHost, @include, @exclude, @maxPages, @maxImages, @minBytes, @minWidth, @minHeight, @delay, @concurrency)
            RETURNING id;
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("url", crawl.StartUrl);
            insert.Parameters.AddWithValue("maxDepth", crawl.MaxDepth);
            insert.Parameters.AddWithValue("sameHost", crawl.SameHostOnly);
            insert.Parameters.AddWithValue("include", crawl.IncludePatterns.ToArray());
            insert.Parameters.AddWithValue("exclude", crawl.ExcludePatterns.ToArray());
            insert.Parameters.AddWithValue("maxPages", crawl.MaxPages);
            insert.Parameters.AddWithValue("maxImages", crawl.MaxImages);
            insert.Parameters.AddWithValue("minBytes", crawl.MinImageBytes);
            insert.Parameters.AddWithValue("minWidth", crawl.MinImageWidth);
            insert.Parameters.AddWithValue("minHeight", crawl.MinImageHeight);
            insert.Parameters.AddWithValue("delay", crawl.PolitenessDelay);
            insert.Parameters.AddWithValue("concurrency", crawl.MaxConcurrencyPerHost);
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var seed = new NpgsqlCommand("INSERT INTO crawl_pages (crawl_job_id, url, depth) VALUES (@id, @url, 0)", connection, transaction))
        {
            seed.Parameters.AddWithValue("id", id);
            seed.Parameters.AddWithValue("url", crawl.StartUrl);
            await seed.ExecuteNonQueryAsync(cancellationToken);
        }

        await queue.EnqueueAsync(connection, transaction, RunJob(id), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>Stops a queued or running crawl after the fetches in flight; <see cref="ResumeAsync"/> continues where it stopped.</summary>
    public Task<CrawlControlResult> PauseAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(id, CrawlJobState.Paused, from: [CrawlJobState.Queued, CrawlJobState.Running], already: CrawlJobState.Paused, enqueue: false, cancellationToken);

    /// <summary>Queues a paused (or failed) crawl again; for a queued or running crawl it makes sure its job exists.</summary>
    public Task<CrawlControlResult> ResumeAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(id, CrawlJobState.Queued, from: [CrawlJobState.Paused, CrawlJobState.Failed], already: null, enqueue: true, cancellationToken);

    /// <summary>Ends a crawl for good; what was downloaded stays in the library.</summary>
    public Task<CrawlControlResult> CancelAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(id, CrawlJobState.Cancelled, from: [CrawlJobState.Queued, CrawlJobState.Running, CrawlJobState.Paused, CrawlJobState.Failed], already: CrawlJobState.Cancelled, enqueue: false, cancellationToken);

    /// <summary>
    /// Removes a crawl and its frontier. With <paramref name="removeImages"/> its folder leaves the library too
    /// (images, tags and embeddings; files on disk stay, as when a folder is removed).
    /// </summary>
    public async Task<CrawlControlResult> DeleteAsync(long id, bool removeImages, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long? folderId;
        await using (var read = new NpgsqlCommand("SELECT folder_id FROM crawl_jobs WHERE id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", id);
            var value = await read.ExecuteScalarAsync(cancellationToken);
            if (value is null)
            {
                return CrawlControlResult.NotFound;
            }

            folderId = value is long f ? f : null;
        }

        await using (var delete = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Cancelled', updated_at = now() WHERE dedupe_key = @key AND state = 'Queued';
            DELETE FROM crawl_jobs WHERE id = @id;
            """,
            connection,
            transaction))
        {
            delete.Parameters.AddWithValue("key", JobKinds.DedupeKey(JobKinds.Crawl, id));
            delete.Parameters.AddWithValue("id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (removeImages && folderId is { } folder)
        {
            await using var removeFolder = new NpgsqlCommand(
                """
                UPDATE jobs SET state = 'Cancelled', updated_at = now() WHERE folder_id = @folder AND state IN ('Queued', 'Parked');
                DELETE FROM folders WHERE id = @folder;
                """,
                connection,
                transaction);
            removeFolder.Parameters.AddWithValue("folder", folder);
            await removeFolder.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return CrawlControlResult.Ok;
    }

    /// <summary>Progress of several crawls in two grouped queries.</summary>
    public async Task<IReadOnlyDictionary<long, CrawlProgress>> GetProgressAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        var pages = new Dictionary<(long, string), int>();
        var images = new Dictionary<(long, string), int>();
        var processed = new Dictionary<long, int>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            "SELECT crawl_job_id, state, count(*)::int FROM crawl_pages WHERE crawl_job_id = ANY(@ids) GROUP BY 1, 2", connection))
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pages[(reader.GetInt64(0), reader.GetString(1))] = reader.GetInt32(2);
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT c.crawl_job_id, c.state, count(*)::int, (count(*) FILTER (WHERE i.status = 'Done'))::int
            FROM crawl_images c LEFT JOIN images i ON i.id = c.image_id
            WHERE c.crawl_job_id = ANY(@ids) GROUP BY 1, 2
            """,
            connection))
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                images[(id, reader.GetString(1))] = reader.GetInt32(2);
                processed[id] = processed.GetValueOrDefault(id) + reader.GetInt32(3);
            }
        }

        return ids.Distinct().ToDictionary(id => id, id =>
        {
            int P(CrawlPageState s) => pages.GetValueOrDefault((id, s.ToString()));
            int I(CrawlImageState s) => images.GetValueOrDefault((id, s.ToString()));
            var found = I(CrawlImageState.Pending) + I(CrawlImageState.Downloaded) + I(CrawlImageState.Skipped) + I(CrawlImageState.Failed);
            return new CrawlProgress(id, P(CrawlPageState.Visited), P(CrawlPageState.Pending), P(CrawlPageState.Skipped), P(CrawlPageState.Failed),
                found, I(CrawlImageState.Pending), I(CrawlImageState.Downloaded), I(CrawlImageState.Skipped), I(CrawlImageState.Failed), processed.GetValueOrDefault(id));
        });
    }

    private async Task<CrawlControlResult> ChangeStateAsync(long id, CrawlJobState to, CrawlJobState[] from, CrawlJobState? already, bool enqueue, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CrawlJobState state;

        // The row lock orders this change against a running batch deciding whether to continue (see CrawlHandler).
        await using (var read = new NpgsqlCommand("SELECT state FROM crawl_jobs WHERE id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", id);
            if (await read.ExecuteScalarAsync(cancellationToken) is not string current)
            {
                return CrawlControlResult.NotFound;
            }

            state = Enum.Parse<CrawlJobState>(current);
        }

        if (state == already)
        {
            return CrawlControlResult.Ok;
        }

        var keepsRunning = enqueue && state is CrawlJobState.Queued or CrawlJobState.Running;
        if (!from.Contains(state) && !keepsRunning)
        {
            return CrawlControlResult.InvalidState;
        }

        if (!keepsRunning)
        {
            await using var update = new NpgsqlCommand(
                """
                UPDATE crawl_jobs SET state = @state, updated_at = now(),
                    finished_at = CASE WHEN @finished THEN now() ELSE NULL END,
                    last_error = CASE WHEN @state = 'Queued' THEN NULL ELSE last_error END
                WHERE id = @id;
                UPDATE jobs SET state = 'Cancelled', updated_at = now() WHERE dedupe_key = @key AND state = 'Queued' AND NOT @enqueue;
                """,
                connection,
                transaction);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = to.ToString() });
            update.Parameters.AddWithValue("finished", to is CrawlJobState.Cancelled);
            update.Parameters.AddWithValue("key", JobKinds.DedupeKey(JobKinds.Crawl, id));
            update.Parameters.AddWithValue("enqueue", enqueue);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (enqueue)
        {
            await queue.EnqueueAsync(connection, transaction, RunJob(id), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return CrawlControlResult.Ok;
    }
}
