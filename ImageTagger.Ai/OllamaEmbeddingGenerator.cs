using System.Diagnostics;
using System.Text.Json;
using ImageTagger.Ai.Ollama;
using ImageTagger.Ai.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageTagger.Ai;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over Ollama's <c>POST /api/embed</c>, batching inputs
/// (<see cref="OllamaOptions.EmbeddingBatchSize"/> per call) through the shared resilience pipeline.
/// </summary>
public sealed partial class OllamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const string EmbedPath = "api/embed";

    private readonly OllamaTransport _transport;
    private readonly OllamaOptions _options;
    private readonly ILogger _logger;
    private readonly IDisposable? _ownedLimiter;

    public OllamaEmbeddingGenerator(
        HttpClient httpClient,
        OllamaOptions options,
        ResiliencePipeline pipeline,
        OllamaConcurrencyLimiter limiter,
        ILogger<OllamaEmbeddingGenerator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(limiter);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _transport = new OllamaTransport(httpClient, options, pipeline, limiter, _logger);
        Metadata = new EmbeddingGeneratorMetadata(OllamaChatClient.ProviderName, _transport.BaseUri, options.EmbeddingModel);
    }

    /// <summary>Stand-alone generator with its own limiter and default pipeline built from <paramref name="options"/>.</summary>
    public OllamaEmbeddingGenerator(HttpClient httpClient, OllamaOptions options)
        : this(httpClient, options, new OllamaConcurrencyLimiter(options.MaxConcurrency))
    {
    }

    private OllamaEmbeddingGenerator(HttpClient httpClient, OllamaOptions options, OllamaConcurrencyLimiter limiter)
        : this(httpClient, options, OllamaResilience.CreatePipeline(options, limiter), limiter)
    {
        _ownedLimiter = limiter;
    }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? _options.EmbeddingModel : options.ModelId;
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        if (inputs.Count == 0)
        {
            return result;
        }

        using var activity = OllamaTelemetry.Start("embeddings", model, _transport.BaseUri);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await GenerateBatchesAsync(inputs, model, options, result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OllamaTelemetry.Failed(activity, "embeddings", model, ex, started);
            throw;
        }

        OllamaTelemetry.Succeeded(activity, "embeddings", model, result.FirstOrDefault()?.ModelId, result.Usage, null, started);
        return result;
    }

    private async Task GenerateBatchesAsync(
        List<string> inputs,
        string model,
        EmbeddingGenerationOptions? options,
        GeneratedEmbeddings<Embedding<float>> result,
        CancellationToken cancellationToken)
    {
        long inputTokens = 0;
        var sawUsage = false;
        foreach (var batch in inputs.Chunk(_options.EmbeddingBatchSize))
        {
            var request = new OllamaEmbedRequest
            {
                Model = model,
                Input = [.. batch],
                Dimensions = options?.Dimensions,
                // Explicit, so an over-long description is cut to the context window instead of failing the job.
                Truncate = true,
                KeepAlive = OllamaWire.FormatKeepAlive(_options.KeepAlive),
            };
            ApplyAdditionalProperties(request, options?.AdditionalProperties);
            LogEmbedding(_logger, model, batch.Length);

            var answer = await _transport.PostAsync(
                EmbedPath,
                request,
                OllamaJsonContext.Default.OllamaEmbedRequest,
                OllamaJsonContext.Default.OllamaEmbedResponse,
                cancellationToken).ConfigureAwait(false);

            if (answer.Embeddings is not { } vectors)
            {
                throw OllamaTransport.Malformed(EmbedPath, "the answer has no \"embeddings\".");
            }

            if (vectors.Count != batch.Length)
            {
                throw OllamaTransport.Malformed(EmbedPath, $"asked for {batch.Length} embeddings, got {vectors.Count}.");
            }

            var created = DateTimeOffset.UtcNow;
            foreach (var vector in vectors)
            {
                if (vector is null || vector.Length == 0)
                {
                    throw OllamaTransport.Malformed(EmbedPath, "an embedding is empty.");
                }

                if (options?.Dimensions is { } dims && vector.Length != dims)
                {
                    throw OllamaTransport.Malformed(EmbedPath, $"asked for {dims} dimensions, got {vector.Length}.");
                }

                result.Add(new Embedding<float>(vector) { ModelId = answer.Model ?? model, CreatedAt = created });
            }

            if (answer.PromptEvalCount is { } count)
            {
                inputTokens += count;
                sawUsage = true;
            }
        }

        if (sawUsage)
        {
            result.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType == typeof(OllamaOptions) ? _options
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose() => _ownedLimiter?.Dispose();

    private static void ApplyAdditionalProperties(OllamaEmbedRequest request, AdditionalPropertiesDictionary? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (key, value) in extra)
        {
            switch (key)
            {
                case "truncate" when value is bool truncate:
                    request.Truncate = truncate;
                    break;
                case "keep_alive":
                    request.KeepAlive = value is TimeSpan t ? OllamaWire.FormatKeepAlive(t) : value?.ToString();
                    break;
                default:
                    request.Options ??= new OllamaRequestOptions();
                    request.Options.Extra ??= [];
                    request.Options.Extra[key] = value is JsonElement element
                        ? element
                        : JsonSerializer.SerializeToElement(value, value?.GetType() ?? typeof(object), AIJsonUtilities.DefaultOptions);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Debug, Message = "Ollama embed: model {Model}, {Count} inputs")]
    private static partial void LogEmbedding(ILogger logger, string model, int count);
}
