using System.Diagnostics;
using System.Runtime.CompilerServices;
using ImageTagger.Catalog.Jobs;

namespace ImageTagger.Api.Progress;

/// <summary>
/// Turns the job queue's NOTIFYs into a stream of progress snapshots for SSE and GraphQL subscriptions,
/// without polling. Bursts collapse: a subscriber gets at most one snapshot per <see cref="MinInterval"/>.
/// Subscribers woken by the same notification share one snapshot query, so a thousand open subscriptions
/// cost one query per change, not a thousand.
/// </summary>
public sealed class ProgressEvents(JobNotifications notifications, IServiceScopeFactory scopes) : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    private sealed record Snapshot(long StartedAt, Task<ProcessingStatus> Status);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, Snapshot> _latest = [];
    private CancellationToken _stopping;

    public async IAsyncEnumerable<ProcessingStatus> SubscribeAsync(long? folderId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var signal = notifications.Subscribe();
        try
        {
            var first = true;
            while (first || await signal.WaitToReadAsync(cancellationToken))
            {
                first = false; // the current state first
                signal.TryRead(out _);
                yield return await SharedStatusAsync(folderId, Stopwatch.GetTimestamp()).WaitAsync(cancellationToken);
                await Task.Delay(MinInterval, cancellationToken);
            }
        }
        finally
        {
            notifications.Unsubscribe(signal);
        }
    }

    /// <summary>A snapshot whose query started after <paramref name="wokeAt"/> (so it sees the change that woke the caller).</summary>
    private Task<ProcessingStatus> SharedStatusAsync(long? folderId, long wokeAt)
    {
        var key = folderId ?? 0; // folder ids start at 1
        lock (_lock)
        {
            if (_latest.TryGetValue(key, out var snapshot) && snapshot.StartedAt >= wokeAt && !snapshot.Status.IsFaulted && !snapshot.Status.IsCanceled)
            {
                return snapshot.Status;
            }

            var started = Stopwatch.GetTimestamp();
            var status = QueryAsync(folderId, _stopping);
            _latest[key] = new Snapshot(started, status);
            return status;
        }
    }

    private async Task<ProcessingStatus> QueryAsync(long? folderId, CancellationToken cancellationToken)
    {
        await Task.Yield(); // not under the lock
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProgressService>().GetStatusAsync(folderId, cancellationToken);
    }

    // A periodic tick too: work that completes without a notification (scan writes) still shows.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return notifications.ListenAsync([JobQueue.ProgressChannel, JobQueue.QueuedChannel], TimeSpan.FromSeconds(5), stoppingToken);
    }
}
