using System.Threading.Channels;
using ImageTagger.Catalog.Jobs;
using Npgsql;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Wakes idle workers the moment a job is queued (PostgreSQL LISTEN/NOTIFY) instead of making them poll.
/// Polling stays as the fallback: a lost notification only delays work by one poll interval.
/// </summary>
public sealed partial class JobWakeup(NpgsqlDataSource dataSource, ILogger<JobWakeup> logger) : BackgroundService
{
    private readonly List<Channel<bool>> _subscribers = [];
    private readonly Lock _lock = new();

    /// <summary>A signal that is set when work may be available; many signals collapse into one.</summary>
    public ChannelReader<bool> Subscribe()
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    public void SignalAll()
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
                connection.Notification += (_, _) => SignalAll();
                await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.QueuedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                delay = TimeSpan.FromSeconds(1);
                SignalAll(); // anything queued while we were not listening
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for queued jobs failed; retrying in {DelaySeconds} s: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, double delaySeconds, string reason);
}
