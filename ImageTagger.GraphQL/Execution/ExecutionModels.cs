using System.Text;
using System.Text.Json;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Execution;

/// <summary>One GraphQL request: a document (text or parsed), optional operation name, variables and extensions.</summary>
public sealed class ExecutionRequest
{
    /// <summary>The document text; parsed (and cached) by the executor. Either this or <see cref="Document"/>.</summary>
    public string? Query { get; init; }
    /// <summary>A pre-parsed document; takes precedence over <see cref="Query"/>.</summary>
    public DocumentNode? Document { get; init; }
    /// <summary>The operation to run when the document holds several.</summary>
    public string? OperationName { get; init; }
    /// <summary>Raw variable values (JSON-like CLR values; see <see cref="ValueHelper.FromJson"/>).</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
    /// <summary>The request's <c>extensions</c> (e.g. a persisted query hash), visible to middleware through the context.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }
    /// <summary>The value the root fields resolve against.</summary>
    public object? RootValue { get; init; }
    /// <summary>Services for resolvers (<see cref="IResolverContext.RequestServices"/>); usually the request's scope.</summary>
    public IServiceProvider? Services { get; init; }
    /// <summary>A per-request bag for the host, e.g. the current user (<see cref="IResolverContext.ContextData"/>).</summary>
    public IDictionary<string, object?>? ContextData { get; init; }
    /// <summary>Operation types allowed (e.g. GET requests allow only queries).</summary>
    public IReadOnlySet<OperationType>? AllowedOperations { get; init; }
}

/// <summary>Engine settings, including the protective limits.</summary>
public sealed class ExecutionOptions
{
    /// <summary>Whether <c>__schema</c> and <c>__type</c> may be queried.</summary>
    public bool EnableIntrospection { get; set; } = true;
    /// <summary>Cancels execution after this time (null: no limit).</summary>
    public TimeSpan? Timeout { get; set; }
    /// <summary>Maximum selection depth (null: unlimited).</summary>
    public int? MaxDepth { get; set; }
    /// <summary>Maximum number of aliased fields in one document.</summary>
    public int? MaxAliases { get; set; }
    /// <summary>Maximum number of field selections in one document (after fragment expansion).</summary>
    public int? MaxFields { get; set; }
    /// <summary>Maximum complexity cost (field costs multiplied by <c>first</c>/<c>last</c> for lists).</summary>
    public int? MaxComplexity { get; set; }
    /// <summary>List size assumed by the complexity analysis when no first/last argument is given.</summary>
    public int DefaultListSize { get; set; } = 10;
    /// <summary>Maximum number of lexical tokens in a document.</summary>
    public int MaxTokens { get; set; } = 15_000;
    /// <summary>Maximum number of validation errors reported.</summary>
    public int MaxValidationErrors { get; set; } = 100;
    /// <summary>Show messages of arbitrary exceptions thrown by resolvers (otherwise a generic message).</summary>
    public bool ExposeExceptionMessages { get; set; }
    /// <summary>Add exception type and stack trace to error extensions (only for development).</summary>
    public bool IncludeExceptionDetails { get; set; }
    /// <summary>
    /// Field middleware, outermost first: each gets the context and the next step (e.g. authorization by
    /// <see cref="Types.FieldDefinition.Metadata"/>, tracing). Applies to every field, including default-resolved ones.
    /// </summary>
    public IList<FieldMiddleware> FieldMiddleware { get; } = [];
    /// <summary>Extra validation rules run after the specified ones.</summary>
    public IList<IValidationRule> AdditionalRules { get; } = [];
    /// <summary>Number of parsed+validated documents kept in memory, keyed by query text.</summary>
    public int DocumentCacheSize { get; set; } = 500;
}

/// <summary>Wraps field resolution; call <paramref name="next"/> to continue (or not, to short-circuit).</summary>
public delegate ValueTask<object?> FieldMiddleware(IResolverContext context, Types.FieldResolver next);

/// <summary>How far a request got; the HTTP transport maps it to a status code.</summary>
public enum ExecutionResultKind
{
    /// <summary>The operation was executed (its result may still hold field errors).</summary>
    Success,
    /// <summary>The request was refused before parsing (e.g. no operation, a bad variable, a disallowed operation type).</summary>
    RequestError,
    /// <summary>The document did not pass validation.</summary>
    ValidationError,
    /// <summary>The document is not syntactically valid GraphQL.</summary>
    ParseError,
}

/// <summary>The result of executing a request: data, errors and extensions, or a stream for subscriptions.</summary>
public sealed class ExecutionResult
{
    /// <summary>How far the request got (executed, or refused at the request, validation or parse stage).</summary>
    public ExecutionResultKind Kind { get; init; }
    /// <summary>True if execution started (then <c>data</c> is always written, possibly null).</summary>
    public bool HasData { get; init; }
    /// <summary>The <c>data</c> entry: the root selection's results in response-key order, or null.</summary>
    public ResultMap? Data { get; init; }
    /// <summary>The <c>errors</c> entry, in the order they were raised.</summary>
    public IReadOnlyList<GraphQLError> Errors { get; init; } = [];
    /// <summary>The <c>extensions</c> entry, if any.</summary>
    public IDictionary<string, object?>? Extensions { get; init; }
    /// <summary>For subscriptions: one result per source event.</summary>
    public IAsyncEnumerable<ExecutionResult>? Stream { get; init; }
    /// <summary>The operation that was executed (if it was determined).</summary>
    public OperationDefinitionNode? Operation { get; init; }

    /// <summary>A result that holds only errors, for requests refused before execution.</summary>
    public static ExecutionResult FromErrors(ExecutionResultKind kind, IReadOnlyList<GraphQLError> errors) => new() { Kind = kind, Errors = errors };

    /// <summary>Writes the result as a GraphQL response object; exception details only when <paramref name="includeExceptionDetails"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer, bool includeExceptionDetails = false)
    {
        writer.WriteStartObject();
        if (Errors.Count > 0)
        {
            writer.WritePropertyName("errors");
            writer.WriteStartArray();
            foreach (var e in Errors) e.WriteTo(writer, includeExceptionDetails);
            writer.WriteEndArray();
        }
        if (HasData)
        {
            writer.WritePropertyName("data");
            ResultWriter.WriteValue(writer, Data);
        }
        if (Extensions is { Count: > 0 })
        {
            writer.WritePropertyName("extensions");
            ResultWriter.WriteValue(writer, Extensions);
        }
        writer.WriteEndObject();
    }

    /// <summary>The result as a GraphQL response JSON string.</summary>
    public string ToJson(bool indented = false, bool includeExceptionDetails = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(w, includeExceptionDetails);
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The result as a detached <see cref="JsonElement"/>.</summary>
    public JsonElement ToJsonElement() => JsonDocument.Parse(ToJson()).RootElement.Clone();
}

/// <summary>An ordered response object (keys in selection order), filled concurrently by slot.</summary>
public sealed class ResultMap
{
    private readonly string[] _keys;
    private readonly object?[] _values;
    private readonly bool _keysGiven;
    private int _count;

    /// <summary>An empty map for up to <paramref name="capacity"/> response keys.</summary>
    public ResultMap(int capacity)
    {
        _keys = new string[capacity];
        _values = new object?[capacity];
    }

    /// <summary>A map whose keys are known in advance and shared (every object completed from the same selection): it stores only values.</summary>
    internal ResultMap(string[] keys)
    {
        _keys = keys;
        _values = new object?[keys.Length];
        _keysGiven = true;
    }

    /// <summary>The number of response keys.</summary>
    public int Count => _count;

    internal int Add(string key, object? value)
    {
        // Shared keys are never written: the executor adds exactly those keys, in that order.
        if (!_keysGiven) _keys[_count] = key;
        _values[_count] = value;
        return _count++;
    }

    internal void Set(int index, object? value) => _values[index] = value;

    internal string KeyAt(int index) => _keys[index];

    internal object? ValueAt(int index) => _values[index];

    /// <summary>The value of a response key, or null when absent.</summary>
    public object? this[string key]
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                if (_keys[i] == key) return _values[i];
            }
            throw new KeyNotFoundException(key);
        }
    }

    /// <summary>The response keys and values in selection order.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Entries
    {
        get
        {
            for (var i = 0; i < _count; i++) yield return new(_keys[i], _values[i]);
        }
    }
}

/// <summary>Writes execution values (result maps, lists, primitives) as JSON.</summary>
internal static class ResultWriter
{
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case float f: writer.WriteNumberValue(f); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case short sh: writer.WriteNumberValue(sh); break;
            case JsonElement je: je.WriteTo(writer); break;
            case ResultMap map:
                // Indexed, not through Entries: an iterator per object adds up over a large result.
                writer.WriteStartObject();
                for (var i = 0; i < map.Count; i++)
                {
                    writer.WritePropertyName(map.KeyAt(i));
                    WriteValue(writer, map.ValueAt(i));
                }
                writer.WriteEndObject();
                break;
            case List<object?> items:
                writer.WriteStartArray();
                foreach (var item in items) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                writer.WriteStartObject();
                foreach (var (k, v) in dict)
                {
                    writer.WritePropertyName(k);
                    WriteValue(writer, v);
                }
                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType());
                break;
        }
    }
}
