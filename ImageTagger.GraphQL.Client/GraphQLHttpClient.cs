using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageTagger.GraphQL.Client;

/// <summary>A position in the GraphQL document that an error refers to (1-based).</summary>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public readonly record struct GraphQLClientLocation(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("column")] int Column);

/// <summary>An error as received from a GraphQL server.</summary>
public sealed record GraphQLClientError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("locations")] IReadOnlyList<GraphQLClientLocation>? Locations = null,
    [property: JsonPropertyName("path")] IReadOnlyList<JsonElement>? Path = null,
    [property: JsonPropertyName("extensions")] JsonElement? Extensions = null);

/// <summary>A GraphQL response: data and errors as JSON, plus the HTTP status.</summary>
public sealed class GraphQLResponse
{
    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; init; }
    /// <summary>The <c>data</c> entry, or null when absent.</summary>
    public JsonElement? Data { get; init; }
    /// <summary>The <c>errors</c> entry (empty when none).</summary>
    public IReadOnlyList<GraphQLClientError> Errors { get; init; } = [];
    /// <summary>The <c>extensions</c> entry, or null when absent.</summary>
    public JsonElement? Extensions { get; init; }
    /// <summary>Whether the response holds errors.</summary>
    public bool HasErrors => Errors.Count > 0;

    /// <summary>Deserializes <c>data</c> (or one property of it) to <typeparamref name="T"/> (camelCase, case-insensitive).</summary>
    public T? GetData<T>(string? property = null)
    {
        if (Data is not { ValueKind: JsonValueKind.Object } data) return default;
        var element = property is null ? data : data.TryGetProperty(property, out var p) ? p : default;
        return element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? default : element.Deserialize<T>(GraphQLHttpClient.JsonOptions);
    }

    internal static GraphQLResponse Parse(HttpStatusCode status, JsonElement root) => new()
    {
        StatusCode = status,
        Data = root.TryGetProperty("data", out var d) ? d.Clone() : null,
        Errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
            ? e.Deserialize<List<GraphQLClientError>>(GraphQLHttpClient.JsonOptions) ?? []
            : [],
        Extensions = root.TryGetProperty("extensions", out var x) ? x.Clone() : null,
    };
}

/// <summary>The server answered with errors (and possibly partial data).</summary>
public sealed class GraphQLClientException : Exception
{
    /// <summary>Creates the exception for a response with errors; the message joins their messages (or gives the HTTP status).</summary>
    public GraphQLClientException(GraphQLResponse response)
        : base(response.Errors.Count > 0 ? string.Join("; ", response.Errors.Select(e => e.Message)) : $"GraphQL request failed with HTTP {(int)response.StatusCode}.") =>
        Response = response;

    /// <summary>Creates the exception with a default message.</summary>
    public GraphQLClientException() { }
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public GraphQLClientException(string message) : base(message) { }
    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public GraphQLClientException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The response that held the errors, if any.</summary>
    public GraphQLResponse? Response { get; }
}

/// <summary>
/// Minimal GraphQL-over-HTTP client: POSTs <c>{query, variables, operationName}</c> and reads data/errors;
/// subscriptions are read as server-sent events (graphql-sse distinct connections).
/// </summary>
public sealed class GraphQLHttpClient(HttpClient http, Uri? endpoint = null)
{
    // Enums as GraphQL spells them (SCREAMING_SNAKE_CASE), the same names the engine gives CLR enum members.
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    private readonly Uri _endpoint = endpoint ?? new Uri("graphql", UriKind.Relative);

    /// <summary>Posts a request and returns the response whatever its errors; throws only when the server does not answer with GraphQL JSON.</summary>
    public async Task<GraphQLResponse> SendAsync(string query, object? variables = null, string? operationName = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(query, variables, operationName, "application/graphql-response+json, application/json;q=0.9");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        if (!media.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw new GraphQLClientException(new GraphQLResponse { StatusCode = response.StatusCode });
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return GraphQLResponse.Parse(response.StatusCode, doc.RootElement);
    }

    /// <summary>Sends the operation and returns <c>data</c> (or <c>data[property]</c>) as <typeparamref name="T"/>; throws on errors.</summary>
    public async Task<T> QueryAsync<T>(string query, object? variables = null, string? property = null, string? operationName = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(query, variables, operationName, cancellationToken).ConfigureAwait(false);
        if (response.HasErrors) throw new GraphQLClientException(response);
        return response.GetData<T>(property) ?? throw new GraphQLClientException(response);
    }

    /// <summary>Runs a subscription over server-sent events; each <c>next</c> event is yielded until <c>complete</c>.</summary>
    public async IAsyncEnumerable<GraphQLResponse> SubscribeAsync(string query, object? variables = null, string? operationName = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(query, variables, operationName, "text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            await using var s = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var d = await JsonDocument.ParseAsync(s, cancellationToken: cancellationToken).ConfigureAwait(false);
            yield return GraphQLResponse.Parse(response.StatusCode, d.RootElement);
            yield break;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? eventName = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            // Buffered lines are returned without looking at the token: check it so cancellation is prompt.
            cancellationToken.ThrowIfCancellationRequested();
            if (line.Length == 0)
            {
                if (eventName == "complete") yield break;
                if (eventName == "next" && data.Length > 0)
                {
                    using var doc = JsonDocument.Parse(data.ToString());
                    yield return GraphQLResponse.Parse(response.StatusCode, doc.RootElement);
                }
                eventName = null;
                data.Clear();
                continue;
            }
            if (line.StartsWith(':')) continue;
            if (line.StartsWith("event:", StringComparison.Ordinal)) eventName = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
        }
    }

    private HttpRequestMessage CreateRequest(string query, object? variables, string? operationName, string accept)
    {
        var payload = new Dictionary<string, object?> { ["query"] = query };
        if (variables is not null) payload["variables"] = variables;
        if (operationName is not null) payload["operationName"] = operationName;
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(payload, JsonOptions), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }
}
