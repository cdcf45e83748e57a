using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Catalog.Jobs;

/// <summary>
/// The durable job queue over the <c>jobs</c> table. Workers on any number of machines coordinate
/// through it alone: a claim takes a lease with <c>FOR UPDATE SKIP LOCKED</c>, a heartbeat extends it,
/// and a lease that expires (a killed worker) makes the job claimable again. Completion is fenced by
/// the lease owner, so a worker that lost its lease can never mark a job done a second time.
/// </summary>
public sealed class JobQueue(NpgsqlDataSource dataSource)
{
    /// <summary>Channel notified (payload = kind) when a job becomes runnable.</summary>
    public const string QueuedChannel = "imagetagger_jobs_queued";

    /// <summary>Channel notified (payload = JSON {id, kind, state, folderId, imageId}) when a job finishes a stage.</summary>
    public const string ProgressChannel = "imagetagger_jobs_progress";

    /// <summary>Adds a job. Returns its id, or null when a queued/running job with the same dedupe key exists.</summary>
    public async Task<long?> EnqueueAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await EnqueueAsync(connection, null, job, cancellationToken);
    }

    /// <summary>Adds a job inside the caller's transaction, so the job exists exactly when the caller's change does.</summary>
    public async Task<long?> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, NewJob job, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jobs (kind, payload, priority, max_attempts, run_after, dedupe_key, image_id, folder_id)
            VALUES (@kind, @payload, @priority, @maxAttempts, coalesce(@runAfter, now()), @dedupeKey, @imageId, @folderId)
            ON CONFLICT (dedupe_key) WHERE state IN ('Queued', 'Running') DO NOTHING
            RETURNING id;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("kind", job.Kind);
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = job.Payload?.RootElement.GetRawText() ?? "{}" });
        command.Parameters.AddWithValue("priority", job.Priority);
        command.Parameters.AddWithValue("maxAttempts", job.MaxAttempts);
        command.Parameters.Add(new NpgsqlParameter("runAfter", NpgsqlDbType.TimestampTz) { Value = (object?)job.RunAfter ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("dedupeKey", NpgsqlDbType.Text) { Value = (object?)job.DedupeKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("imageId", NpgsqlDbType.Bigint) { Value = (object?)job.ImageId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("folderId", NpgsqlDbType.Bigint) { Value = (object?)job.FolderId ?? DBNull.Value });
        var id = await command.ExecuteScalarAsync(cancellationToken);
        if (id is long jobId)
        {
            await NotifyAsync(connection, transaction, QueuedChannel, job.Kind, cancellationToken);
            return jobId;
        }

        return null;
    }

    /// <summary>Queues one job of <paramref name="kind"/> per image in one statement (a scan may find thousands).</summary>
    /// <param name="onlyIfStatus">
    /// Queue only for images still in this status when the statement runs: a check in the same statement,
    /// so an image that finished meanwhile is not queued again.
    /// </param>
    public async Task<int> EnqueueForImagesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string kind, IReadOnlyCollection<long> imageIds, long? folderId, int? priority = null, string? onlyIfStatus = null, CancellationToken cancellationToken = default)
    {
        if (imageIds.Count == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jobs (kind, payload, priority, dedupe_key, image_id, folder_id)
            SELECT @kind, jsonb_build_object('imageId', t.id), @priority, @kind || ':' || t.id, t.id, @folderId
            FROM unnest(@ids) AS t(id)
            -- Qualified: inside the subquery a bare "id" is the image's own, and the check would pass for any image.
            WHERE @status::text IS NULL OR EXISTS (SELECT 1 FROM images i WHERE i.id = t.id AND i.status = @status)
            ON CONFLICT (dedupe_key) WHERE state IN ('Queued', 'Running') DO NOTHING;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)onlyIfStatus ?? DBNull.Value });
        command.Parameters.AddWithValue("priority", priority ?? JobKinds.StagePriority(kind));
        command.Parameters.AddWithValue("ids", imageIds.ToArray());
        command.Parameters.Add(new NpgsqlParameter("folderId", NpgsqlDbType.Bigint) { Value = (object?)folderId ?? DBNull.Value });
        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0)
        {
            await NotifyAsync(connection, transaction, QueuedChannel, kind, cancellationToken);
        }

        return count;
    }

    /// <summary>The claim (internal for the plan test): parameters owner, lease, kinds, max.</summary>
    internal const string ClaimSql = """
        -- The head of each kind's queue, read in order from ix_jobs_queued (kind, priority DESC, id), and the jobs
        -- of workers whose lease ran out (ix_jobs_lease); the best of them by priority, then age. A single
        -- ORDER BY over every kind sorted the whole queue on each claim: 420 ms with a million images queued.
        -- A kind's head rows not chosen stay locked only until this statement ends.
        UPDATE jobs j
        SET state = 'Running', attempts = j.attempts + 1, lease_owner = @owner,
            lease_expires = now() + @lease, started_at = coalesce(j.started_at, now()), updated_at = now()
        WHERE j.id IN (
            SELECT c.id FROM (
                SELECT q.id, q.priority
                FROM unnest(@kinds::text[]) AS k(kind)
                CROSS JOIN LATERAL (
                    SELECT id, priority FROM jobs
                    WHERE state = 'Queued' AND kind = k.kind AND run_after <= now()
                    ORDER BY priority DESC, id
                    FOR UPDATE SKIP LOCKED
                    LIMIT @max) q
                UNION ALL
                SELECT r.id, r.priority FROM (
                    SELECT id, priority FROM jobs
                    WHERE state = 'Running' AND lease_expires < now() AND kind = ANY(@kinds)
                    ORDER BY lease_expires
                    FOR UPDATE SKIP LOCKED
                    LIMIT @max) r
            ) c
            ORDER BY c.priority DESC, c.id
            LIMIT @max)
        RETURNING j.id, j.kind, j.payload::text, j.attempts, j.max_attempts, j.image_id, j.folder_id, j.last_error;
        """;

    /// <summary>
    /// Claims up to <paramref name="maxJobs"/> runnable jobs of the given kinds for <paramref name="owner"/>.
    /// Jobs whose lease expired count as runnable; one that already used all its attempts is parked instead,
    /// so a job that kills its worker every time cannot loop forever.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, IReadOnlyCollection<string> kinds, int maxJobs, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var park = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Parked', lease_owner = NULL, lease_expires = NULL, updated_at = now(),
                   last_error = coalesce(last_error || E'\n', '') || 'lease expired after the last attempt (worker lost)'
            WHERE state = 'Running' AND lease_expires < now() AND attempts >= max_attempts AND kind = ANY(@kinds);
            """,
            connection))
        {
            park.Parameters.AddWithValue("kinds", kinds.ToArray());
            await park.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(ClaimSql, connection);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        command.Parameters.AddWithValue("max", maxJobs);
        var claimed = new List<ClaimedJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedJob(
                reader.GetInt64(0),
                reader.GetString(1),
                JsonDocument.Parse(reader.GetString(2)),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                owner));
        }

        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    /// <summary>Extends the lease; false means the lease was lost and the worker must stop working on the job.</summary>
    public async Task<bool> HeartbeatAsync(long jobId, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE jobs SET lease_expires = now() + @lease, updated_at = now() WHERE id = @id AND state = 'Running' AND lease_owner = @owner",
            connection);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Marks the job done if <paramref name="owner"/> still holds it. Idempotent: a second call returns false.</summary>
    public async Task<bool> CompleteAsync(long jobId, string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await CompleteAsync(connection, null, jobId, owner, cancellationToken);
    }

    /// <summary>
    /// Marks the job done inside the caller's transaction: commit the job's results and its completion together,
    /// and a worker that lost its lease finds it cannot complete (and rolls its results back).
    /// </summary>
    public async Task<bool> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long jobId, string owner, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Done', lease_expires = NULL, completed_at = now(), updated_at = now() -- lease_owner stays: who did it
            WHERE id = @id AND state = 'Running' AND lease_owner = @owner
            RETURNING kind, folder_id, image_id;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        string? kind = null;
        long? folderId = null, imageId = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                kind = reader.GetString(0);
                folderId = reader.IsDBNull(1) ? null : reader.GetInt64(1);
                imageId = reader.IsDBNull(2) ? null : reader.GetInt64(2);
            }
        }

        if (kind is null)
        {
            return false;
        }

        await NotifyProgressAsync(connection, transaction, jobId, kind, JobState.Done, folderId, imageId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Records a failed attempt: the job is queued again after <paramref name="retryDelay"/>, or parked with
    /// its error once it has used all its attempts (or when <paramref name="permanent"/>).
    /// </summary>
    public async Task<JobState?> FailAsync(long jobId, string owner, string error, TimeSpan retryDelay, bool permanent = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET
                state = CASE WHEN @permanent OR attempts >= max_attempts THEN 'Parked' ELSE 'Queued' END,
                run_after = now() + @delay, last_error = @error, lease_owner = NULL, lease_expires = NULL, updated_at = now()
            WHERE id = @id AND state = 'Running' AND lease_owner = @owner
            RETURNING state, kind, folder_id, image_id;
            """,
            connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("delay", retryDelay);
        command.Parameters.AddWithValue("permanent", permanent);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var state = Enum.Parse<JobState>(reader.GetString(0));
        var kind = reader.GetString(1);
        long? folderId = reader.IsDBNull(2) ? null : reader.GetInt64(2);
        long? imageId = reader.IsDBNull(3) ? null : reader.GetInt64(3);
        await reader.DisposeAsync();
        if (state == JobState.Parked)
        {
            await NotifyProgressAsync(connection, null, jobId, kind, state, folderId, imageId, cancellationToken);
        }

        return state;
    }

    /// <summary>Gives a claimed job back untouched (graceful shutdown): the attempt does not count.</summary>
    public async Task<bool> ReleaseAsync(long jobId, string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires = NULL, updated_at = now()
            WHERE id = @id AND state = 'Running' AND lease_owner = @owner;
            """,
            connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        var released = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (released)
        {
            await NotifyAsync(connection, null, QueuedChannel, "released", cancellationToken);
        }

        return released;
    }

    /// <summary>
    /// Puts parked jobs (optionally of one kind, optionally only those whose error starts with
    /// <paramref name="errorPrefix"/>) back in the queue with fresh attempts, e.g. when Ollama is back.
    /// </summary>
    public async Task<int> RequeueParkedAsync(string? kind = null, string? errorPrefix = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Queued', attempts = 0, run_after = now(), updated_at = now()
            WHERE state = 'Parked' AND (@kind::text IS NULL OR kind = @kind)
              AND (@prefix::text IS NULL OR starts_with(last_error, @prefix))
              AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.dedupe_key = jobs.dedupe_key AND o.state IN ('Queued', 'Running'));
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = (object?)errorPrefix ?? DBNull.Value });
        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0)
        {
            await NotifyAsync(connection, null, QueuedChannel, kind ?? "requeued", cancellationToken);
        }

        return count;
    }

    /// <summary>
    /// Deletes up to <paramref name="batch"/> jobs that finished (Done or Cancelled) before <paramref name="finishedBefore"/>,
    /// adding them to <c>job_archive</c> (per folder, kind and state) in the same statement, so the jobs table stays
    /// bounded while progress still counts what was done. Queued, Running and Parked jobs are never touched.
    /// Returns how many were pruned; call again while it returns <paramref name="batch"/>.
    /// </summary>
    public async Task<int> PruneFinishedAsync(DateTimeOffset finishedBefore, int batch = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH gone AS (
                DELETE FROM jobs WHERE id IN (
                    SELECT id FROM jobs
                    WHERE state IN ('Done', 'Cancelled') AND coalesce(completed_at, updated_at) < @before
                    ORDER BY coalesce(completed_at, updated_at), id LIMIT @batch
                    FOR UPDATE SKIP LOCKED)
                AND state IN ('Done', 'Cancelled')
                RETURNING coalesce(folder_id, 0) AS folder_id, kind, state),
            summed AS (
                INSERT INTO job_archive AS a (folder_id, kind, state, jobs)
                SELECT folder_id, kind, state, count(*) FROM gone GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (folder_id, kind, state) DO UPDATE SET jobs = a.jobs + excluded.jobs)
            SELECT count(*)::int FROM gone;
            """,
            connection);
        command.Parameters.AddWithValue("before", finishedBefore);
        command.Parameters.AddWithValue("batch", batch);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Counts of jobs per kind and state, the raw material of progress reporting: from the counters the database keeps
    /// (<c>job_counts</c> plus the changes not folded in yet), exact, a few rows whatever the size of the queue.
    /// </summary>
    public async Task<IReadOnlyList<JobCount>> CountAsync(long? folderId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT kind, state, sum(jobs)::bigint FROM ({CountsSql}) c
            WHERE (@folderId::bigint IS NULL OR folder_id = @folderId)
            GROUP BY kind, state HAVING sum(jobs) <> 0 ORDER BY kind, state
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter("folderId", NpgsqlDbType.Bigint) { Value = (object?)folderId ?? DBNull.Value });
        var counts = new List<JobCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new JobCount(reader.GetString(0), Enum.Parse<JobState>(reader.GetString(1)), reader.GetInt64(2)));
        }

        return counts;
    }

    /// <summary>The job counters as rows (folder_id, kind, state, jobs), to sum per whatever a reader needs.</summary>
    public const string CountsSql = "SELECT folder_id, kind, state, jobs FROM job_counts UNION ALL SELECT folder_id, kind, state, jobs FROM job_count_changes";

    /// <summary>
    /// Folds the counter changes the triggers appended into <c>job_counts</c>, so reading the counts stays a sum over a
    /// few rows. One statement: changes appended meanwhile wait for the next fold; a second fold running at the same time
    /// finds the rows this one took gone and adds nothing twice. Returns how many change rows were folded.
    /// </summary>
    public async Task<int> FoldCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH moved AS (DELETE FROM job_count_changes RETURNING folder_id, kind, state, jobs),
            folded AS (
                INSERT INTO job_counts AS c (folder_id, kind, state, jobs)
                SELECT folder_id, kind, state, sum(jobs) FROM moved GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (folder_id, kind, state) DO UPDATE SET jobs = c.jobs + excluded.jobs)
            SELECT count(*)::int FROM moved;
            """,
            connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task NotifyProgressAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long jobId, string kind, JobState state, long? folderId, long? imageId, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new JobProgressEvent(jobId, kind, state, folderId, imageId), JobJson.Options);
        await NotifyAsync(connection, transaction, ProgressChannel, payload, cancellationToken);
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string channel, string payload, CancellationToken cancellationToken)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        notify.Parameters.AddWithValue("channel", channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed record NewJob(string Kind, JsonDocument? Payload = null)
{
    /// <summary>A scan of one folder; at most one is pending per folder.</summary>
    public static NewJob ScanFolder(long folderId, int priority = 10) =>
        new(JobKinds.ScanFolder, JsonDocument.Parse($$"""{"folderId":{{folderId}}}"""))
        {
            FolderId = folderId,
            DedupeKey = JobKinds.DedupeKey(JobKinds.ScanFolder, folderId),
            Priority = priority,
        };

    /// <summary>
    /// One pipeline stage for one image; at most one is pending per image and stage. Without a priority, the
    /// stage's own (<see cref="JobKinds.StagePriority"/>).
    /// </summary>
    public static NewJob ForImage(string kind, long imageId, long? folderId, int? priority = null) =>
        new(kind, JsonDocument.Parse($$"""{"imageId":{{imageId}}}"""))
        {
            ImageId = imageId,
            FolderId = folderId,
            DedupeKey = JobKinds.DedupeKey(kind, imageId),
            Priority = priority ?? JobKinds.StagePriority(kind),
        };

    public int Priority { get; init; }
    public int MaxAttempts { get; init; } = 5;
    public DateTimeOffset? RunAfter { get; init; }
    public string? DedupeKey { get; init; }
    public long? ImageId { get; init; }
    public long? FolderId { get; init; }
}

public sealed record ClaimedJob(long Id, string Kind, JsonDocument Payload, int Attempt, int MaxAttempts, long? ImageId, long? FolderId, string? LastError, string Owner);

public sealed record JobCount(string Kind, JobState State, long Count);

public sealed record JobProgressEvent(long JobId, string Kind, JobState State, long? FolderId, long? ImageId);

internal static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
