using System.Runtime.CompilerServices;
using ImageTagger.Catalog.Jobs;

namespace ImageTagger.Api.Progress;

/// <summary>
/// Turns the job queue's NOTIFYs into a stream of progress snapshots for SSE and GraphQL subscriptions,
/// without polling. Bursts collapse: a subscriber gets at most one snapshot per <see cref="MinInterval"/>.
/// </summary>
public sealed class ProgressEvents(JobNotifications notifications, IServiceScopeFactory scopes) : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

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
                await using var scope = scopes.CreateAsyncScope();
                yield return await scope.ServiceProvider.GetRequiredService<ProgressService>().GetStatusAsync(folderId, cancellationToken);
                await Task.Delay(MinInterval, cancellationToken);
            }
        }
        finally
        {
            notifications.Unsubscribe(signal);
        }
    }

    // A periodic tick too: work that completes without a notification (scan writes) still shows.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        notifications.ListenAsync([JobQueue.ProgressChannel, JobQueue.QueuedChannel], TimeSpan.FromSeconds(5), stoppingToken);
}
