using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImageTagger.Ai.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace ImageTagger.Ai.Ollama;

/// <summary>HTTP plumbing shared by the Ollama clients: JSON in/out, error mapping, resilience.</summary>
internal sealed partial class OllamaTransport(
    HttpClient httpClient,
    OllamaOptions options,
    ResiliencePipeline pipeline,
    OllamaConcurrencyLimiter? limiter,
    ILogger logger)
{
    private const int MaxErrorBodyChars = 2000;

    public Uri BaseUri { get; } = options.BaseUri;

    public OllamaOptions Options => options;

    /// <summary>The endpoint's shared slots; absent for probe-only transports.</summary>
    public OllamaConcurrencyLimiter Limiter => limiter ?? throw new InvalidOperationException("This transport has no concurrency limiter.");

    /// <summary>POST through the resilience pipeline (retry, concurrency slot, per-attempt timeout).</summary>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                async ct => await SendOnceAsync(HttpMethod.Post, path, body, requestType, responseType, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            LogTimedOut(logger, path, options.RequestTimeout);
            throw new OllamaException(
                OllamaFailureKind.Timeout,
                $"Ollama {path} did not answer within {options.RequestTimeout} (after {options.MaxRetries} retries).",
                innerException: ex);
        }
    }

    /// <summary>One quick call without retry or slot, bounded by <see cref="OllamaOptions.ProbeTimeout"/>: used by health/status probes.</summary>
    public async Task<TResponse> ProbeAsync<TRequest, TResponse>(
        HttpMethod method,
        string path,
        TRequest? body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProbeTimeout);
        try
        {
            return await SendOnceAsync(method, path, body, requestType, responseType, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OllamaException(
                OllamaFailureKind.Timeout, $"Ollama {path} did not answer within {options.ProbeTimeout}.", innerException: ex);
        }
    }

    /// <summary>Sends and returns the response once headers arrived with a success status; the caller reads the body.</summary>
    public async Task<HttpResponseMessage> SendForStreamingAsync<TRequest>(
        string path,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Post, path, body, requestType);
        var response = await SendCoreAsync(request, path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await CreateHttpErrorAsync(path, response, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    public static OllamaException Malformed(string path, string detail, Exception? inner = null) =>
        new(OllamaFailureKind.MalformedResponse, $"Ollama {path} returned a malformed answer: {detail}", innerException: inner);

    public static OllamaException Truncated(string path, string detail, Exception? inner = null) =>
        new(OllamaFailureKind.TruncatedResponse, $"Ollama {path} answer ended early: {detail}", innerException: inner);

    public static string Snippet(string text, int max = 200)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    private async Task<TResponse> SendOnceAsync<TRequest, TResponse>(
        HttpMethod method,
        string path,
        TRequest? body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path, body, requestType);
        using var response = await SendCoreAsync(request, path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await CreateHttpErrorAsync(path, response, cancellationToken).ConfigureAwait(false);
        }

        byte[] content;
        try
        {
            content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw Truncated(path, "the connection closed while reading the body.", ex);
        }

        TResponse? result;
        try
        {
            result = JsonSerializer.Deserialize(content, responseType);
        }
        catch (JsonException ex)
        {
            throw Malformed(path, $"not JSON ({ex.Message}) — body starts with \"{Snippet(Encoding.UTF8.GetString(content))}\"", ex);
        }

        return result ?? throw Malformed(path, "the body was JSON null.");
    }

    private HttpRequestMessage CreateRequest<TRequest>(HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest> requestType)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, requestType);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, BaseUri, path, ex.Message);
            throw new OllamaException(
                OllamaFailureKind.Unreachable,
                $"Ollama at {BaseUri} is unreachable ({path}): {ex.Message}",
                innerException: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Nobody cancelled us: the HttpClient's own Timeout fired (callers should set it to infinite and let
            // RequestTimeout govern, but a caller-supplied client may not have).
            throw new OllamaException(
                OllamaFailureKind.Timeout,
                $"Ollama {path} exceeded the HttpClient timeout ({httpClient.Timeout}).",
                innerException: ex);
        }
    }

    private async Task<OllamaException> CreateHttpErrorAsync(string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = "";
        }

        string? serverError = null;
        if (body.Length > 0)
        {
            try
            {
                serverError = JsonSerializer.Deserialize(body, OllamaJsonContext.Default.OllamaErrorResponse)?.Error;
            }
            catch (JsonException)
            {
                // Not Ollama's JSON error shape (e.g. a proxy's HTML page); the raw text is used below.
            }
        }

        var status = response.StatusCode;
        var text = serverError ?? (body.Length > 0 ? Snippet(body, MaxErrorBodyChars) : response.ReasonPhrase ?? "no details");
        var kind = (int)status switch
        {
            404 when serverError is not null && serverError.Contains("not found", StringComparison.OrdinalIgnoreCase) =>
                OllamaFailureKind.ModelNotFound,
            408 => OllamaFailureKind.Timeout,
            429 or 503 => OllamaFailureKind.Overloaded,
            >= 500 => OllamaFailureKind.ServerError,
            _ => OllamaFailureKind.BadRequest,
        };

        LogHttpError(logger, path, (int)status, text);
        var hint = kind == OllamaFailureKind.ModelNotFound ? " (pull it with `ollama pull <model>` or fix the Ollama model settings)" : "";
        return new OllamaException(kind, $"Ollama {path} failed with {(int)status} {status}: {text}{hint}", status, serverError);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Ollama at {BaseUri} unreachable for {Path}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri baseUri, string path, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Ollama {Path} answered {StatusCode}: {Error}")]
    private static partial void LogHttpError(ILogger logger, string path, int statusCode, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Ollama {Path} timed out after {Timeout} on every attempt")]
    private static partial void LogTimedOut(ILogger logger, string path, TimeSpan timeout);
}
