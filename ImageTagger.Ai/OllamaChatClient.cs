using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ImageTagger.Ai.Ollama;
using ImageTagger.Ai.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageTagger.Ai;

/// <summary>
/// <see cref="IChatClient"/> over Ollama's <c>POST /api/chat</c>. Non-streaming calls go through the shared
/// resilience pipeline (retry, concurrency slot, timeout); streaming calls hold a slot for the whole stream and
/// are not retried, because tokens may already have been handed to the caller.
/// </summary>
public sealed partial class OllamaChatClient : IChatClient
{
    public const string ProviderName = "ollama";
    private const string ChatPath = "api/chat";

    private static readonly JsonElement JsonModeFormat = JsonSerializer.SerializeToElement("json", AIJsonUtilities.DefaultOptions);

    private readonly OllamaTransport _transport;
    private readonly OllamaOptions _options;
    private readonly ILogger _logger;
    private readonly IDisposable? _ownedLimiter;

    public OllamaChatClient(
        HttpClient httpClient,
        OllamaOptions options,
        ResiliencePipeline pipeline,
        OllamaConcurrencyLimiter limiter,
        ILogger<OllamaChatClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(limiter);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _transport = new OllamaTransport(httpClient, options, pipeline, limiter, _logger);
        Metadata = new ChatClientMetadata(ProviderName, _transport.BaseUri, options.VisionModel);
    }

    /// <summary>Stand-alone client with its own limiter and default pipeline built from <paramref name="options"/>.</summary>
    public OllamaChatClient(HttpClient httpClient, OllamaOptions options)
        : this(httpClient, options, new OllamaConcurrencyLimiter(options.MaxConcurrency))
    {
    }

    private OllamaChatClient(HttpClient httpClient, OllamaOptions options, OllamaConcurrencyLimiter limiter)
        : this(httpClient, options, OllamaResilience.CreatePipeline(options, limiter), limiter)
    {
        _ownedLimiter = limiter;
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = BuildRequest(messages, options, stream: false);
        var imageCount = request.Messages.Sum(m => m.Images?.Count ?? 0);
        LogSending(_logger, request.Model, request.Messages.Count, imageCount, false);

        using var activity = OllamaTelemetry.Start("chat", request.Model, _transport.BaseUri);
        OllamaTelemetry.SetRequest(activity, request);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            OllamaTelemetry.Succeeded(activity, "chat", request.Model, response.ModelId, response.Usage, response.FinishReason, started);
            return response;
        }
        catch (Exception ex)
        {
            OllamaTelemetry.Failed(activity, "chat", request.Model, ex, started);
            throw;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = BuildRequest(messages, options, stream: true);
        var imageCount = request.Messages.Sum(m => m.Images?.Count ?? 0);
        LogSending(_logger, request.Model, request.Messages.Count, imageCount, true);

        using var activity = OllamaTelemetry.Start("chat", request.Model, _transport.BaseUri);
        OllamaTelemetry.SetRequest(activity, request);
        var started = Stopwatch.GetTimestamp();
        await using var updates = StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            // Exceptions cannot be caught around a yield, so only the MoveNext is guarded.
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = updates.Current;
            }
            catch (Exception ex)
            {
                OllamaTelemetry.Failed(activity, "chat", request.Model, ex, started);
                throw;
            }

            if (update.FinishReason is { } finishReason)
            {
                var usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
                OllamaTelemetry.Succeeded(activity, "chat", request.Model, update.ModelId, usage, finishReason, started);
            }

            yield return update;
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        OllamaChatRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = await _transport.Limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.RequestTimeout);

        HttpResponseMessage response;
        try
        {
            response = await _transport.SendForStreamingAsync(
                ChatPath, request, OllamaJsonContext.Default.OllamaChatRequest, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw StreamTimeout(ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
            using var reader = new StreamReader(body, Encoding.UTF8);
            var responseId = Guid.NewGuid().ToString("N");
            var sawDone = false;
            while (!sawDone)
            {
                var line = await ReadLineAsync(reader, attempt.Token, cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    break;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var chunk = ParseChunk(line);
                sawDone = chunk.Done;
                yield return ToUpdate(chunk, responseId, request.Model);
            }

            if (!sawDone)
            {
                throw OllamaTransport.Truncated(ChatPath, "the stream closed before the final \"done\": true line.");
            }
        }
    }

    private async Task<ChatResponse> SendAsync(OllamaChatRequest request, CancellationToken cancellationToken)
    {
        var answer = await _transport.PostAsync(
            ChatPath,
            request,
            OllamaJsonContext.Default.OllamaChatRequest,
            OllamaJsonContext.Default.OllamaChatResponse,
            cancellationToken).ConfigureAwait(false);

        if (answer.Error is { } error)
        {
            throw new OllamaException(OllamaFailureKind.ServerError, $"Ollama {ChatPath} reported an error: {error}", serverError: error);
        }

        if (answer.Message is null)
        {
            throw OllamaTransport.Malformed(ChatPath, "the answer has no \"message\".");
        }

        var responseId = Guid.NewGuid().ToString("N");
        var message = new ChatMessage(ChatRole.Assistant, ToContents(answer.Message))
        {
            MessageId = responseId,
            RawRepresentation = answer.Message,
        };

        return new ChatResponse(message)
        {
            ResponseId = responseId,
            ModelId = answer.Model ?? request.Model,
            CreatedAt = OllamaWire.ParseTimestamp(answer.CreatedAt),
            FinishReason = ToFinishReason(answer.DoneReason),
            Usage = ToUsage(answer),
            RawRepresentation = answer,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType == typeof(OllamaOptions) ? _options
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose() => _ownedLimiter?.Dispose();

    internal OllamaChatRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        if (options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("OllamaChatClient does not support tool calling; ImageTagger only needs plain and structured answers.");
        }

        var wireMessages = new List<OllamaMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            wireMessages.Add(new OllamaMessage { Role = "system", Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            wireMessages.Add(ToWire(message));
        }

        var request = new OllamaChatRequest
        {
            Model = string.IsNullOrWhiteSpace(options?.ModelId) ? _options.VisionModel : options.ModelId,
            Messages = wireMessages,
            Stream = stream,
            KeepAlive = OllamaWire.FormatKeepAlive(_options.KeepAlive),
            Format = options?.ResponseFormat switch
            {
                ChatResponseFormatJson { Schema: { } schema } => schema,
                ChatResponseFormatJson => JsonModeFormat,
                _ => null,
            },
        };

        var wireOptions = new OllamaRequestOptions
        {
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            TopK = options?.TopK,
            NumPredict = options?.MaxOutputTokens,
            NumCtx = _options.ContextLength,
            Seed = options?.Seed,
            Stop = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
        };

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                switch (key)
                {
                    // Top-level request fields rather than Modelfile parameters.
                    case "keep_alive":
                        request.KeepAlive = value switch
                        {
                            TimeSpan t => OllamaWire.FormatKeepAlive(t),
                            null => null,
                            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                        };
                        break;
                    case "think" when value is bool think:
                        request.Think = think;
                        break;
                    case "num_ctx" when value is int numCtx:
                        wireOptions.NumCtx = numCtx;
                        break;
                    default:
                        wireOptions.Extra ??= [];
                        wireOptions.Extra[key] = value is JsonElement element
                            ? element
                            : JsonSerializer.SerializeToElement(value, value?.GetType() ?? typeof(object), AIJsonUtilities.DefaultOptions);
                        break;
                }
            }
        }

        request.Options = wireOptions.IsEmpty ? null : wireOptions;
        return request;
    }

    private static OllamaMessage ToWire(ChatMessage message)
    {
        var wire = new OllamaMessage { Role = message.Role.Value };
        var text = new StringBuilder();
        StringBuilder? thinking = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    (thinking ??= new StringBuilder()).Append(r.Text);
                    break;
                case DataContent d when d.HasTopLevelMediaType("image"):
                    (wire.Images ??= []).Add(d.Base64Data.ToString());
                    break;
                case DataContent d:
                    throw new NotSupportedException($"Ollama chat accepts only image attachments, not '{d.MediaType}'.");
                case UriContent u:
                    throw new NotSupportedException($"Ollama cannot fetch images by URL ({u.Uri}); send the bytes as DataContent.");
                case UsageContent:
                    break;
                default:
                    throw new NotSupportedException($"Content of type {content.GetType().Name} is not supported by OllamaChatClient.");
            }
        }

        wire.Content = text.ToString();
        wire.Thinking = thinking?.ToString();
        return wire;
    }

    private static List<AIContent> ToContents(OllamaMessage message)
    {
        var contents = new List<AIContent>(2);
        if (!string.IsNullOrEmpty(message.Thinking))
        {
            contents.Add(new TextReasoningContent(message.Thinking));
        }

        if (!string.IsNullOrEmpty(message.Content))
        {
            contents.Add(new TextContent(message.Content));
        }

        return contents;
    }

    private static ChatFinishReason? ToFinishReason(string? doneReason) => doneReason switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        _ => new ChatFinishReason(doneReason),
    };

    private static UsageDetails? ToUsage(OllamaChatResponse answer)
    {
        if (answer.PromptEvalCount is null && answer.EvalCount is null && answer.TotalDuration is null)
        {
            return null;
        }

        var usage = new UsageDetails
        {
            InputTokenCount = answer.PromptEvalCount,
            OutputTokenCount = answer.EvalCount,
            TotalTokenCount = (answer.PromptEvalCount ?? 0) + (answer.EvalCount ?? 0),
        };

        AddCount(usage, "total_duration_ns", answer.TotalDuration);
        AddCount(usage, "load_duration_ns", answer.LoadDuration);
        AddCount(usage, "prompt_eval_duration_ns", answer.PromptEvalDuration);
        AddCount(usage, "eval_duration_ns", answer.EvalDuration);
        return usage;

        static void AddCount(UsageDetails usage, string key, long? value)
        {
            if (value is { } v)
            {
                (usage.AdditionalCounts ??= [])[key] = v;
            }
        }
    }

    private static OllamaChatResponse ParseChunk(string line)
    {
        OllamaChatResponse? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize(line, OllamaJsonContext.Default.OllamaChatResponse);
        }
        catch (JsonException ex)
        {
            throw OllamaTransport.Malformed(ChatPath, $"a stream line is not JSON: \"{OllamaTransport.Snippet(line)}\"", ex);
        }

        if (chunk is null)
        {
            throw OllamaTransport.Malformed(ChatPath, "a stream line was JSON null.");
        }

        if (chunk.Error is { } error)
        {
            // Ollama sends failures after the 200 header as an error line, e.g. when the runner crashes mid-answer.
            throw new OllamaException(OllamaFailureKind.ServerError, $"Ollama {ChatPath} failed while streaming: {error}", serverError: error);
        }

        if (chunk.Message is null && !chunk.Done)
        {
            throw OllamaTransport.Malformed(ChatPath, $"a stream line has neither \"message\" nor \"done\": \"{OllamaTransport.Snippet(line)}\"");
        }

        return chunk;
    }

    private static ChatResponseUpdate ToUpdate(OllamaChatResponse chunk, string responseId, string requestedModel)
    {
        var contents = chunk.Message is null ? [] : ToContents(chunk.Message);
        if (chunk.Done && ToUsage(chunk) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = chunk.Model ?? requestedModel,
            CreatedAt = OllamaWire.ParseTimestamp(chunk.CreatedAt),
            FinishReason = chunk.Done ? ToFinishReason(chunk.DoneReason) ?? ChatFinishReason.Stop : null,
            RawRepresentation = chunk,
        };
    }

    private async ValueTask<string?> ReadLineAsync(StreamReader reader, CancellationToken attemptToken, CancellationToken callerToken)
    {
        try
        {
            return await reader.ReadLineAsync(attemptToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!callerToken.IsCancellationRequested)
        {
            throw StreamTimeout(ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw OllamaTransport.Truncated(ChatPath, $"the connection dropped mid-stream ({ex.Message}).", ex);
        }
    }

    private OllamaException StreamTimeout(Exception inner) =>
        new(OllamaFailureKind.Timeout, $"Ollama {ChatPath} stream did not finish within {_options.RequestTimeout}.", innerException: inner);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Debug,
        Message = "Ollama chat: model {Model}, {MessageCount} messages, {ImageCount} images, streaming {Streaming}")]
    private static partial void LogSending(ILogger logger, string model, int messageCount, int imageCount, bool streaming);
}
