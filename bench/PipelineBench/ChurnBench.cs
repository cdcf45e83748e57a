using System.Diagnostics;
using System.Globalization;
using ImageTagger.Catalog.Jobs;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// The bookkeeping of a bulk ingest (issue 20): images walked through the pipeline's four stages by workers using the
/// real <see cref="JobQueue"/> (claim, complete, enqueue the next stage, update the image, in one transaction each, as
/// the Processing handlers do), without the image work itself, so the database's side runs as fast as it can. Samples
/// the jobs and images tables meanwhile: dead rows, autovacuum runs, size, and how long a claim takes as the queue
/// churns. Run on the jobs table as migrated, which is what users have.
/// </summary>
internal static class ChurnBench
{
    private static readonly string[] s_stages = [JobKinds.Analyze, JobKinds.Describe, JobKinds.Embed, JobKinds.WriteBack];

    private sealed record Sample(double Seconds, string Table, long Live, long Dead, long Autovacuums, long Bytes);

    /// <summary>Runs the churn on the schema as migrated, then (the baseline) with the job counter triggers dropped.</summary>
    public static async Task RunAsync(int images, int workers)
    {
        foreach (var counters in new[] { true, false })
        {
            await RunOnceAsync(images, workers, counters);
        }
    }

    private static async Task RunOnceAsync(int images, int workers, bool counters)
    {
        var connectionString = await Bench.CreateDatabaseAsync("bench_churn");
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = workers + 4 } }.Build();
        await using (var seed = dataSource.CreateCommand(
            $"""
            INSERT INTO folders (path) VALUES ('/bench/churn');
            INSERT INTO images (folder_id, path, file_name, modified_at, status)
            SELECT (SELECT id FROM folders), '/bench/churn/' || g || '.jpg', g || '.jpg', now(), 'Discovered' FROM generate_series(1, {images}) g;
            """))
        {
            seed.CommandTimeout = 0;
            await seed.ExecuteNonQueryAsync();
        }

        if (!counters)
        {
            await using var drop = dataSource.CreateCommand(
                "DROP TRIGGER trg_job_counts_insert ON jobs; DROP TRIGGER trg_job_counts_update ON jobs; DROP TRIGGER trg_job_counts_delete ON jobs;");
            await drop.ExecuteNonQueryAsync();
        }

        await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE images"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync();
        }

        var queue = new JobQueue(dataSource);
        long folderId;
        long[] ids;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var read = new NpgsqlCommand("SELECT folder_id, array_agg(id ORDER BY id) FROM images GROUP BY folder_id", connection);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            folderId = reader.GetInt64(0);
            ids = reader.GetFieldValue<long[]>(1);
        }

        // Queued as the scanner queues them: 5,000 per statement.
        var enqueue = Stopwatch.StartNew();
        foreach (var chunk in ids.Chunk(5_000))
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await queue.EnqueueForImagesAsync(connection, null, JobKinds.Analyze, chunk, folderId);
        }

        enqueue.Stop();
        var samples = new List<Sample>();
        var reads = new List<double>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            var tick = 0;
            while (!stop.IsCancellationRequested)
            {
                // What progress reads (the counters, or without them the jobs table), and the fold Processing does every 5 s.
                var read = Stopwatch.GetTimestamp();
                await using (var progress = dataSource.CreateCommand(counters
                    ? $"SELECT kind, state, sum(jobs) FROM ({JobQueue.CountsSql}) c GROUP BY 1, 2"
                    : "SELECT kind, state, count(*) FROM jobs GROUP BY 1, 2"))
                {
                    await progress.ExecuteNonQueryAsync();
                }

                reads.Add(Stopwatch.GetElapsedTime(read).TotalMilliseconds);
                if (counters && ++tick % 5 == 0)
                {
                    await queue.FoldCountsAsync();
                }

                var sample = await SampleAsync(dataSource, clock.Elapsed.TotalSeconds);
                lock (samples)
                {
                    samples.AddRange(sample);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var claims = new List<(double Seconds, double Ms)>();
        var done = 0L;
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var owner = $"churn-{w}";
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var claimed = await queue.ClaimAsync(owner, s_stages, 8, TimeSpan.FromMinutes(5));
                lock (claims)
                {
                    claims.Add((clock.Elapsed.TotalSeconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                }

                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var job in claimed)
                {
                    var stage = Array.IndexOf(s_stages, job.Kind);
                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var transaction = await connection.BeginTransactionAsync();
                    await using (var update = new NpgsqlCommand("UPDATE images SET status = @status, updated_at = now() WHERE id = @id", connection, transaction))
                    {
                        update.Parameters.AddWithValue("status", stage == s_stages.Length - 1 ? "Done" : "Analyzing");
                        update.Parameters.AddWithValue("id", job.ImageId!.Value);
                        await update.ExecuteNonQueryAsync();
                    }

                    if (!await queue.CompleteAsync(connection, transaction, job.Id, owner))
                    {
                        throw new InvalidOperationException($"job {job.Id} could not be completed");
                    }

                    if (stage < s_stages.Length - 1)
                    {
                        await queue.EnqueueAsync(connection, transaction, NewJob.ForImage(s_stages[stage + 1], job.ImageId!.Value, job.FolderId));
                    }

                    await transaction.CommitAsync();
                    Interlocked.Increment(ref done);
                }
            }
        }))).ConfigureAwait(false);
        run.Stop();

        Sample? LastJobs()
        {
            lock (samples)
            {
                return samples.LastOrDefault(s => s.Table == "jobs");
            }
        }

        // Autovacuum after the churn stops, for as long as the churn took at most: does it catch up on its own?
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromMinutes(2) && LastJobs() is { Dead: > 0 })
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        await stop.CancelAsync();
        await sampler;

        samples.AddRange(await SampleAsync(dataSource, clock.Elapsed.TotalSeconds));

        var expected = (long)images * s_stages.Length;
        var jobs = samples.Where(s => s.Table == "jobs").ToList();
        var imageRows = samples.Where(s => s.Table == "images").ToList();
        var during = jobs.Where(s => s.Seconds <= run.Elapsed.TotalSeconds).ToList();
        var tenth = Math.Max(1, claims.Count / 10);
        var ordered = claims.OrderBy(c => c.Seconds).ToList();
        Console.WriteLine();
        Console.WriteLine($"| bulk-ingest bookkeeping: {images:N0} images × {s_stages.Length} stages, {workers} workers, {(counters ? "job counters kept by triggers (as migrated)" : "without the job counter triggers (baseline)")} | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| jobs done (expected {expected:N0}); queueing {images:N0} analyze jobs | {done:N0} in {Bench.F(run.Elapsed.TotalSeconds)} s ({Bench.F(done / run.Elapsed.TotalSeconds, "0")} jobs/s); {Bench.F(enqueue.Elapsed.TotalSeconds)} s |");
        Console.WriteLine($"| claim of up to 8 jobs, ms p50 / p95: first tenth of the run, last tenth | {Ms(ordered.Take(tenth).Select(c => c.Ms))}; {Ms(ordered.Skip(ordered.Count - tenth).Select(c => c.Ms))} |");
        Console.WriteLine($"| jobs table: most dead rows seen during the run (live rows then) | {during.Max(s => s.Dead):N0} ({during.MaxBy(s => s.Dead)!.Live:N0}) |");
        Console.WriteLine($"| images table: most dead rows seen during the run | {imageRows.Where(s => s.Seconds <= run.Elapsed.TotalSeconds).Max(s => s.Dead):N0} |");
        Console.WriteLine($"| autovacuum runs during the run: jobs / images | {during.Last().Autovacuums - during.First().Autovacuums} / {imageRows.Where(s => s.Seconds <= run.Elapsed.TotalSeconds).Last().Autovacuums - imageRows.First().Autovacuums} |");
        Console.WriteLine($"| jobs table with its indexes, MB: start / end of the run / {Bench.F(settle.Elapsed.TotalSeconds, "0")} s after | {Mb(jobs.First().Bytes)} / {Mb(during.Last().Bytes)} / {Mb(jobs.Last().Bytes)} |");
        Console.WriteLine($"| jobs table dead rows {Bench.F(settle.Elapsed.TotalSeconds, "0")} s after the run | {jobs.Last().Dead:N0} |");
        Console.WriteLine($"| progress counts read once a second during the run ({(counters ? "counters + unfolded changes" : "count of the jobs table")}), ms p50 / p95 | {Ms(reads)} |");
    }

    private static string Ms(IEnumerable<double> values)
    {
        var list = values.Order().ToList();
        return $"{Bench.F(Bench.Percentile(list, 0.5))} / {Bench.F(Bench.Percentile(list, 0.95))} ms";
    }

    private static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("0", CultureInfo.InvariantCulture);

    private static async Task<List<Sample>> SampleAsync(NpgsqlDataSource dataSource, double seconds)
    {
        // pg_stat_* is what autovacuum itself decides by (kept by the backends, flushed about once a second).
        await using var command = dataSource.CreateCommand(
            """
            SELECT relname, n_live_tup, n_dead_tup, autovacuum_count, pg_total_relation_size(relid)
            FROM pg_stat_user_tables WHERE relname IN ('jobs', 'images')
            """);
        var result = new List<Sample>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new Sample(seconds, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return result;
    }
}
