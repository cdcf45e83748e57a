namespace ImageTagger.Web.Api;

/// <summary>What the live feed knows: the latest progress and whether the Api's stream is connected.</summary>
public sealed record ProgressSnapshot(ProcessingStatus? Status, bool Connected, DateTimeOffset? ReceivedAt);

/// <summary>
/// One subscription to the Api's <c>processingProgress</c> (GraphQL over SSE, through the client library) for the whole
/// Web process, fanned out to every circuit: a page subscribes to <see cref="Changed"/> instead of opening its own stream.
/// Reconnects with backoff while the Api is down; <see cref="ProgressSnapshot.Connected"/> tells the UI when updates are paused.
/// </summary>
public sealed partial class ProgressFeed(ApiSubscriptions subscriptions, ILogger<ProgressFeed> logger) : BackgroundService
{
    internal const string Subscription =
        "subscription Progress { processingProgress { done total pending failed busy fraction ratePerMinute etaSeconds stages { kind queued running done parked } running { kind fileName startedAt worker } } }";

    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(15);

    private ProgressSnapshot _current = new(null, false, null);

    /// <summary>Raised (on a pool thread) after every received update and on connect/disconnect.</summary>
    public event Action<ProgressSnapshot>? Changed;

    public ProgressSnapshot Current => Volatile.Read(ref _current);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The Api answers with the current state first, then whenever jobs change.
                await foreach (var status in subscriptions.SubscribeAsync<ProcessingStatus>(Subscription, null, "processingProgress", stoppingToken))
                {
                    if (!Current.Connected)
                    {
                        LogConnected(logger, subscriptions.Address);
                    }

                    Publish(new ProgressSnapshot(status, true, DateTimeOffset.UtcNow));
                    backoff = TimeSpan.FromMilliseconds(500);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke the stream (refused connection, garbage, an Api restart), the Web stays up and tries again:
                // a background service that throws would stop the whole host.
                LogStreamLost(logger, subscriptions.Address, ex.Message);
            }

            Publish(Current with { Connected = false });
            await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
        }
    }

    private void Publish(ProgressSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        Changed?.Invoke(snapshot);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live progress connected to {Address}")]
    private static partial void LogConnected(ILogger logger, Uri? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live progress from {Address} lost: {Reason}; reconnecting")]
    private static partial void LogStreamLost(ILogger logger, Uri? address, string reason);
}
