using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ImageTagger.Catalog.Jobs;

/// <summary>
/// Listens to the job queue's NOTIFY channels on a dedicated connection and turns them into wake-up
/// signals, reconnecting with backoff when the database goes away (a restart must not silence it).
/// Many notifications collapse into one pending signal per subscriber.
/// </summary>
public sealed partial class JobNotifications(NpgsqlDataSource dataSource, ILogger<JobNotifications> logger)
{
    private readonly Lock _lock = new();
    private readonly List<Channel<bool>> _subscribers = [];

    /// <summary>A signal that is set when something may have changed.</summary>
    public ChannelReader<bool> Subscribe()
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<bool> reader)
    {
        lock (_lock)
        {
            _subscribers.RemoveAll(c => c.Reader == reader);
        }
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

    /// <summary>
    /// Listens until cancelled. Signals after every (re)connect, since notifications sent while
    /// disconnected are lost, and every <paramref name="idleTick"/> without one, when given.
    /// </summary>
    public async Task ListenAsync(IReadOnlyCollection<string> channels, TimeSpan? idleTick, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => SignalAll();
                await using (var listen = new NpgsqlCommand(string.Concat(channels.Select(c => $"LISTEN {c};")), connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                delay = TimeSpan.FromSeconds(1);
                SignalAll();
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (idleTick is { } tick)
                    {
                        if (!await connection.WaitAsync(tick, cancellationToken))
                        {
                            SignalAll();
                        }
                    }
                    else
                    {
                        await connection.WaitAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for job notifications failed; retrying in {DelaySeconds} s: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, double delaySeconds, string reason);
}
