using System.Diagnostics;
using System.Text.Json;
using Polly;
using Polly.Timeout;
using SharpOllamaException = OllamaSharp.Models.Exceptions.OllamaException;

namespace ImageTagger.Ai.Resilience;

/// <summary>Maps whatever one attempt against Ollama threw to our <see cref="OllamaException"/> kinds.</summary>
internal static class OllamaFailures
{
    /// <summary>
    /// The <see cref="OllamaException"/> for <paramref name="exception"/>, or null to let it pass unchanged
    /// (caller cancellation, the attempt's own timeout — Polly's — and programming errors).
    /// </summary>
    public static OllamaException? Map(Exception exception, string path, CancellationToken attemptToken) => exception switch
    {
        OllamaException => null,
        // Nobody cancelled the attempt: the HttpClient's own Timeout fired (a caller-supplied client may set one).
        OperationCanceledException when !attemptToken.IsCancellationRequested =>
            new(OllamaFailureKind.Timeout, $"Ollama {path} exceeded the HttpClient timeout.", innerException: exception),
        OperationCanceledException => null,
        JsonException => new(OllamaFailureKind.MalformedResponse, $"Ollama {path} returned a malformed answer: {exception.Message}", innerException: exception),
        // Only without OllamaHttpHandler on the HttpClient: status without Ollama's text.
        HttpRequestException { StatusCode: { } status } =>
            new(Ollama.OllamaHttpHandler.KindOf(status, null), $"Ollama {path} failed with {(int)status} {status}.", status, innerException: exception),
        HttpRequestException or IOException =>
            new(OllamaFailureKind.TruncatedResponse, $"Ollama {path} answer ended early: {exception.Message}", innerException: exception),
        SharpOllamaException => new(OllamaFailureKind.BadRequest, $"Ollama {path} rejected the request: {exception.Message}", serverError: exception.Message, innerException: exception),
        _ => null,
    };

    /// <summary>
    /// Runs <paramref name="call"/> through the pipeline (retry → slot → per-attempt timeout), each attempt's failures
    /// mapped so the retry sees our kinds; the span of the call is tagged with the final kind.
    /// </summary>
    public static async Task<T> ExecuteAsync<T>(
        ResiliencePipeline pipeline, OllamaOptions settings, string path, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(ct => AttemptAsync(call, path, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var timeout = new OllamaException(
                OllamaFailureKind.Timeout,
                $"Ollama {path} did not answer within {settings.RequestTimeout} (after {settings.MaxRetries} retries).",
                innerException: ex);
            Tag(timeout);
            throw timeout;
        }
        catch (OllamaException ex)
        {
            Tag(ex);
            throw;
        }
    }

    /// <summary>Runs one attempt, translating its failures; tags the current GenAI span with the kind.</summary>
    public static async ValueTask<T> AttemptAsync<T>(Func<CancellationToken, Task<T>> attempt, string path, CancellationToken attemptToken)
    {
        try
        {
            return await attempt(attemptToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, path, attemptToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>error.type on the span is the exception type (GenAI conventions); this adds which failure it was.</summary>
    public static void Tag(Exception exception)
    {
        var kind = exception switch
        {
            OllamaException o => o.Kind.ToString(),
            TimeoutRejectedException => nameof(OllamaFailureKind.Timeout),
            _ => null,
        };
        if (kind is not null)
        {
            Activity.Current?.SetTag(OllamaTelemetry.FailureKindTag, kind);
        }
    }
}
