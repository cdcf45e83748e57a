using ImageTagger.Ai.Ollama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageTagger.Ai;

/// <summary>One installed model as listed by <c>GET /api/tags</c>.</summary>
public sealed record OllamaModelInfo(
    string Name,
    long? SizeBytes,
    string? Digest,
    DateTimeOffset? ModifiedAt,
    string? Family,
    string? ParameterSize,
    string? QuantizationLevel);

/// <summary>What <c>POST /api/show</c> says about a model.</summary>
public sealed record OllamaModelDetails(string Name, IReadOnlyList<string> Capabilities, string? Family, string? ParameterSize)
{
    /// <summary>Null when the server is too old to report capabilities.</summary>
    public bool? SupportsVision => Capabilities.Count == 0 ? null : Capabilities.Contains("vision", StringComparer.OrdinalIgnoreCase);

    public bool? SupportsEmbedding => Capabilities.Count == 0 ? null : Capabilities.Contains("embedding", StringComparer.OrdinalIgnoreCase);
}

/// <summary>Result of a status probe; never throws for an unreachable server, it reports it.</summary>
public sealed record OllamaStatus(
    Uri Endpoint,
    bool Reachable,
    string? Version,
    IReadOnlyList<OllamaModelInfo> Models,
    string VisionModel,
    bool VisionModelInstalled,
    string EmbeddingModel,
    bool EmbeddingModelInstalled,
    string? Error)
{
    /// <summary>Reachable and both configured models are installed: image processing can run.</summary>
    public bool Ready => Reachable && VisionModelInstalled && EmbeddingModelInstalled;
}

/// <summary>Probes <c>/api/version</c>, <c>/api/tags</c> and <c>/api/show</c> for health checks and the settings page.</summary>
public sealed partial class OllamaStatusClient
{
    private readonly OllamaTransport _transport;
    private readonly OllamaOptions _options;
    private readonly ILogger _logger;

    public OllamaStatusClient(HttpClient httpClient, OllamaOptions options, ILogger<OllamaStatusClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // Probes bypass retry and the concurrency slots: a health check must answer quickly even while
        // long vision calls occupy every slot.
        _transport = new OllamaTransport(httpClient, options, ResiliencePipeline.Empty, limiter: null, _logger);
    }

    public Uri Endpoint => _transport.BaseUri;

    /// <summary>Ollama's version string, e.g. "0.12.6".</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _transport.ProbeAsync<OllamaShowRequest, OllamaVersionResponse>(
            HttpMethod.Get, "api/version", null, OllamaJsonContext.Default.OllamaShowRequest,
            OllamaJsonContext.Default.OllamaVersionResponse, cancellationToken).ConfigureAwait(false);
        return answer.Version ?? throw OllamaTransport.Malformed("api/version", "no \"version\".");
    }

    /// <summary>Installed models.</summary>
    public async Task<IReadOnlyList<OllamaModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _transport.ProbeAsync<OllamaShowRequest, OllamaTagsResponse>(
            HttpMethod.Get, "api/tags", null, OllamaJsonContext.Default.OllamaShowRequest,
            OllamaJsonContext.Default.OllamaTagsResponse, cancellationToken).ConfigureAwait(false);
        if (answer.Models is null)
        {
            throw OllamaTransport.Malformed("api/tags", "no \"models\".");
        }

        return answer.Models
            .Where(m => !string.IsNullOrEmpty(m.Name ?? m.Model))
            .Select(m => new OllamaModelInfo(
                (m.Name ?? m.Model)!,
                m.Size,
                m.Digest,
                OllamaWire.ParseTimestamp(m.ModifiedAt),
                m.Details?.Family,
                m.Details?.ParameterSize,
                m.Details?.QuantizationLevel))
            .ToList();
    }

    /// <summary>Details and capabilities of one model; throws <see cref="OllamaException"/> (ModelNotFound) if it is not installed.</summary>
    public async Task<OllamaModelDetails> ShowModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var answer = await _transport.ProbeAsync(
            HttpMethod.Post, "api/show", new OllamaShowRequest { Model = model }, OllamaJsonContext.Default.OllamaShowRequest,
            OllamaJsonContext.Default.OllamaShowResponse, cancellationToken).ConfigureAwait(false);
        return new OllamaModelDetails(model, answer.Capabilities ?? [], answer.Details?.Family, answer.Details?.ParameterSize);
    }

    /// <summary>Version + installed models + whether the configured models are present. Reports, never throws, for server failures.</summary>
    public async Task<OllamaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var models = await ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return new OllamaStatus(
                Endpoint,
                Reachable: true,
                version,
                models,
                _options.VisionModel,
                IsInstalled(models, _options.VisionModel),
                _options.EmbeddingModel,
                IsInstalled(models, _options.EmbeddingModel),
                Error: null);
        }
        catch (OllamaException ex)
        {
            LogProbeFailed(_logger, Endpoint, ex.Message);
            return new OllamaStatus(
                Endpoint, Reachable: false, null, [], _options.VisionModel, false, _options.EmbeddingModel, false, ex.Message);
        }
    }

    /// <summary>Ollama names without a tag mean ":latest"; compare case-insensitively like Ollama does.</summary>
    public static bool IsInstalled(IEnumerable<OllamaModelInfo> models, string model)
    {
        var wanted = CanonicalName(model);
        return models.Any(m => string.Equals(CanonicalName(m.Name), wanted, StringComparison.OrdinalIgnoreCase));
    }

    internal static string CanonicalName(string model)
    {
        model = model.Trim();
        var lastSlash = model.LastIndexOf('/');
        return model.IndexOf(':', lastSlash + 1) >= 0 ? model : model + ":latest";
    }

    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "Ollama status probe of {Endpoint} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, Uri endpoint, string reason);
}
