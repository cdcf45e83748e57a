using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>Implements the GraphQL-over-HTTP draft, persisted documents, GraphiQL and graphql-sse (distinct connections).</summary>
internal sealed class GraphQLHttpHandler(GraphQLExecutor executor, GraphQLServerOptions options, ILogger<GraphQLHttpHandler> logger)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    private const string Json = "application/json";
    private const string EventStream = "text/event-stream";
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<OperationType> _queryOnly = [OperationType.Query];

    private sealed record GraphQLRequestBody(string? Query, string? OperationName, Dictionary<string, object?>? Variables, Dictionary<string, object?>? Extensions);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method);
        var accept = request.Headers.Accept;

        if (isGet && options.EnableGraphiQL && !request.Query.ContainsKey("query") && AcceptsHtml(accept))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(GraphiQLPage.Render(request.PathBase + request.Path, options.GraphiQLAssetBaseUrl, options.GraphiQLImportMap.AsReadOnly()), context.RequestAborted);
            return;
        }

        var wantsSse = accept.Any(a => a is not null && a.Contains(EventStream, StringComparison.OrdinalIgnoreCase));
        var mediaType = wantsSse ? EventStream : Negotiate(accept);
        if (mediaType is null)
        {
            context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            return;
        }

        GraphQLRequestBody body;
        if (isGet)
        {
            if (request.QueryString.Value?.Length > options.MaxRequestBytes)
            {
                await WriteRequestError(context, mediaType, StatusCodes.Status414UriTooLong, "Query string is too long.");
                return;
            }
            if (!TryReadQueryString(request.Query, out body, out var error))
            {
                await WriteRequestError(context, mediaType, StatusCodes.Status400BadRequest, error);
                return;
            }
        }
        else
        {
            var contentType = request.ContentType ?? "";
            if (!contentType.StartsWith(Json, StringComparison.OrdinalIgnoreCase) && !contentType.StartsWith("application/graphql+json", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return;
            }
            if (request.ContentLength > options.MaxRequestBytes)
            {
                await WriteRequestError(context, mediaType, StatusCodes.Status413PayloadTooLarge, "Request body is too large.");
                return;
            }
            var (parsed, error, status) = await ReadBodyAsync(request, context.RequestAborted);
            if (parsed is null)
            {
                await WriteRequestError(context, mediaType, status, error!);
                return;
            }
            body = parsed;
        }

        // Persisted documents (extensions.persistedQuery.sha256Hash, Apollo APQ shape), trusted documents, size limit.
        var resolved = await PersistedDocumentResolver.ResolveAsync(options, body.Query, body.Extensions, context.RequestAborted);
        if (resolved.Error is not null)
        {
            await WriteResult(context, mediaType, ExecutionResult.FromErrors(ExecutionResultKind.RequestError, [resolved.Error]), resolved.Status);
            return;
        }
        var query = resolved.Query;

        // GET may only run queries (GraphQL-over-HTTP: mutations via GET are 405).
        if (isGet && query is not null)
        {
            var (doc, _, _) = executor.Prepare(query);
            if (doc is not null && GraphQLExecutor.GetOperation(doc, body.OperationName, out _) is { Operation: not OperationType.Query } op
                && !(wantsSse && op.Operation == OperationType.Subscription))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "POST";
                await WriteResult(context, mediaType, ExecutionResult.FromErrors(ExecutionResultKind.RequestError,
                    [new GraphQLError($"Can only perform a {op.Operation.ToString().ToLowerInvariant()} operation from a POST request.")]), statusOverride: StatusCodes.Status405MethodNotAllowed);
                return;
            }
        }

        var executionRequest = new ExecutionRequest
        {
            Query = query,
            OperationName = body.OperationName,
            Variables = body.Variables,
            Extensions = body.Extensions,
            Services = context.RequestServices,
            ContextData = options.ContextFactory?.Invoke(context) ?? new Dictionary<string, object?> { ["User"] = context.User },
            AllowedOperations = isGet && !wantsSse ? _queryOnly : null,
        };

        ExecutionResult result;
        try
        {
            result = await executor.ExecuteAsync(executionRequest, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // client went away
        }

        GraphQLLog.LogResolverErrors(logger, result);
        if (wantsSse && result.Kind != ExecutionResultKind.ParseError)
        {
            await WriteEventStream(context, result);
            return;
        }
        if (result.Stream is not null)
        {
            await WriteRequestError(context, mediaType, StatusCodes.Status406NotAcceptable, "Subscriptions require Accept: text/event-stream.");
            return;
        }
        await WriteResult(context, mediaType, result);
    }

    private static bool AcceptsHtml(StringValues accept) =>
        accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>Picks the response media type from Accept; null means 406.</summary>
    private static string? Negotiate(StringValues accept)
    {
        var values = accept.SelectMany(a => (a ?? "").Split(',')).Select(a => a.Split(';')[0].Trim().ToLowerInvariant()).Where(a => a.Length > 0).ToList();
        if (values.Count == 0) return GraphQLResponseJson;
        foreach (var v in values)
        {
            if (v == GraphQLResponseJson) return GraphQLResponseJson;
            if (v == Json) return Json;
            if (v is "*/*" or "application/*") return GraphQLResponseJson;
        }
        return null;
    }

    private static bool TryReadQueryString(IQueryCollection q, out GraphQLRequestBody body, out string error)
    {
        body = new GraphQLRequestBody(null, null, null, null);
        error = "";
        Dictionary<string, object?>? variables = null, extensions = null;
        try
        {
            if (q.TryGetValue("variables", out var v) && !StringValues.IsNullOrEmpty(v))
                variables = ParseObject(v.ToString(), "variables");
            if (q.TryGetValue("extensions", out var e) && !StringValues.IsNullOrEmpty(e))
                extensions = ParseObject(e.ToString(), "extensions");
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
        var query = q.TryGetValue("query", out var qs) ? qs.ToString() : null;
        var op = q.TryGetValue("operationName", out var o) && !StringValues.IsNullOrEmpty(o) ? o.ToString() : null;
        body = new GraphQLRequestBody(string.IsNullOrEmpty(query) ? null : query, op, variables, extensions);
        return true;
    }

    private static Dictionary<string, object?>? ParseObject(string json, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.Object => ValueHelper.FromJsonObject(doc.RootElement),
                JsonValueKind.Null => null,
                _ => throw new FormatException($"\"{name}\" must be a JSON object."),
            };
        }
        catch (JsonException)
        {
            throw new FormatException($"\"{name}\" is not valid JSON.");
        }
    }

    private async Task<(GraphQLRequestBody? Body, string? Error, int Status)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > options.MaxRequestBytes) return (null, "Request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "The request body must be a JSON object.", StatusCodes.Status400BadRequest);
            string? query = null, op = null;
            Dictionary<string, object?>? variables = null, extensions = null;
            if (root.TryGetProperty("query", out var q) && q.ValueKind != JsonValueKind.Null)
            {
                if (q.ValueKind != JsonValueKind.String) return (null, "\"query\" must be a string.", StatusCodes.Status400BadRequest);
                query = q.GetString();
            }
            if (root.TryGetProperty("operationName", out var o) && o.ValueKind != JsonValueKind.Null)
            {
                if (o.ValueKind != JsonValueKind.String) return (null, "\"operationName\" must be a string.", StatusCodes.Status400BadRequest);
                op = o.GetString();
            }
            if (root.TryGetProperty("variables", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                if (v.ValueKind != JsonValueKind.Object) return (null, "\"variables\" must be an object.", StatusCodes.Status400BadRequest);
                variables = ValueHelper.FromJsonObject(v);
            }
            if (root.TryGetProperty("extensions", out var e) && e.ValueKind != JsonValueKind.Null)
            {
                if (e.ValueKind != JsonValueKind.Object) return (null, "\"extensions\" must be an object.", StatusCodes.Status400BadRequest);
                extensions = ValueHelper.FromJsonObject(e);
            }
            return (new GraphQLRequestBody(query, op, variables, extensions), null, 200);
        }
        catch (JsonException)
        {
            return (null, "The request body is not valid JSON.", StatusCodes.Status400BadRequest);
        }
    }

    private Task WriteRequestError(HttpContext context, string mediaType, int status, string message) =>
        WriteResult(context, mediaType, ExecutionResult.FromErrors(ExecutionResultKind.RequestError, [new GraphQLError(message)]), status);

    private async Task WriteResult(HttpContext context, string mediaType, ExecutionResult result, int? statusOverride = null)
    {
        var response = context.Response;
        if (mediaType == EventStream) mediaType = GraphQLResponseJson;
        response.ContentType = mediaType + "; charset=utf-8";
        // application/json (legacy): 200 for anything that is a well-formed GraphQL request; graphql-response+json: 4xx without data.
        response.StatusCode = statusOverride
            ?? (mediaType == Json || result.HasData ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        await using var writer = new Utf8JsonWriter(response.Body, _writerOptions);
        result.WriteTo(writer, options.Execution.IncludeExceptionDetails);
        await writer.FlushAsync(context.RequestAborted);
    }

    // graphql-sse "distinct connections" mode: one stream per operation, `next` events then `complete`.
    private async Task WriteEventStream(HttpContext context, ExecutionResult result)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStream + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(context.RequestAborted);
        var ct = context.RequestAborted;
        try
        {
            if (result.Stream is null)
            {
                await WriteEvent(response, "next", result, ct);
            }
            else
            {
                await using var enumerator = result.Stream.GetAsyncEnumerator(ct);
                var move = enumerator.MoveNextAsync().AsTask();
                while (true)
                {
                    var finished = await Task.WhenAny(move, Task.Delay(options.SseKeepAlive, ct));
                    if (finished != move)
                    {
                        await response.WriteAsync(":\n\n", ct); // keep-alive comment
                        await response.Body.FlushAsync(ct);
                        continue;
                    }
                    if (!await move) break;
                    await WriteEvent(response, "next", enumerator.Current, ct);
                    move = enumerator.MoveNextAsync().AsTask();
                }
            }
            await response.WriteAsync("event: complete\ndata:\n\n", ct);
            await response.Body.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client closed the stream: that is how subscriptions end in distinct connections mode.
        }
    }

    private async Task WriteEvent(HttpResponse response, string eventName, ExecutionResult result, CancellationToken ct)
    {
        var json = result.ToJson(false, options.Execution.IncludeExceptionDetails);
        await response.WriteAsync($"event: {eventName}\ndata: {json}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
