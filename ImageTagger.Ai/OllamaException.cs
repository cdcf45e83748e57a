using System.Net;

namespace ImageTagger.Ai;

/// <summary>Why a call to Ollama failed; drives retry and how the caller parks a job.</summary>
public enum OllamaFailureKind
{
    /// <summary>Connection refused, reset or DNS failure: the server is down or restarting.</summary>
    Unreachable,

    /// <summary>An attempt took longer than <see cref="OllamaOptions.RequestTimeout"/>.</summary>
    Timeout,

    /// <summary>5xx from Ollama (often a model failing to load or a crashed runner).</summary>
    ServerError,

    /// <summary>429 or 503: Ollama is saturated (OLLAMA_MAX_QUEUE reached).</summary>
    Overloaded,

    /// <summary>The requested model is not installed (404).</summary>
    ModelNotFound,

    /// <summary>Other 4xx: the request itself is wrong and will not succeed on retry.</summary>
    BadRequest,

    /// <summary>The answer was not valid Ollama JSON/NDJSON.</summary>
    MalformedResponse,

    /// <summary>The connection closed before the answer was complete (half a body or stream).</summary>
    TruncatedResponse,
}

/// <summary>A failed Ollama call, carrying Ollama's own error text when it sent one.</summary>
public class OllamaException : Exception
{
    public OllamaException()
    {
    }

    public OllamaException(string message)
        : base(message)
    {
    }

    public OllamaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OllamaException(
        OllamaFailureKind kind,
        string message,
        HttpStatusCode? statusCode = null,
        string? serverError = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        ServerError = serverError;
    }

    public OllamaFailureKind Kind { get; }

    /// <summary>HTTP status when Ollama answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>error</c> text of Ollama's <c>{"error": "..."}</c> body, if any.</summary>
    public string? ServerError { get; }

    /// <summary>Whether trying again later can reasonably succeed.</summary>
    public bool IsTransient => Kind is OllamaFailureKind.Unreachable
        or OllamaFailureKind.Timeout
        or OllamaFailureKind.ServerError
        or OllamaFailureKind.Overloaded
        or OllamaFailureKind.TruncatedResponse;
}

internal static class OllamaText
{
    /// <summary>One line of at most <paramref name="max"/> characters, for error messages and logs.</summary>
    public static string Snippet(string text, int max = 200)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }
}
