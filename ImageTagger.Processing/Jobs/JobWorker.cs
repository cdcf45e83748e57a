using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Claims jobs of one lane and runs up to the lane's concurrency at once. Each running job is kept alive by
/// a heartbeat; a lost lease cancels it. Failures are retried with exponential backoff and jitter, then parked.
/// On shutdown, running jobs are handed back to the queue untouched.
/// </summary>
public sealed partial class JobWorker : BackgroundService
{
    private static readonly ActivitySource s_activitySource = new("ImageTagger.Processing.Jobs");
    private static readonly Meter s_meter = new("ImageTagger.Processing.Jobs");
    private static readonly Counter<long> s_jobsFinished = s_meter.CreateCounter<long>("imagetagger.jobs.finished", description: "Jobs finished, by kind and outcome");
    private static readonly Histogram<double> s_jobDuration = s_meter.CreateHistogram<double>("imagetagger.jobs.duration", "s", "Time to run one job");

    private readonly JobLane _lane;
    private readonly JobQueue _queue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobWakeup _wakeup;
    private readonly ProcessingOptions _options;
    private readonly ILogger<JobWorker> _logger;
    private readonly string _owner;

    public JobWorker(JobLane lane, JobQueue queue, NpgsqlDataSource dataSource, IEnumerable<IJobHandler> handlers, JobWakeup wakeup, IOptions<ProcessingOptions> options, ILogger<JobWorker> logger)
    {
        _lane = lane;
        _queue = queue;
        _dataSource = dataSource;
        // The last registration of a kind wins, as DI does for single services.
        _handlers = handlers.Where(h => lane.Kinds.Contains(h.Kind)).GroupBy(h => h.Kind).ToDictionary(g => g.Key, g => g.Last());
        _wakeup = wakeup;
        _options = options.Value;
        _logger = logger;
        _owner = $"{options.Value.WorkerId ?? $"{Environment.MachineName}:{Environment.ProcessId}"}:{lane.Name}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signal = _wakeup.Subscribe();
        var kinds = _handlers.Keys.ToArray();
        if (kinds.Length == 0)
        {
            return;
        }

        using var slots = new SemaphoreSlim(_lane.Concurrency, _lane.Concurrency);
        var running = new List<Task>();
        var failures = 0;
        LogStarted(_logger, _lane.Name, _owner, string.Join(",", kinds), _lane.Concurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                var free = slots.CurrentCount;
                if (free > 0)
                {
                    var jobs = await _queue.ClaimAsync(_owner, kinds, free, _options.LeaseDuration, stoppingToken);
                    foreach (var job in jobs)
                    {
                        await slots.WaitAsync(stoppingToken);
                        running.Add(RunAndReleaseAsync(job, slots, stoppingToken));
                    }

                    failures = 0;
                    if (jobs.Count == free)
                    {
                        continue; // the queue may hold more: look again as soon as a slot frees
                    }
                }

                await WaitForWorkAsync(signal, slots, running, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database restarting must not kill the worker: back off and try again.
                failures++;
                LogClaimFailed(_logger, _lane.Name, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, failures), 10_000)), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WaitForWorkAsync(System.Threading.Channels.ChannelReader<bool> signal, SemaphoreSlim slots, List<Task> running, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.PollInterval);
        var waits = new List<Task> { signal.WaitToReadAsync(timeout.Token).AsTask() };
        if (slots.CurrentCount == 0 && running.Count > 0)
        {
            waits.Add(Task.WhenAny(running));
        }

        await Task.WhenAny(waits); // WhenAny never throws; the losers' cancellations are observed below
        signal.TryRead(out _);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task RunAndReleaseAsync(ClaimedJob job, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(job, stoppingToken);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task RunAsync(ClaimedJob job, CancellationToken stoppingToken)
    {
        using var activity = s_activitySource.StartActivity($"job {job.Kind}");
        activity?.SetTag("imagetagger.job.id", job.Id);
        activity?.SetTag("imagetagger.job.kind", job.Kind);
        activity?.SetTag("imagetagger.job.attempt", job.Attempt);
        var started = Stopwatch.GetTimestamp();
        using var jobCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var leaseLost = false;
        var heartbeat = HeartbeatAsync(job, () => { leaseLost = true; jobCancellation.Cancel(); }, jobCancellation.Token);
        var outcome = "done";
        try
        {
            var handler = _handlers[job.Kind];
            var context = new JobContext(job, _queue, _dataSource);
            await handler.HandleAsync(context, jobCancellation.Token);
            if (!context.Completed)
            {
                await context.CompleteAsync(null, jobCancellation.Token);
            }
        }
        catch (Exception ex) when (ex is LeaseLostException || (leaseLost && ex is OperationCanceledException))
        {
            outcome = "lease-lost";
            LogLeaseLost(_logger, job.Id, job.Kind);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = "released";
            await ((Task)_queue.ReleaseAsync(job.Id, job.Owner, CancellationToken.None)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception ex)
        {
            outcome = await FailAsync(job, ex, stoppingToken);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        finally
        {
            await jobCancellation.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            s_jobsFinished.Add(1, new("kind", job.Kind), new("outcome", outcome));
            s_jobDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", job.Kind));
        }
    }

    private async Task<string> FailAsync(ClaimedJob job, Exception ex, CancellationToken stoppingToken)
    {
        var permanent = ex is PermanentJobException;
        var error = Describe(ex);
        var delay = RetryDelay(job.Attempt);
        try
        {
            var state = await _queue.FailAsync(job.Id, job.Owner, error, delay, permanent, stoppingToken);
            if (state == JobState.Parked)
            {
                LogParked(_logger, job.Id, job.Kind, job.Attempt, error);
                await _handlers[job.Kind].OnParkedAsync(job, error, stoppingToken);
                return "parked";
            }

            LogRetrying(_logger, job.Id, job.Kind, job.Attempt, delay.TotalSeconds, error);
            return "retry";
        }
        catch (Exception failEx) when (failEx is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Could not record the failure (database down?): the lease will expire and the job runs again.
            LogFailRecordFailed(_logger, job.Id, failEx.Message);
            return "unrecorded";
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        var jittered = capped * (0.5 + (Random.Shared.NextDouble() / 2)); // "equal jitter": spreads retries of a burst
        return TimeSpan.FromMilliseconds(jittered);
    }

    private static string Describe(Exception ex) => ex switch
    {
        PermanentJobException => ex.Message,
        _ when ex.InnerException is not null && ex.Message.Length < 40 => $"{ex.Message}: {ex.InnerException.Message}",
        _ => ex.Message,
    };

    private async Task HeartbeatAsync(ClaimedJob job, Action onLeaseLost, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                if (!await _queue.HeartbeatAsync(job.Id, job.Owner, _options.LeaseDuration, cancellationToken))
                {
                    onLeaseLost();
                    return;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The lease has slack for a missed beat or two while the database is unreachable.
                LogHeartbeatFailed(_logger, job.Id, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker lane {Lane} started as {Owner} for [{Kinds}] with concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, string lane, string owner, string kinds, int concurrency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming jobs for lane {Lane} failed: {Reason}")]
    private static partial void LogClaimFailed(ILogger logger, string lane, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) lost its lease; another worker owns it now")]
    private static partial void LogLeaseLost(ILogger logger, long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} failed; retrying in {DelaySeconds:0.0} s: {Error}")]
    private static partial void LogRetrying(ILogger logger, long jobId, string kind, int attempt, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) parked after attempt {Attempt}: {Error}")]
    private static partial void LogParked(ILogger logger, long jobId, string kind, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failure of job {JobId}; its lease will expire: {Reason}")]
    private static partial void LogFailRecordFailed(ILogger logger, long jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat for job {JobId} failed: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, long jobId, string reason);
}
