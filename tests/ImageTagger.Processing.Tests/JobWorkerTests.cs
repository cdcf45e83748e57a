using System.Collections.Concurrent;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Jobs;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests;

public sealed class JobWorkerTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    /// <summary>A handler whose behaviour each test scripts; it records every run.</summary>
    private sealed class ScriptedHandler(string kind, Func<JobContext, CancellationToken, Task> run) : IJobHandler
    {
        public ConcurrentBag<long> Runs { get; } = [];
        public ConcurrentBag<(long JobId, string Error)> Parked { get; } = [];
        public string Kind => kind;

        public async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
        {
            Runs.Add(context.Job.Id);
            await run(context, cancellationToken);
        }

        public Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken)
        {
            Parked.Add((job.Id, error));
            return Task.CompletedTask;
        }
    }

    private IHost StartHost(ScriptedHandler handler) =>
        ProcessingTestHost.Build(database, configure: services => services.AddSingleton<IJobHandler>(handler));

    private async Task<List<Job>> JobsAsync(string kind)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.AsNoTracking().Where(j => j.Kind == kind).OrderBy(j => j.Id).ToListAsync();
    }

    [Fact]
    public async Task Two_instances_share_the_queue_and_run_each_job_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        // "writeback" rides the io lane; a scripted handler stands in for the real one.
        var kind = JobKinds.WriteBack;
        await using (var db = database.CreateDbContext())
        {
            await db.Jobs.Where(j => j.Kind == kind).ExecuteDeleteAsync(ct);
        }

        var completions = new ConcurrentDictionary<long, int>();

        // No job finishes before both instances are running one: then "both took part" does not depend on which
        // instance the scheduler happens to favour, and an instance that cannot claim from the shared queue stalls the test.
        var working = new ConcurrentDictionary<string, bool>();
        var bothWorking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedHandler Handler(string instance) => new(kind, async (context, token) =>
        {
            working.TryAdd(instance, true);
            if (working.Count == 2)
            {
                bothWorking.TrySetResult();
            }

            await bothWorking.Task.WaitAsync(token);
            await Task.Delay(Random.Shared.Next(1, 15), token);
            await context.CompleteAsync((_, _, _, _) =>
            {
                completions.AddOrUpdate(context.Job.Id, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            }, token);
        });
        var a = Handler("a");
        var b = Handler("b");
        using var hostA = StartHost(a);
        using var hostB = StartHost(b);
        await hostA.StartAsync(ct);
        await hostB.StartAsync(ct);

        var queue = hostA.Services.GetRequiredService<JobQueue>();
        for (var i = 0; i < 120; i++)
        {
            await queue.EnqueueAsync(new NewJob(kind), ct);
        }

        await Poll.UntilAsync(async () => (await JobsAsync(kind)).All(j => j.State == JobState.Done), TimeSpan.FromSeconds(60), "all jobs are done");
        await hostA.StopAsync(ct);
        await hostB.StopAsync(ct);

        Assert.Equal(120, completions.Count);
        Assert.All(completions.Values, n => Assert.Equal(1, n));
        Assert.True(!a.Runs.IsEmpty && !b.Runs.IsEmpty, $"both instances should work (a={a.Runs.Count}, b={b.Runs.Count})");
        Assert.Equal(120, a.Runs.Count + b.Runs.Count);
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_backoff_then_parked_with_its_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = JobKinds.Crawl;
        var handler = new ScriptedHandler(kind, (_, _) => throw new HttpRequestException("connection refused"));
        using var host = StartHost(handler);
        await host.StartAsync(ct);
        var id = (await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(new NewJob(kind) { MaxAttempts = 3 }, ct))!.Value;

        await Poll.UntilAsync(async () => (await JobsAsync(kind)).Single(j => j.Id == id).State == JobState.Parked, TimeSpan.FromSeconds(30), "the job is parked");
        await host.StopAsync(ct);

        var job = (await JobsAsync(kind)).Single(j => j.Id == id);
        Assert.Equal(3, job.Attempts);
        Assert.Equal("connection refused", job.LastError);
        Assert.Equal(3, handler.Runs.Count(r => r == id));
        Assert.Contains(handler.Parked, p => p.JobId == id && p.Error == "connection refused");
    }

    [Fact]
    public async Task A_permanent_failure_is_parked_after_one_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = JobKinds.Analyze;
        var handler = new ScriptedHandler(kind, (_, _) => throw new PermanentJobException("not an image: text/plain"));
        using var host = StartHost(handler);
        await host.StartAsync(ct);
        var id = (await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(new NewJob(kind) { MaxAttempts = 5 }, ct))!.Value;

        await Poll.UntilAsync(async () => (await JobsAsync(kind)).Single(j => j.Id == id).State == JobState.Parked, TimeSpan.FromSeconds(30), "the job is parked");
        await host.StopAsync(ct);

        var job = (await JobsAsync(kind)).Single(j => j.Id == id);
        Assert.Equal(1, job.Attempts);
        Assert.Equal("not an image: text/plain", job.LastError);
    }

    [Fact]
    public async Task Stopping_hands_running_jobs_back_to_the_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = JobKinds.Describe;
        var started = new TaskCompletionSource();
        var handler = new ScriptedHandler(kind, async (_, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        using var host = StartHost(handler);
        await host.StartAsync(ct);
        var id = (await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(new NewJob(kind), ct))!.Value;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);

        await host.StopAsync(ct);

        var job = (await JobsAsync(kind)).Single(j => j.Id == id);
        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(0, job.Attempts);
        Assert.Null(job.LeaseOwner);
    }

    [Fact]
    public async Task A_queued_job_wakes_an_idle_worker_without_waiting_for_the_poll()
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = JobKinds.Embed;
        var done = new TaskCompletionSource();
        var handler = new ScriptedHandler(kind, (_, _) =>
        {
            done.TrySetResult();
            return Task.CompletedTask;
        });
        using var host = ProcessingTestHost.Build(database, new() { ["Processing:PollInterval"] = "00:01:00" }, services => services.AddSingleton<IJobHandler>(handler));
        await host.StartAsync(ct);
        await Task.Delay(500, ct); // let the worker go idle and the listener subscribe

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(new NewJob(kind), ct);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);
        await host.StopAsync(ct);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }
}
