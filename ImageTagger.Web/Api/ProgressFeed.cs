using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Client;
using Microsoft.Extensions.Options;

namespace ImageTagger.Web.Api;

/// <summary>What the live feed knows: the latest progress and whether the Api's stream is connected.</summary>
public sealed record ProgressSnapshot(ProcessingStatus? Status, bool Connected, DateTimeOffset? ReceivedAt);

/// <summary>
/// One subscription to the Api's <c>processingProgress</c> (graphql-transport-ws) for the whole Web process, fanned out
/// to every circuit: a page subscribes to <see cref="Changed"/> instead of opening its own stream. Reconnects with
/// backoff while the Api is down; <see cref="ProgressSnapshot.Connected"/> tells the UI when updates are paused.
/// </summary>
public sealed partial class ProgressFeed(IOptions<ApiClientOptions> options, ILogger<ProgressFeed> logger) : BackgroundService
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
            var address = options.Value.WebSocketAddress;
            try
            {
                await RunOnceAsync(address, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke the stream (refused socket, garbage, an Api restart), the Web stays up and tries again:
                // a background service that throws would stop the whole host.
                LogStreamLost(logger, address, ex.Message);
            }

            Publish(Current with { Connected = false });
            await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
        }
    }

    private async Task RunOnceAsync(Uri address, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        if (!string.IsNullOrEmpty(options.Value.ApiKey))
        {
            socket.Options.SetRequestHeader("X-Api-Key", options.Value.ApiKey);
        }

        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(options.Value.Timeout);
        await socket.ConnectAsync(address, connectTimeout.Token);
        await SendAsync(socket, new JsonObject { ["type"] = "connection_init" }, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(8192);
        while (await ReceiveAsync(socket, buffer, cancellationToken) is { } message)
        {
            var type = message.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "connection_ack":
                    await SendAsync(socket, new JsonObject { ["id"] = "progress", ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = Subscription } }, cancellationToken);
                    LogConnected(logger, address);
                    Publish(Current with { Connected = true });
                    break;
                case "ping":
                    await SendAsync(socket, new JsonObject { ["type"] = "pong" }, cancellationToken);
                    break;
                case "next" when message.TryGetProperty("payload", out var payload):
                    // Same mapping as HTTP answers (camelCase, enum names) through the client's response type.
                    var data = payload.TryGetProperty("data", out var d) ? d : default;
                    if (new GraphQLResponse { Data = data }.GetData<ProcessingStatus>("processingProgress") is { } status)
                    {
                        Publish(new ProgressSnapshot(status, true, DateTimeOffset.UtcNow));
                    }

                    break;
                case "error":
                    throw new GraphQLClientException("The Api refused the progress subscription: " + message.GetRawText());
                case "complete":
                    return;
            }
        }
    }

    private void Publish(ProgressSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        Changed?.Invoke(snapshot);
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);

    private static async Task<JsonElement?> ReceiveAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                return document.RootElement.Clone();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live progress connected to {Address}")]
    private static partial void LogConnected(ILogger logger, Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live progress from {Address} lost: {Reason}; reconnecting")]
    private static partial void LogStreamLost(ILogger logger, Uri address, string reason);
}
