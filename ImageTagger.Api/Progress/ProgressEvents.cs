using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ImageTagger.Catalog.Jobs;
using Npgsql;

namespace ImageTagger.Api.Progress;

/// <summary>
/// Turns the job queue's NOTIFYs into a stream of progress snapshots for SSE and GraphQL subscriptions,
/// without polling. Bursts collapse: a subscriber gets at most one snapshot per <see cref="MinInterval"/>.
/// </summary>
public sealed partial class ProgressEvents(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, ILogger<ProgressEvents> logger) : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly List<Channel<bool>> _subscribers = [];

    public async IAsyncEnumerable<ProcessingStatus> SubscribeAsync(long? folderId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        try
        {
            channel.Writer.TryWrite(true); // the current state first
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                channel.Reader.TryRead(out _);
                await using var scope = scopes.CreateAsyncScope();
                yield return await scope.ServiceProvider.GetRequiredService<ProgressService>().GetStatusAsync(folderId, cancellationToken);
                await Task.Delay(MinInterval, cancellationToken);
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    private void Signal()
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(true);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.ProgressChannel}; LISTEN {JobQueue.QueuedChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                delay = TimeSpan.FromSeconds(1);
                Signal();
                while (true)
                {
                    // A periodic tick too: work that completes without a notification (scan writes) still shows.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken))
                    {
                        Signal();
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, ex.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for progress failed: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);
}
