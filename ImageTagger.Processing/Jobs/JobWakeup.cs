using System.Threading.Channels;
using ImageTagger.Catalog.Jobs;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Wakes idle workers the moment a job is queued (PostgreSQL LISTEN/NOTIFY) instead of making them poll.
/// Polling stays as the fallback: a lost notification only delays work by one poll interval.
/// </summary>
public sealed class JobWakeup(JobNotifications notifications) : BackgroundService
{
    public ChannelReader<bool> Subscribe() => notifications.Subscribe();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        notifications.ListenAsync([JobQueue.QueuedChannel], idleTick: null, stoppingToken);
}
