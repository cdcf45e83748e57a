using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.TestSupport.Ollama;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, free port) speaking Ollama's API — <c>/api/chat</c> (streaming NDJSON
/// and single JSON, honouring <c>stream</c>), <c>/api/embed</c>, <c>/api/tags</c>, <c>/api/version</c>,
/// <c>/api/show</c> — with Ollama's JSON shapes and errors, scriptable answers and faults, and counters.
/// It knows nothing about ImageTagger's client code, so any test project can use it.
/// </summary>
public sealed class LoopbackOllamaServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<LoopbackEndpoint, ConcurrentQueue<LoopbackFault>> _faults = new();
    private readonly ConcurrentDictionary<LoopbackEndpoint, LoopbackFault> _persistentFaults = new();
    private readonly ConcurrentDictionary<LoopbackEndpoint, int> _counts = new();
    private readonly ConcurrentDictionary<string, LoopbackModel> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<LoopbackChatRequest> _chatRequests = new();
    private readonly ConcurrentQueue<LoopbackEmbedRequest> _embedRequests = new();
    private int _inFlight;
    private int _maxInFlight;
    private int _abortedByClient;
    private readonly Lock _holdLock = new();
    private (int Target, int Total)? _hold;
    private int _heldArrivals;
    private int _heldInFlight;
    private TaskCompletionSource _holdGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackOllamaServer(WebApplication app)
    {
        _app = app;
        AddModel(LoopbackModel.Vision("qwen2.5vl:7b"));
        AddModel(LoopbackModel.Vision("llava:7b"));
        AddModel(LoopbackModel.Embedding("nomic-embed-text:latest"));
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:40123/ .</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Reported by /api/version.</summary>
    public string Version { get; set; } = "0.12.6";

    /// <summary>Delay before every answer (after the request is counted as in flight).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Delay between streamed chunks.</summary>
    public TimeSpan StreamChunkDelay { get; set; }

    /// <summary>Vector size when a request does not ask for <c>dimensions</c>.</summary>
    public int EmbeddingDimensions { get; set; } = DeterministicEmbedder.DefaultDimensions;

    /// <summary>Embeds one input; defaults to <see cref="DeterministicEmbedder.Embed"/>.</summary>
    public Func<string, int, float[]> Embedder { get; set; } = DeterministicEmbedder.Embed;

    /// <summary>Answers a chat request; the default answers schema requests with a fixed description JSON and others with prose.</summary>
    public Func<LoopbackChatRequest, LoopbackChatReply> ChatHandler { get; set; } = DefaultChatHandler;

    /// <summary>Requests currently being handled.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Highest number of requests handled at the same time since start or <see cref="ResetCounters"/>.</summary>
    public int MaxConcurrentObserved => Volatile.Read(ref _maxInFlight);

    /// <summary>Requests whose client went away before the server finished (timeouts, cancellation).</summary>
    public int AbortedByClient => Volatile.Read(ref _abortedByClient);

    public IReadOnlyCollection<LoopbackChatRequest> ChatRequests => _chatRequests.ToArray();

    public IReadOnlyCollection<LoopbackEmbedRequest> EmbedRequests => _embedRequests.ToArray();

    public IReadOnlyCollection<LoopbackModel> Models => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    public static async Task<LoopbackOllamaServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackOllamaServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public int RequestCount(LoopbackEndpoint endpoint) => _counts.GetValueOrDefault(endpoint);

    public int TotalRequests => _counts.Values.Sum();

    public void AddModel(LoopbackModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _models[Canonical(model.Name)] = model with { Name = Canonical(model.Name) };
    }

    public bool RemoveModel(string name) => _models.TryRemove(Canonical(name), out _);

    public void ClearModels() => _models.Clear();

    /// <summary>The next <paramref name="times"/> requests to <paramref name="endpoint"/> fail with <paramref name="fault"/>.</summary>
    public void FailNext(LoopbackEndpoint endpoint, LoopbackFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var queue = _faults.GetOrAdd(endpoint, _ => new ConcurrentQueue<LoopbackFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Every request to <paramref name="endpoint"/> fails with <paramref name="fault"/> until set to null.</summary>
    public void FailAlways(LoopbackEndpoint endpoint, LoopbackFault? fault)
    {
        if (fault is null)
        {
            _persistentFaults.TryRemove(endpoint, out _);
        }
        else
        {
            _persistentFaults[endpoint] = fault;
        }
    }

    /// <summary>
    /// Makes overlap certain for concurrency tests: each chat/embed request waits until <paramref name="target"/> of them
    /// are in flight at once (or the <paramref name="total"/>-th arrives, so the last ones never wait forever). A test can
    /// then prove a client's limit is reached and held without hoping that latencies overlap on a busy machine.
    /// </summary>
    public void HoldUntilInFlight(int target, int total)
    {
        lock (_holdLock)
        {
            _hold = (target, total);
            _heldArrivals = 0;
            _heldInFlight = 0;
            _holdGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private Task? EnterHold()
    {
        lock (_holdLock)
        {
            if (_hold is not { } hold)
            {
                return null;
            }

            _heldArrivals++;
            _heldInFlight++;
            if (_heldInFlight >= hold.Target || _heldArrivals >= hold.Total)
            {
                _holdGate.TrySetResult();
                _holdGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return Task.CompletedTask;
            }

            return _holdGate.Task;
        }
    }

    private void LeaveHold()
    {
        lock (_holdLock)
        {
            _heldInFlight--;
        }
    }

    public void ResetCounters()
    {
        _counts.Clear();
        _chatRequests.Clear();
        _embedRequests.Clear();
        Interlocked.Exchange(ref _maxInFlight, 0);
        Interlocked.Exchange(ref _abortedByClient, 0);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Default scripted model: JSON when a schema/JSON format is requested, prose otherwise.</summary>
    public static LoopbackChatReply DefaultChatHandler(LoopbackChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Format is not null
            ? new LoopbackChatReply("""{"description": "A loopback test image with a red square on a white background.", "tags": ["test", "red square", "white background"]}""")
            : new LoopbackChatReply("This is the loopback Ollama server answering.");
    }

    private async Task HandleAsync(HttpContext context)
    {
        var endpoint = context.Request.Path.Value switch
        {
            "/api/chat" => LoopbackEndpoint.Chat,
            "/api/embed" => LoopbackEndpoint.Embed,
            "/api/tags" => LoopbackEndpoint.Tags,
            "/api/version" => LoopbackEndpoint.Version,
            "/api/show" => LoopbackEndpoint.Show,
            _ => LoopbackEndpoint.Other,
        };

        _counts.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        for (var seen = Volatile.Read(ref _maxInFlight); now > seen; seen = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, seen) == seen)
            {
                break;
            }
        }

        var aborted = context.RequestAborted;
        var held = endpoint is LoopbackEndpoint.Chat or LoopbackEndpoint.Embed ? EnterHold() : null;
        try
        {
            if (held is not null)
            {
                await held.WaitAsync(aborted).ConfigureAwait(false);
            }

            // Read the body first, like Ollama does before any work, so the client's upload completes.
            var body = await ReadBodyAsync(context.Request, aborted).ConfigureAwait(false);

            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency, aborted).ConfigureAwait(false);
            }

            var fault = NextFault(endpoint);
            if (fault is not null && await ApplyPreResponseFaultAsync(context, fault, endpoint, body).ConfigureAwait(false))
            {
                return;
            }

            await (endpoint switch
            {
                LoopbackEndpoint.Chat => HandleChatAsync(context, body, fault),
                LoopbackEndpoint.Embed => HandleEmbedAsync(context, body),
                LoopbackEndpoint.Tags => HandleTagsAsync(context),
                LoopbackEndpoint.Version => WriteJsonAsync(context, 200, new JsonObject { ["version"] = Version }),
                LoopbackEndpoint.Show => HandleShowAsync(context, body),
                _ => WriteTextAsync(context, 404, "404 page not found", "text/plain"),
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abortedByClient);
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abortedByClient);
        }
        finally
        {
            if (held is not null)
            {
                LeaveHold();
            }

            Interlocked.Decrement(ref _inFlight);
        }
    }

    private LoopbackFault? NextFault(LoopbackEndpoint endpoint)
    {
        if (_faults.TryGetValue(endpoint, out var queue) && queue.TryDequeue(out var fault))
        {
            return fault;
        }

        return _persistentFaults.GetValueOrDefault(endpoint);
    }

    /// <summary>Faults that replace the answer entirely; stream-shaped faults are applied while answering.</summary>
    private static async Task<bool> ApplyPreResponseFaultAsync(HttpContext context, LoopbackFault fault, LoopbackEndpoint endpoint, JsonElement? body)
    {
        switch (fault)
        {
            case LoopbackFault.StatusFault status:
                await WriteJsonAsync(context, status.StatusCode, new JsonObject { ["error"] = status.Error }).ConfigureAwait(false);
                return true;
            case LoopbackFault.DropFault:
                context.Abort();
                return true;
            case LoopbackFault.GarbageFault garbage:
                await WriteTextAsync(context, 200, garbage.Body, garbage.ContentType).ConfigureAwait(false);
                return true;
            case LoopbackFault.HangFault:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
                return true;
            case LoopbackFault.HalfAnswerFault when endpoint != LoopbackEndpoint.Chat || !IsStreaming(body):
                // Promise a full JSON body, send half of it, hang up.
                var full = Encoding.UTF8.GetBytes("""{"model":"x","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"half of an answer that never""");
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength = full.Length * 2;
                await context.Response.Body.WriteAsync(full, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                await HangUpAsync(context).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private async Task HandleChatAsync(HttpContext context, JsonElement? body, LoopbackFault? fault)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json)
        {
            await WriteJsonAsync(context, 400, new JsonObject { ["error"] = "invalid request body" }).ConfigureAwait(false);
            return;
        }

        var model = json.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        if (string.IsNullOrEmpty(model))
        {
            await WriteJsonAsync(context, 400, new JsonObject { ["error"] = "model is required" }).ConfigureAwait(false);
            return;
        }

        if (!_models.TryGetValue(Canonical(model), out _))
        {
            await WriteModelNotFoundAsync(context, model).ConfigureAwait(false);
            return;
        }

        var messages = new List<LoopbackMessage>();
        if (json.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in list.EnumerateArray())
            {
                var images = message.TryGetProperty("images", out var imgs) && imgs.ValueKind == JsonValueKind.Array
                    ? imgs.EnumerateArray().Select(i => i.GetString() ?? "").ToList()
                    : [];
                messages.Add(new LoopbackMessage(
                    message.TryGetProperty("role", out var role) ? role.GetString() ?? "" : "",
                    message.TryGetProperty("content", out var content) ? content.GetString() ?? "" : "",
                    images));
            }
        }

        var request = new LoopbackChatRequest(
            model,
            messages,
            IsStreaming(json),
            json.TryGetProperty("format", out var format) ? format.Clone() : null,
            json.TryGetProperty("options", out var options) ? options.Clone() : null,
            json.TryGetProperty("keep_alive", out var keepAlive) ? keepAlive.Clone() : null,
            json.Clone());
        _chatRequests.Enqueue(request);

        var reply = ChatHandler(request);
        var chunks = Chunk(reply.Content);
        var evalCount = reply.EvalCount ?? Math.Max(1, chunks.Count);

        if (!request.Stream)
        {
            var single = FinalChunk(model, reply, evalCount);
            single["message"] = Message(reply.Content, reply.Thinking);
            await WriteJsonAsync(context, 200, single).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/x-ndjson";
        var aborted = context.RequestAborted;

        for (var i = 0; i < chunks.Count; i++)
        {
            switch (fault)
            {
                case LoopbackFault.HalfAnswerFault half when i == half.StreamedChunks:
                    await HangUpAsync(context).ConfigureAwait(false);
                    return;
                case LoopbackFault.GarbageLineFault garbage when i == 1:
                    await WriteLineAsync(response, garbage.Line, aborted).ConfigureAwait(false);
                    break;
                case LoopbackFault.StreamErrorFault error when i == 1:
                    await WriteLineAsync(response, new JsonObject { ["error"] = error.Error }.ToJsonString(Json), aborted).ConfigureAwait(false);
                    return;
            }

            var chunk = new JsonObject
            {
                ["model"] = model,
                ["created_at"] = Timestamp(),
                ["message"] = Message(chunks[i], i == 0 ? reply.Thinking : null),
                ["done"] = false,
            };
            await WriteLineAsync(response, chunk.ToJsonString(Json), aborted).ConfigureAwait(false);
            if (StreamChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(StreamChunkDelay, aborted).ConfigureAwait(false);
            }
        }

        if (fault is LoopbackFault.HalfAnswerFault)
        {
            await HangUpAsync(context).ConfigureAwait(false);
            return;
        }

        var final = FinalChunk(model, reply, evalCount);
        final["message"] = Message("", null);
        await WriteLineAsync(response, final.ToJsonString(Json), aborted).ConfigureAwait(false);
    }

    private async Task HandleEmbedAsync(HttpContext context, JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json)
        {
            await WriteJsonAsync(context, 400, new JsonObject { ["error"] = "invalid request body" }).ConfigureAwait(false);
            return;
        }

        var model = json.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        if (!_models.TryGetValue(Canonical(model), out _))
        {
            await WriteModelNotFoundAsync(context, model).ConfigureAwait(false);
            return;
        }

        var inputs = new List<string>();
        var wasArray = false;
        if (json.TryGetProperty("input", out var input))
        {
            if (input.ValueKind == JsonValueKind.Array)
            {
                wasArray = true;
                inputs.AddRange(input.EnumerateArray().Select(i => i.GetString() ?? ""));
            }
            else if (input.ValueKind == JsonValueKind.String)
            {
                inputs.Add(input.GetString() ?? "");
            }
        }

        int? dimensions = json.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : null;
        bool? truncate = json.TryGetProperty("truncate", out var t) && t.ValueKind is JsonValueKind.True or JsonValueKind.False ? t.GetBoolean() : null;
        _embedRequests.Enqueue(new LoopbackEmbedRequest(model, inputs, wasArray, dimensions, truncate, json.Clone()));

        var embeddings = new JsonArray();
        foreach (var text in inputs)
        {
            embeddings.Add(new JsonArray(Embedder(text, dimensions ?? EmbeddingDimensions).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["model"] = model,
            ["embeddings"] = embeddings,
            ["total_duration"] = 14143917,
            ["load_duration"] = 1019500,
            ["prompt_eval_count"] = inputs.Sum(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length),
        }).ConfigureAwait(false);
    }

    private async Task HandleTagsAsync(HttpContext context)
    {
        var models = new JsonArray();
        foreach (var model in Models)
        {
            models.Add(new JsonObject
            {
                ["name"] = model.Name,
                ["model"] = model.Name,
                ["modified_at"] = "2025-05-04T17:37:44.706015396-07:00",
                ["size"] = 5_969_245_856L,
                ["digest"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(model.Name))),
                ["details"] = Details(model),
            });
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["models"] = models }).ConfigureAwait(false);
    }

    private async Task HandleShowAsync(HttpContext context, JsonElement? body)
    {
        var name = body is { ValueKind: JsonValueKind.Object } json
            ? (json.TryGetProperty("model", out var m) ? m.GetString() : json.TryGetProperty("name", out var n) ? n.GetString() : null)
            : null;
        if (string.IsNullOrEmpty(name) || !_models.TryGetValue(Canonical(name), out var model))
        {
            await WriteModelNotFoundAsync(context, name ?? "").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["modelfile"] = $"# Modelfile generated by \"ollama show\"\nFROM {model.Name}\n",
            ["parameters"] = "temperature 0.1",
            ["template"] = "{{ .Prompt }}",
            ["details"] = Details(model),
            ["model_info"] = new JsonObject
            {
                ["general.architecture"] = model.Family,
                ["general.parameter_count"] = 8_292_166_656L,
            },
            ["capabilities"] = new JsonArray(model.Capabilities.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["modified_at"] = "2025-05-04T17:37:44.706015396-07:00",
        }).ConfigureAwait(false);
    }

    private static JsonObject Details(LoopbackModel model) => new()
    {
        ["parent_model"] = "",
        ["format"] = "gguf",
        ["family"] = model.Family,
        ["families"] = new JsonArray(JsonValue.Create(model.Family)),
        ["parameter_size"] = model.ParameterSize,
        ["quantization_level"] = "Q4_K_M",
    };

    private static JsonObject FinalChunk(string model, LoopbackChatReply reply, int evalCount) => new()
    {
        ["model"] = model,
        ["created_at"] = Timestamp(),
        ["done"] = true,
        ["done_reason"] = reply.DoneReason,
        ["total_duration"] = 4_883_583_458L,
        ["load_duration"] = 1_334_875L,
        ["prompt_eval_count"] = reply.PromptEvalCount,
        ["prompt_eval_duration"] = 342_546_000L,
        ["eval_count"] = evalCount,
        ["eval_duration"] = 4_535_599_000L,
    };

    private static JsonObject Message(string content, string? thinking)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (thinking is not null)
        {
            message["thinking"] = thinking;
        }

        return message;
    }

    /// <summary>Splits an answer like a tokenizer would: words with their following whitespace.</summary>
    private static List<string> Chunk(string content)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 1; i <= content.Length; i++)
        {
            if (i == content.Length || (char.IsWhiteSpace(content[i - 1]) && !char.IsWhiteSpace(content[i])))
            {
                chunks.Add(content[start..i]);
                start = i;
            }
        }

        if (chunks.Count == 0)
        {
            chunks.Add("");
        }

        return chunks;
    }

    /// <summary>Go's RFC 3339 with nanoseconds, as Ollama writes it.</summary>
    private static string Timestamp() =>
        DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "42Z";

    /// <summary>
    /// Aborting resets the TCP connection; give the client a moment to read what was flushed first, otherwise the
    /// reset can overtake the data and it looks like the headers never came (a crashed runner closes after sending).
    /// </summary>
    private static async Task HangUpAsync(HttpContext context)
    {
        await Task.Delay(150, context.RequestAborted).ConfigureAwait(false);
        context.Abort();
    }

    private static bool IsStreaming(JsonElement? body) =>
        body is not { ValueKind: JsonValueKind.Object } json ||
        !json.TryGetProperty("stream", out var stream) ||
        stream.ValueKind != JsonValueKind.False;                          // Ollama streams unless told not to

    private static async Task<JsonElement?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task WriteModelNotFoundAsync(HttpContext context, string model) =>
        WriteJsonAsync(context, 404, new JsonObject { ["error"] = $"model \"{model}\" not found, try pulling it first" });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(Json), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteTextAsync(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteLineAsync(HttpResponse response, string line, CancellationToken cancellationToken)
    {
        await response.WriteAsync(line + "\n", cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Canonical(string name)
    {
        name = name.Trim();
        return name.IndexOf(':', name.LastIndexOf('/') + 1) >= 0 ? name : name + ":latest";
    }
}
