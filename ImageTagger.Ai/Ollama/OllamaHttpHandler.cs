using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.Ai.Ollama;

/// <summary>
/// Sits on the HttpClient under OllamaSharp and turns what OllamaSharp would lose into <see cref="OllamaException"/>s
/// before it sees them: a refused connection (Unreachable), an error status with Ollama's own <c>{"error": ...}</c>
/// text (OllamaSharp keeps it only for 400), and — through <see cref="OllamaAnswerStream"/> — an answer body that is
/// not Ollama's JSON, carries an error line inside a 200 stream, or ends early.
/// </summary>
internal sealed partial class OllamaHttpHandler(ILogger? logger = null) : DelegatingHandler
{
    private const int MaxErrorBodyChars = 2000;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = PathOf(request);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var server = request.RequestUri?.GetLeftPart(UriPartial.Authority);
            LogUnreachable(_logger, server, path, ex.Message);
            throw new OllamaException(
                OllamaFailureKind.Unreachable, $"Ollama at {server} is unreachable ({path}): {ex.Message}", innerException: ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await CreateHttpErrorAsync(path, response, cancellationToken).ConfigureAwait(false);
            }
        }

        if (request.Method == HttpMethod.Head || !path.StartsWith("api/", StringComparison.Ordinal))
        {
            return response;                // e.g. GET / ("Ollama is running"): plain text, nothing to check
        }

        // Checked line by line before OllamaSharp parses it; see OllamaAnswerStream.
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        response.Content = new OllamaAnswerContent(response.Content, new OllamaAnswerStream(body, path));
        return response;
    }

    /// <summary>"api/chat" for http://host/prefix/api/chat: the part after the configured base.</summary>
    internal static string PathOf(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var api = path.LastIndexOf("/api/", StringComparison.Ordinal);
        return api >= 0 ? path[(api + 1)..] : path.TrimStart('/');
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
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    serverError = error.GetString();
                }
            }
            catch (JsonException)
            {
                // Not Ollama's JSON error shape (e.g. a proxy's HTML page); the raw text is used below.
            }
        }

        var status = response.StatusCode;
        var text = serverError ?? (body.Length > 0 ? OllamaText.Snippet(body, MaxErrorBodyChars) : response.ReasonPhrase ?? "no details");
        var kind = KindOf(status, serverError);
        LogHttpError(_logger, path, (int)status, text);
        var hint = kind == OllamaFailureKind.ModelNotFound ? " (pull it with `ollama pull <model>` or fix the Ollama model settings)" : "";
        return new OllamaException(kind, $"Ollama {path} failed with {(int)status} {status}: {text}{hint}", status, serverError);
    }

    internal static OllamaFailureKind KindOf(HttpStatusCode status, string? serverError) => (int)status switch
    {
        404 when serverError is not null && serverError.Contains("not found", StringComparison.OrdinalIgnoreCase) =>
            OllamaFailureKind.ModelNotFound,
        408 => OllamaFailureKind.Timeout,
        429 or 503 => OllamaFailureKind.Overloaded,
        >= 500 => OllamaFailureKind.ServerError,
        _ => OllamaFailureKind.BadRequest,
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Ollama at {Server} unreachable for {Path}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string? server, string path, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Ollama {Path} answered {StatusCode}: {Error}")]
    private static partial void LogHttpError(ILogger logger, string path, int statusCode, string error);
}

/// <summary>The checked answer body; keeps the original headers (content type, length).</summary>
internal sealed class OllamaAnswerContent : StreamContent
{
    public OllamaAnswerContent(HttpContent original, OllamaAnswerStream answer)
        : base(answer)
    {
        Answer = answer;
        foreach (var header in original.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    public OllamaAnswerStream Answer { get; }
}
