using System.Collections.Concurrent;
using System.Text.Json;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

public sealed class JobQueueTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(5);

    private static string Kind() => "test-" + Guid.NewGuid().ToString("N")[..8];

    private JobQueue CreateQueue() => new(database.DataSource);

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_job()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        const int jobCount = 300;
        for (var i = 0; i < jobCount; i++)
        {
            await queue.EnqueueAsync(new NewJob(kind, JsonDocument.Parse($$"""{"n":{{i}}}""")), ct);
        }

        var claimedBy = new ConcurrentDictionary<long, string>();
        var duplicates = 0;
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var owner = $"worker-{w}";
            while (true)
            {
                var batch = await queue.ClaimAsync(owner, [kind], 7, s_lease, ct);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var job in batch)
                {
                    if (!claimedBy.TryAdd(job.Id, owner))
                    {
                        Interlocked.Increment(ref duplicates);
                    }

                    Assert.True(await queue.CompleteAsync(job.Id, owner, ct));
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(0, duplicates);
        Assert.Equal(jobCount, claimedBy.Count);
        Assert.True(claimedBy.Values.Distinct().Count() > 1, "work should be shared between claimers");
        var counts = await queue.CountAsync(cancellationToken: ct);
        Assert.Equal(jobCount, counts.Single(c => c.Kind == kind && c.State == JobState.Done).Count);
    }

    [Fact]
    public async Task Later_pipeline_stages_are_claimed_before_earlier_ones_so_images_finish_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        // Image ids of their own: no other test in this class uses the pipeline's kinds.
        await queue.EnqueueAsync(NewJob.ForImage(JobKinds.Analyze, 9_000_001, null), ct);
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        {
            await queue.EnqueueForImagesAsync(connection, null, JobKinds.Analyze, [9_000_002], null, cancellationToken: ct);
        }

        await queue.EnqueueAsync(NewJob.ForImage(JobKinds.WriteBack, 9_000_003, null), ct);
        await queue.EnqueueAsync(NewJob.ForImage(JobKinds.Analyze, 9_000_004, null, priority: 5), ct);

        var order = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var job = Assert.Single(await queue.ClaimAsync("w", [JobKinds.Analyze, JobKinds.WriteBack], 1, s_lease, ct));
            order.Add(job.ImageId!.Value);
            Assert.True(await queue.CompleteAsync(job.Id, "w", ct));
        }

        // An explicit priority (a user's request) first, then the write-back enqueued last, then analyses in order.
        Assert.Equal([9_000_004, 9_000_003, 9_000_001, 9_000_002], order);
    }

    [Fact]
    public async Task The_job_counts_the_database_keeps_match_the_jobs_through_every_change_and_fold()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var folderId = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000); // this test's jobs only
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await queue.EnqueueForImagesAsync(connection, null, kind, [.. Enumerable.Range(0, 6).Select(i => 8_000_000L + i)], folderId, cancellationToken: ct);

        async Task AssertCountsMatchAsync()
        {
            var kept = (await queue.CountAsync(folderId, ct)).Select(c => $"{c.Kind}/{c.State}={c.Count}").Order();
            await using var count = new NpgsqlCommand("SELECT kind || '/' || state || '=' || count(*) FROM jobs WHERE folder_id = @f GROUP BY kind, state", connection);
            count.Parameters.AddWithValue("f", folderId);
            var actual = new List<string>();
            await using var reader = await count.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                actual.Add(reader.GetString(0));
            }

            Assert.Equal(actual.Order(), kept);
        }

        var claimed = await queue.ClaimAsync("w", [kind], 4, s_lease, ct);
        Assert.Equal(4, claimed.Count);
        Assert.True(await queue.HeartbeatAsync(claimed[0].Id, "w", s_lease, ct));
        Assert.True(await queue.CompleteAsync(claimed[1].Id, "w", ct));
        Assert.True(await queue.CompleteAsync(claimed[2].Id, "w", ct));
        Assert.Equal(JobState.Parked, await queue.FailAsync(claimed[3].Id, "w", "broken", TimeSpan.Zero, permanent: true, ct));
        await AssertCountsMatchAsync(); // Queued 2, Running 1, Done 2, Parked 1, from the changes not folded yet

        Assert.True(await queue.FoldCountsAsync(ct) > 0);
        Assert.Equal(0, await queue.FoldCountsAsync(ct)); // nothing is folded twice
        await AssertCountsMatchAsync();

        Assert.True(await queue.PruneFinishedAsync(DateTimeOffset.UtcNow.AddDays(1), cancellationToken: ct) >= 2);
        await AssertCountsMatchAsync(); // the pruned jobs left the counts (progress adds them back from the archive)
        Assert.DoesNotContain(await queue.CountAsync(folderId, ct), c => c.State == JobState.Done);
    }

    [Fact]
    public async Task A_claim_reads_the_head_of_each_kinds_queue_not_the_whole_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var (busy, waiting) = (Kind(), Kind());
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await queue.EnqueueForImagesAsync(connection, null, busy, [.. Enumerable.Range(0, 5_000).Select(i => 7_000_000L + i)], null, cancellationToken: ct);
        await queue.EnqueueAsync(NewJob.ForImage(waiting, 7_100_000, null), ct);
        await using (var analyze = new NpgsqlCommand("ANALYZE jobs", connection))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        // A lane whose kind sits behind thousands of queued jobs of another kind: the plan must reach its job through
        // the per-kind index, never by reading and sorting every queued job (at a million images, 420 ms a claim).
        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + JobQueue.ClaimSql, connection);
        explain.Parameters.AddWithValue("owner", "plan");
        explain.Parameters.AddWithValue("lease", s_lease);
        explain.Parameters.AddWithValue("kinds", new[] { waiting, "embed" });
        explain.Parameters.AddWithValue("max", 8);
        var plan = (string)(await explain.ExecuteScalarAsync(ct))!;
        Assert.Contains("\"Index Name\": \"ix_jobs_queued\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Node Type\": \"Seq Scan\"", plan, StringComparison.Ordinal);

        var claimed = Assert.Single(await queue.ClaimAsync("w", [waiting, "embed"], 8, s_lease, ct));
        Assert.Equal(7_100_000, claimed.ImageId);
    }

    [Fact]
    public async Task An_expired_lease_is_claimed_again_and_the_old_owner_can_no_longer_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var id = await queue.EnqueueAsync(new NewJob(kind), ct);

        var first = Assert.Single(await queue.ClaimAsync("dead-worker", [kind], 10, TimeSpan.FromMilliseconds(200), ct));
        Assert.Equal(id, first.Id);
        Assert.Empty(await queue.ClaimAsync("other", [kind], 10, s_lease, ct)); // lease still held

        await Task.Delay(400, ct);
        var second = Assert.Single(await queue.ClaimAsync("live-worker", [kind], 10, s_lease, ct));
        Assert.Equal(id, second.Id);
        Assert.Equal(2, second.Attempt);

        Assert.False(await queue.CompleteAsync(id!.Value, "dead-worker", ct));
        Assert.False(await queue.HeartbeatAsync(id.Value, "dead-worker", s_lease, ct));
        Assert.True(await queue.HeartbeatAsync(id.Value, "live-worker", s_lease, ct));
        Assert.True(await queue.CompleteAsync(id.Value, "live-worker", ct));
        Assert.False(await queue.CompleteAsync(id.Value, "live-worker", ct)); // idempotent: done once
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_parked_with_its_last_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var id = (await queue.EnqueueAsync(new NewJob(kind) { MaxAttempts = 3 }, ct))!.Value;

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var job = Assert.Single(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
            Assert.Equal(attempt, job.Attempt);
            var state = await queue.FailAsync(job.Id, "w", $"boom {attempt}", TimeSpan.Zero, cancellationToken: ct);
            Assert.Equal(attempt < 3 ? JobState.Queued : JobState.Parked, state);
        }

        Assert.Empty(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
        await using var db = database.CreateDbContext();
        var parked = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
        Assert.Equal(JobState.Parked, parked.State);
        Assert.Equal("boom 3", parked.LastError);
        Assert.Equal(3, parked.Attempts);

        Assert.Equal(1, await queue.RequeueParkedAsync(kind, cancellationToken: ct));
        var again = Assert.Single(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
        Assert.Equal(1, again.Attempt);
    }

    [Fact]
    public async Task A_permanent_failure_parks_at_once_and_a_retry_waits_for_its_delay()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        await queue.EnqueueAsync(new NewJob(kind), ct);
        await queue.EnqueueAsync(new NewJob(kind), ct);

        var jobs = await queue.ClaimAsync("w", [kind], 2, s_lease, ct);
        Assert.Equal(JobState.Parked, await queue.FailAsync(jobs[0].Id, "w", "corrupt file", TimeSpan.Zero, permanent: true, ct));
        Assert.Equal(JobState.Queued, await queue.FailAsync(jobs[1].Id, "w", "ollama down", TimeSpan.FromHours(1), cancellationToken: ct));
        Assert.Empty(await queue.ClaimAsync("w", [kind], 2, s_lease, ct));
    }

    [Fact]
    public async Task A_worker_killed_on_its_last_attempt_gets_its_job_parked_not_retried_forever()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var id = (await queue.EnqueueAsync(new NewJob(kind) { MaxAttempts = 1 }, ct))!.Value;
        Assert.Single(await queue.ClaimAsync("killed", [kind], 1, TimeSpan.FromMilliseconds(100), ct));
        await Task.Delay(300, ct);

        Assert.Empty(await queue.ClaimAsync("next", [kind], 1, s_lease, ct));
        await using var db = database.CreateDbContext();
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
        Assert.Equal(JobState.Parked, job.State);
        Assert.Contains("lease expired", job.LastError);
    }

    [Fact]
    public async Task The_same_work_is_queued_once_while_pending_and_again_once_done()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var key = $"{kind}:image:42";
        var first = await queue.EnqueueAsync(new NewJob(kind) { DedupeKey = key }, ct);
        Assert.NotNull(first);
        Assert.Null(await queue.EnqueueAsync(new NewJob(kind) { DedupeKey = key }, ct));

        var job = Assert.Single(await queue.ClaimAsync("w", [kind], 5, s_lease, ct));
        Assert.Null(await queue.EnqueueAsync(new NewJob(kind) { DedupeKey = key }, ct)); // still running
        Assert.True(await queue.CompleteAsync(job.Id, "w", ct));
        Assert.NotNull(await queue.EnqueueAsync(new NewJob(kind) { DedupeKey = key }, ct));
    }

    [Fact]
    public async Task Queueing_only_images_still_in_a_status_skips_each_image_that_left_it()
    {
        // A rescan re-queues analysis for images it read as never analysed; one that finished meanwhile must not be
        // queued again, even while other images in the library are still waiting (a killed worker's scan ran twice
        // and an image was analysed twice when the check looked at any image instead of this one).
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var waiting = await CatalogTestData.AddImageAsync(db, folder, "waiting.jpg");
        var finished = await CatalogTestData.AddImageAsync(db, folder, "finished.jpg");
        await db.Images.Where(i => i.Id == waiting.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, Images.ImageStatus.Discovered), ct);
        await db.Images.Where(i => i.Id == finished.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, Images.ImageStatus.Done), ct);

        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        Assert.Equal(0, await queue.EnqueueForImagesAsync(connection, null, kind, [finished.Id], folder.Id, onlyIfStatus: "Discovered", cancellationToken: ct));
        Assert.Equal(1, await queue.EnqueueForImagesAsync(connection, null, kind, [finished.Id, waiting.Id], folder.Id, onlyIfStatus: "Discovered", cancellationToken: ct));
        Assert.Equal([waiting.Id], await db.Jobs.Where(j => j.Kind == kind).Select(j => j.ImageId!.Value).ToListAsync(ct));
    }

    [Fact]
    public async Task Released_jobs_return_to_the_queue_without_using_an_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        await queue.EnqueueAsync(new NewJob(kind), ct);
        var job = Assert.Single(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
        Assert.True(await queue.ReleaseAsync(job.Id, "w", ct));
        var again = Assert.Single(await queue.ClaimAsync("w2", [kind], 1, s_lease, ct));
        Assert.Equal(1, again.Attempt);
    }

    [Fact]
    public async Task Higher_priority_jobs_are_claimed_first_and_payloads_round_trip()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        await queue.EnqueueAsync(new NewJob(kind, JsonDocument.Parse("""{"name":"low"}""")), ct);
        await queue.EnqueueAsync(new NewJob(kind, JsonDocument.Parse("""{"name":"high"}""")) { Priority = 10 }, ct);
        var job = Assert.Single(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
        Assert.Equal("high", job.Payload.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Enqueue_inside_a_rolled_back_transaction_leaves_no_job()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            Assert.NotNull(await queue.EnqueueAsync(connection, transaction, new NewJob(kind), ct));
            await transaction.RollbackAsync(ct);
        }

        Assert.Empty(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
    }

    [Fact]
    public async Task Listeners_are_notified_when_work_is_queued_and_done()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = CreateQueue();
        var kind = Kind();
        var notifications = new ConcurrentQueue<(string Channel, string Payload)>();
        await using var listener = await database.DataSource.OpenConnectionAsync(ct);
        listener.Notification += (_, e) => notifications.Enqueue((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.QueuedChannel}; LISTEN {JobQueue.ProgressChannel};", listener))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        var id = (await queue.EnqueueAsync(new NewJob(kind) { FolderId = 7 }, ct))!.Value;
        var job = Assert.Single(await queue.ClaimAsync("w", [kind], 1, s_lease, ct));
        await queue.CompleteAsync(job.Id, "w", ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        while (notifications.Count < 2)
        {
            await listener.WaitAsync(timeout.Token);
        }

        Assert.Contains(notifications, n => n.Channel == JobQueue.QueuedChannel && n.Payload == kind);
        var progress = notifications.Single(n => n.Channel == JobQueue.ProgressChannel);
        using var json = JsonDocument.Parse(progress.Payload);
        Assert.Equal(id, json.RootElement.GetProperty("jobId").GetInt64());
        Assert.Equal("Done", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("folderId").GetInt64());
    }
}
