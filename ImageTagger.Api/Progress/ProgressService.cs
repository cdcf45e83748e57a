using ImageTagger.Catalog.Jobs;
using Npgsql;

namespace ImageTagger.Api.Progress;

public sealed record StageProgress(string Kind, long Queued, long Running, long Done, long Parked);

public sealed record RunningJob(long JobId, string Kind, long? ImageId, string? FileName, DateTimeOffset? StartedAt, string? Worker);

/// <summary>Where processing stands: per stage counts, throughput over the last minute and the time left at that rate.</summary>
public sealed record ProcessingStatus(
    IReadOnlyList<StageProgress> Stages,
    long Done,
    long Total,
    long Pending,
    long Failed,
    double RatePerMinute,
    TimeSpan? Eta,
    IReadOnlyList<RunningJob> Running)
{
    public bool Busy => Pending > 0;

    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}

public sealed record StatusCount(string Status, long Count);

public sealed record LibraryStats(IReadOnlyList<StatusCount> ImagesByStatus, long Images, long Tags, long Folders, long Bytes, long Embedded);

public sealed class ProgressService(NpgsqlDataSource dataSource)
{
    public async Task<ProcessingStatus> GetStatusAsync(long? folderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stages = new List<StageProgress>();
        // From the counters the database keeps (JobQueue.CountsSql) and the archive of pruned jobs: a few dozen rows,
        // where counting the jobs table took 230–420 ms with a million images queued.
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT kind,
                   coalesce(sum(jobs) FILTER (WHERE state = 'Queued'), 0)::bigint, coalesce(sum(jobs) FILTER (WHERE state = 'Running'), 0)::bigint,
                   coalesce(sum(jobs) FILTER (WHERE state IN ('Done', 'archived Done')), 0)::bigint, coalesce(sum(jobs) FILTER (WHERE state = 'Parked'), 0)::bigint
            FROM ({JobQueue.CountsSql} UNION ALL SELECT folder_id, kind, 'archived ' || state, jobs FROM job_archive) j
            WHERE (@folder::bigint IS NULL OR folder_id = @folder) AND state <> 'Cancelled'
            GROUP BY kind
            -- Kinds with jobs now, and kinds whose jobs were all pruned (they still show what they did).
            HAVING bool_or(state LIKE 'archived %') OR sum(jobs) FILTER (WHERE state NOT LIKE 'archived %') <> 0
            ORDER BY kind
            """,
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter("folder", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)folderId ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stages.Add(new StageProgress(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        double ratePerMinute;
        await using (var rate = new NpgsqlCommand(
            // In the terms of ix_jobs_finished, so only the last minute's jobs are read (a finished job's completed_at is set).
            "SELECT count(*) FROM jobs WHERE state = 'Done' AND coalesce(completed_at, updated_at) > now() - interval '60 seconds' AND (@folder::bigint IS NULL OR folder_id = @folder)",
            connection))
        {
            rate.Parameters.Add(new NpgsqlParameter("folder", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)folderId ?? DBNull.Value });
            ratePerMinute = (long)(await rate.ExecuteScalarAsync(cancellationToken))!;
        }

        var running = new List<RunningJob>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT j.id, j.kind, j.image_id, i.file_name, j.started_at, j.lease_owner
            FROM jobs j LEFT JOIN images i ON i.id = j.image_id
            WHERE j.state = 'Running' AND (@folder::bigint IS NULL OR j.folder_id = @folder)
            ORDER BY j.started_at LIMIT 20
            """,
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter("folder", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)folderId ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                running.Add(new RunningJob(
                    reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        var done = stages.Sum(s => s.Done);
        var pending = stages.Sum(s => s.Queued + s.Running);
        var failed = stages.Sum(s => s.Parked);
        TimeSpan? eta = pending == 0 ? TimeSpan.Zero : ratePerMinute > 0 ? TimeSpan.FromMinutes(pending / ratePerMinute) : null;
        return new ProcessingStatus(stages, done, done + pending + failed, pending, failed, ratePerMinute, eta, running);
    }

    /// <summary>
    /// Library totals from the counters the database keeps (<c>image_counts</c>, <c>embedding_counts</c>; exact, a
    /// few rows each), so the dashboard costs the same at a million images as at a hundred. "Embedded" counts the
    /// embeddings of the model with the most (one row per image and model: exact while one model is in use).
    /// </summary>
    public async Task<LibraryStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var byStatus = new List<StatusCount>();
        await using (var command = new NpgsqlCommand("SELECT status, sum(images)::bigint FROM image_counts GROUP BY status HAVING sum(images) > 0 ORDER BY status", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus.Add(new StatusCount(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        await using var totals = new NpgsqlCommand(
            """
            SELECT (SELECT coalesce(sum(images), 0)::bigint FROM image_counts WHERE status <> 'Missing'),
                   (SELECT count(*) FROM tags WHERE usage_count > 0),
                   (SELECT count(*) FROM folders),
                   (SELECT coalesce(sum(bytes), 0)::bigint FROM image_counts WHERE status <> 'Missing'),
                   (SELECT coalesce(max(embeddings), 0)::bigint FROM embedding_counts)
            """,
            connection);
        await using var r = await totals.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return new LibraryStats(byStatus, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
    }
}
