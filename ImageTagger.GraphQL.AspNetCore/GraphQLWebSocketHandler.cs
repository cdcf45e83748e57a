using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageTagger.GraphQL.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>
/// The graphql-transport-ws protocol (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md): queries,
/// mutations and subscriptions over one WebSocket, each operation under the client's id.
/// </summary>
internal sealed class GraphQLWebSocketHandler(GraphQLExecutor executor, GraphQLServerOptions options, IHostApplicationLifetime? lifetime, ILogger<GraphQLWebSocketHandler> logger)
{
    public const string SubProtocol = "graphql-transport-ws";

    /// <summary>Close codes of the protocol (4xxx) and the WebSocket ones used beside them.</summary>
    public static class CloseCodes
    {
        public const int GoingAway = 1001;
        public const int MessageTooBig = 1009;
        public const int TryAgainLater = 1013;
        public const int BadRequest = 4400;
        public const int Unauthorized = 4401;
        public const int Forbidden = 4403;
        public const int SubprotocolNotAcceptable = 4406;
        public const int ConnectionInitialisationTimeout = 4408;
        public const int SubscriberAlreadyExists = 4409;
        public const int TooManyInitialisationRequests = 4429;
    }

    private readonly GraphQLExecutor _executor = executor;
    private readonly GraphQLServerOptions _options = options;
    private readonly IHostApplicationLifetime? _lifetime = lifetime;
    private readonly ILogger _logger = logger;
    private int _connections;

    /// <summary>Open sockets right now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    public async Task HandleAsync(HttpContext context)
    {
        if (!IsOriginAllowed(context))
        {
            GraphQLLog.WebSocketOriginRefused(_logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var limits = _options.WebSockets;
        var offered = context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol);
        try
        {
            if (Interlocked.Increment(ref _connections) > limits.MaxConnections)
            {
                GraphQLLog.WebSocketLimitReached(_logger, limits.MaxConnections);
                using var refused = await context.WebSockets.AcceptWebSocketAsync(offered ? SubProtocol : null);
                await CloseQuietlyAsync(refused, CloseCodes.TryAgainLater, "Too many connections", context.RequestAborted);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(offered ? SubProtocol : null);
            if (!offered)
            {
                await CloseQuietlyAsync(socket, CloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable", context.RequestAborted);
                return;
            }

            await using var connection = new Connection(this, context, socket);
            await connection.RunAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private bool IsOriginAllowed(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return true;
        return _options.WebSockets.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, int code, string reason, CancellationToken ct)
    {
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, ct);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is already gone.
        }
    }

    /// <summary>One socket: a receive loop, one task per operation, sends serialised by a lock.</summary>
    private sealed class Connection(GraphQLWebSocketHandler owner, HttpContext http, WebSocket socket) : IAsyncDisposable
    {
        private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private static readonly TimeSpan _closeHandshakeTimeout = TimeSpan.FromSeconds(5);
        private readonly GraphQLWebSocketOptions _limits = owner._options.WebSockets;
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
        private IDictionary<string, object?>? _contextData;
        private int _initReceived;
        private bool _closing;

        private sealed record Operation(CancellationTokenSource Cancellation)
        {
            public Task Running { get; set; } = Task.CompletedTask;
        }

        public async Task RunAsync()
        {
            using var stopping = owner._lifetime?.ApplicationStopping.Register(() => _ = CloseAsync(CloseCodes.GoingAway, "Server shutting down"));
            var initTimeout = InitTimeoutAsync();
            try
            {
                await ReceiveLoopAsync();
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Disconnected, or the close handshake timed out.
            }
            finally
            {
                await _cts.CancelAsync(); // stops every running operation and the init timer
                await Task.WhenAll(_operations.Values.Select(o => o.Running).Append(initTimeout));
            }
        }

        private async Task InitTimeoutAsync()
        {
            try
            {
                await Task.Delay(_limits.ConnectionInitTimeout, _cts.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (Volatile.Read(ref _initReceived) == 0) await CloseAsync(CloseCodes.ConnectionInitialisationTimeout, "Connection initialisation timeout");
        }

        private async Task ReceiveLoopAsync()
        {
            // Small: held for the life of the socket (thousands of idle subscribers); larger messages arrive in parts.
            var chunk = ArrayPool<byte>.Shared.Rent(4 * 1024);
            var message = new ArrayBufferWriter<byte>();
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(chunk.AsMemory(), _cts.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        if (socket.State == WebSocketState.CloseReceived) await CloseAsync(WebSocketCloseStatus.NormalClosure, "");
                        return;
                    }
                    if (message.WrittenCount + result.Count > _limits.MaxMessageBytes)
                    {
                        await CloseAsync(CloseCodes.MessageTooBig, "Message too big");
                        continue; // wait for the peer's close frame (bounded by the close handshake timeout)
                    }
                    message.Write(chunk.AsSpan(0, result.Count));
                    if (!result.EndOfMessage) continue;
                    if (_closing)
                    {
                        message.ResetWrittenCount();
                        continue;
                    }
                    if (result.MessageType != WebSocketMessageType.Text)
                        await CloseAsync(CloseCodes.BadRequest, "Binary messages are not supported");
                    else
                        await HandleMessageAsync(message.WrittenMemory);
                    message.ResetWrittenCount();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        private async Task HandleMessageAsync(ReadOnlyMemory<byte> bytes)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(bytes);
            }
            catch (JsonException)
            {
                await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                return;
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                {
                    await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                    return;
                }
                var payload = root.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null ? p : (JsonElement?)null;
                switch (typeElement.GetString())
                {
                    case "connection_init":
                        await InitAsync(payload);
                        break;
                    case "ping":
                        await SendAsync(null, "pong", payload is { ValueKind: JsonValueKind.Object } pp ? w => pp.WriteTo(w) : null, null);
                        break;
                    case "pong":
                        break;
                    case "subscribe":
                        await SubscribeAsync(root, payload);
                        break;
                    case "complete":
                        if (!TryGetId(root, out var id))
                        {
                            await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                            return;
                        }
                        if (_operations.TryGetValue(id, out var operation)) Cancel(operation);
                        break;
                    default:
                        await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                        break;
                }
            }
        }

        private async Task InitAsync(JsonElement? payload)
        {
            if (Interlocked.Exchange(ref _initReceived, 1) == 1)
            {
                await CloseAsync(CloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");
                return;
            }
            if (payload is { ValueKind: not JsonValueKind.Object })
            {
                await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                return;
            }
            var values = payload is { } obj ? ValueHelper.FromJsonObject(obj) : null;
            var hook = _limits.OnConnectionInit;
            var contextData = hook is not null
                ? await hook(http, values, _cts.Token)
                : owner._options.ContextFactory?.Invoke(http) ?? new Dictionary<string, object?> { ["User"] = http.User };
            if (contextData is null)
            {
                GraphQLLog.WebSocketForbidden(owner._logger);
                await CloseAsync(CloseCodes.Forbidden, "Forbidden");
                return;
            }
            _contextData = contextData;
            await SendAsync(null, "connection_ack", null, null);
        }

        private static bool TryGetId(JsonElement root, out string id)
        {
            id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
            return id.Length > 0;
        }

        private async Task SubscribeAsync(JsonElement root, JsonElement? payload)
        {
            if (_contextData is null)
            {
                await CloseAsync(CloseCodes.Unauthorized, "Unauthorized");
                return;
            }
            if (!TryGetId(root, out var id) || payload is not { ValueKind: JsonValueKind.Object } body
                || !HasQueryOrPersistedHash(body, out var q)
                || (body.TryGetProperty("operationName", out var o) && o.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                || (body.TryGetProperty("variables", out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                || (body.TryGetProperty("extensions", out var e) && e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)))
            {
                await CloseAsync(CloseCodes.BadRequest, "Invalid message received");
                return;
            }
            var operation = new Operation(CancellationTokenSource.CreateLinkedTokenSource(_cts.Token));
            if (!_operations.TryAdd(id, operation))
            {
                operation.Cancellation.Dispose();
                await CloseAsync(CloseCodes.SubscriberAlreadyExists, $"Subscriber for {id} already exists");
                return;
            }
            var request = new OperationRequest(
                q.ValueKind == JsonValueKind.String ? q.GetString() : null,
                o.ValueKind == JsonValueKind.String ? o.GetString() : null,
                v.ValueKind == JsonValueKind.Object ? ValueHelper.FromJsonObject(v) : null,
                e.ValueKind == JsonValueKind.Object ? ValueHelper.FromJsonObject(e) : null,
                new Dictionary<string, object?>(_contextData)); // a copy per operation: resolvers may write into their context
            // Counted after the add so that the id check comes first, as the protocol asks.
            var tooMany = _operations.Count > _limits.MaxOperationsPerConnection;
            operation.Running = RunOperationAsync(id, operation, request, tooMany);
        }

        // A subscribe payload needs a query string, or (persisted documents) only the hash in extensions.persistedQuery.
        private static bool HasQueryOrPersistedHash(JsonElement body, out JsonElement query)
        {
            if (body.TryGetProperty("query", out query) && query.ValueKind == JsonValueKind.String) return true;
            return query.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                && body.TryGetProperty("extensions", out var e) && e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("persistedQuery", out var pq) && pq.ValueKind == JsonValueKind.Object
                && pq.TryGetProperty("sha256Hash", out var h) && h.ValueKind == JsonValueKind.String;
        }

        private sealed record OperationRequest(string? Query, string? OperationName, Dictionary<string, object?>? Variables,
            Dictionary<string, object?>? Extensions, IDictionary<string, object?> ContextData);

        private async Task RunOperationAsync(string id, Operation operation, OperationRequest request, bool tooMany)
        {
            await Task.Yield(); // the receive loop goes on while the operation runs
            var ct = operation.Cancellation.Token;
            try
            {
                if (tooMany)
                {
                    await SendErrorsAsync(id, operation, [new GraphQLError($"Too many operations on this connection (at most {_limits.MaxOperationsPerConnection}).")]);
                    return;
                }
                // The same persisted-document, trusted-document and size rules as over HTTP.
                var resolved = await PersistedDocumentResolver.ResolveAsync(owner._options, request.Query, request.Extensions, ct);
                if (resolved.Error is not null)
                {
                    await SendErrorsAsync(id, operation, [resolved.Error]);
                    return;
                }

                // A service scope per operation, as an HTTP request has: operations on one socket run concurrently.
                await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                var result = await owner._executor.ExecuteAsync(new ExecutionRequest
                {
                    Query = resolved.Query,
                    OperationName = request.OperationName,
                    Variables = request.Variables,
                    Extensions = request.Extensions,
                    ContextData = request.ContextData,
                    Services = scope.ServiceProvider,
                }, ct);
                GraphQLLog.LogResolverErrors(owner._logger, result);
                if (!result.HasData && result.Stream is null)
                {
                    // Parse, validation and request errors: the operation never ran (the protocol's `error` message).
                    await SendErrorsAsync(id, operation, result.Errors);
                    return;
                }
                if (result.Stream is null)
                {
                    await SendResultAsync(id, operation, result);
                }
                else
                {
                    await foreach (var next in result.Stream.WithCancellation(ct))
                    {
                        GraphQLLog.LogResolverErrors(owner._logger, next);
                        await SendResultAsync(id, operation, next);
                    }
                }
                await SendAsync(id, "complete", null, operation);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client completed the operation or went away: nothing more is sent for this id.
            }
            catch (WebSocketException)
            {
                // The socket broke while sending; the receive loop ends the connection.
            }
            catch (Exception e)
            {
                GraphQLLog.WebSocketOperationFailed(owner._logger, e, id);
                await SendErrorsAsync(id, operation, [new GraphQLError("Internal server error.")]);
            }
            finally
            {
                _operations.TryRemove(KeyValuePair.Create(id, operation));
                operation.Cancellation.Dispose();
            }
        }

        private Task SendResultAsync(string id, Operation operation, ExecutionResult result) =>
            SendAsync(id, "next", w => result.WriteTo(w, owner._options.Execution.IncludeExceptionDetails), operation);

        private Task SendErrorsAsync(string id, Operation operation, IReadOnlyList<GraphQLError> errors) =>
            SendAsync(id, "error", w =>
            {
                w.WriteStartArray();
                foreach (var error in errors) error.WriteTo(w, owner._options.Execution.IncludeExceptionDetails);
                w.WriteEndArray();
            }, operation);

        private static void Cancel(Operation operation)
        {
            try
            {
                operation.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished at the same moment.
            }
        }

        /// <summary>Writes one message; for an operation, nothing is sent once it was completed or cancelled.</summary>
        private async Task SendAsync(string? id, string type, Action<Utf8JsonWriter>? payload, Operation? operation)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            await using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
            {
                writer.WriteStartObject();
                if (id is not null) writer.WriteString("id", id);
                writer.WriteString("type", type);
                if (payload is not null)
                {
                    writer.WritePropertyName("payload");
                    payload(writer);
                }
                writer.WriteEndObject();
            }
            await _sendLock.WaitAsync(_cts.Token);
            try
            {
                if (_closing || operation?.Cancellation.IsCancellationRequested == true) return;
                await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, _cts.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        private Task CloseAsync(int code, string reason) => CloseAsync((WebSocketCloseStatus)code, reason);

        /// <summary>Sends the close frame once, stops the operations, and gives the peer a bounded time to answer it.</summary>
        private async Task CloseAsync(WebSocketCloseStatus code, string reason)
        {
            try
            {
                await _sendLock.WaitAsync(_cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return; // the connection already ended
            }
            try
            {
                if (_closing) return;
                _closing = true;
                foreach (var operation in _operations.Values) Cancel(operation);
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    GraphQLLog.WebSocketClosing(owner._logger, (int)code, reason);
                    await CloseQuietlyAsync(socket, (int)code, reason, _cts.Token);
                }
                _cts.CancelAfter(_closeHandshakeTimeout);
            }
            catch (ObjectDisposedException)
            {
                // The connection already ended.
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public ValueTask DisposeAsync()
        {
            _cts.Dispose();
            _sendLock.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
