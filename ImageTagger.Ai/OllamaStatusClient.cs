using ImageTagger.Ai.Ollama;
using ImageTagger.Ai.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp.Models;

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

/// <summary>
/// Probes <c>/api/version</c>, <c>/api/tags</c> and <c>/api/show</c> through OllamaSharp for health checks and the
/// settings page. Probes bypass retry and the concurrency slots: a health check must answer quickly even while long
/// vision calls occupy every slot. Each is bounded by <see cref="OllamaOptions.ProbeTimeout"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "OllamaApiClient owns nothing when given an HttpClient; the HttpClient is the caller's.")]
public sealed partial class OllamaStatusClient
{
    private readonly OllamaSharpClient _api;
    private readonly OllamaOptions _options;
    private readonly ILogger _logger;

    /// <param name="httpClient">A client from <see cref="OllamaClients.CreateHttpClient"/> (base address and error handler set).</param>
    public OllamaStatusClient(HttpClient httpClient, OllamaOptions options, ILogger<OllamaStatusClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _api = new OllamaSharpClient(httpClient, options.VisionModel);
    }

    public Uri Endpoint => _api.Uri;

    /// <summary>Ollama's version string, e.g. "0.12.6".</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var version = await ProbeAsync("api/version", ct => _api.GetVersionAsync(ct), cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(version) ? throw Malformed("api/version", "no \"version\".") : version;
    }

    /// <summary>Installed models.</summary>
    public async Task<IReadOnlyList<OllamaModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = await ProbeAsync("api/tags", ct => _api.ListLocalModelsAsync(ct), cancellationToken).ConfigureAwait(false)
            ?? throw Malformed("api/tags", "no \"models\".");
        return models
            .Where(m => !string.IsNullOrEmpty(m.Name ?? m.ModelName))
            .Select(m => new OllamaModelInfo(
                (m.Name ?? m.ModelName)!,
                m.Size,
                m.Digest,
                m.ModifiedAt == default ? null : new DateTimeOffset(m.ModifiedAt),
                m.Details?.Family,
                m.Details?.ParameterSize,
                m.Details?.QuantizationLevel))
            .ToList();
    }

    /// <summary>Details and capabilities of one model; throws <see cref="OllamaException"/> (ModelNotFound) if it is not installed.</summary>
    public async Task<OllamaModelDetails> ShowModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var answer = await ProbeAsync("api/show", ct => _api.ShowModelAsync(new ShowModelRequest { Model = model }, ct), cancellationToken)
            .ConfigureAwait(false);
        return new OllamaModelDetails(model, answer.Capabilities ?? [], answer.Details?.Family, answer.Details?.ParameterSize);
    }

    /// <summary>One call without retry or slot, mapped to <see cref="OllamaException"/>s.</summary>
    private async Task<T> ProbeAsync<T>(string path, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        try
        {
            return await OllamaFailures.AttemptAsync(call, path, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OllamaException(
                OllamaFailureKind.Timeout, $"Ollama {path} did not answer within {_options.ProbeTimeout}.", innerException: ex);
        }
    }

    private static OllamaException Malformed(string path, string detail) =>
        new(OllamaFailureKind.MalformedResponse, $"Ollama {path} returned a malformed answer: {detail}");

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
