using System.Text.Json;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL;

/// <summary>A line/column pair as reported in the <c>locations</c> of an error.</summary>
public readonly record struct SourceLocation(int Line, int Column);

/// <summary>An error as it appears in a GraphQL response (spec 7.1.2).</summary>
public sealed class GraphQLError
{
    /// <summary>Creates an error located at the given syntax nodes.</summary>
    public GraphQLError(string message, IEnumerable<SyntaxNode?>? nodes = null, IReadOnlyList<object>? path = null,
        IReadOnlyDictionary<string, object?>? extensions = null, Exception? originalException = null)
    {
        Message = message;
        Locations = nodes?.Where(n => n?.Location is not null)
            .Select(n => new SourceLocation(n!.Location!.Value.Line, n.Location.Value.Column)).ToArray() ?? [];
        Path = path;
        Extensions = extensions;
        OriginalException = originalException;
    }

    /// <summary>Creates an error with explicit source locations.</summary>
    public GraphQLError(string message, IReadOnlyList<SourceLocation> locations, IReadOnlyList<object>? path = null,
        IReadOnlyDictionary<string, object?>? extensions = null, Exception? originalException = null)
    {
        Message = message;
        Locations = locations;
        Path = path;
        Extensions = extensions;
        OriginalException = originalException;
    }

    /// <summary>The human-readable message.</summary>
    public string Message { get; }
    /// <summary>Where in the document the error applies (may be empty).</summary>
    public IReadOnlyList<SourceLocation> Locations { get; }
    /// <summary>Response path: strings for field keys, ints for list indices.</summary>
    public IReadOnlyList<object>? Path { get; }
    /// <summary>Additional entries such as a machine-readable <c>code</c>.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; }
    /// <summary>The exception a resolver threw; never serialized unless the host asks for details.</summary>
    public Exception? OriginalException { get; }

    /// <summary>A copy of this error with <paramref name="path"/> as its response path.</summary>
    public GraphQLError WithPath(IReadOnlyList<object> path) => new(Message, Locations, path, Extensions, OriginalException);

    /// <summary>Writes the error as JSON; the original exception's type and message only when <paramref name="includeExceptionDetails"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer, bool includeExceptionDetails = false)
    {
        writer.WriteStartObject();
        writer.WriteString("message", Message);
        if (Locations.Count > 0)
        {
            writer.WritePropertyName("locations");
            writer.WriteStartArray();
            foreach (var l in Locations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", l.Line);
                writer.WriteNumber("column", l.Column);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (Path is not null)
        {
            writer.WritePropertyName("path");
            writer.WriteStartArray();
            foreach (var p in Path)
            {
                if (p is int i) writer.WriteNumberValue(i);
                else writer.WriteStringValue(p.ToString());
            }
            writer.WriteEndArray();
        }
        var details = includeExceptionDetails && OriginalException is not null;
        if (Extensions is { Count: > 0 } || details)
        {
            writer.WritePropertyName("extensions");
            writer.WriteStartObject();
            if (Extensions is not null)
            {
                foreach (var (k, v) in Extensions)
                {
                    writer.WritePropertyName(k);
                    Execution.ResultWriter.WriteValue(writer, v);
                }
            }
            if (details)
            {
                writer.WriteString("exception", OriginalException!.ToString());
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>Throw from a resolver to produce a GraphQL error with a chosen message and extensions (e.g. a code).</summary>
public class GraphQLException : Exception
{
    /// <summary>Creates an error with <paramref name="message"/>.</summary>
    public GraphQLException(string message) : base(message) { }
    /// <summary>Creates an error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public GraphQLException(string message, Exception inner) : base(message, inner) { }
    /// <summary>Creates an error with a default message.</summary>
    public GraphQLException() { }

    /// <summary>Creates an error with <paramref name="message"/> and <paramref name="extensions"/> (e.g. a <c>code</c>).</summary>
    public GraphQLException(string message, IReadOnlyDictionary<string, object?>? extensions, Exception? inner = null)
        : base(message, inner) => Extensions = extensions;

    /// <summary>Wraps already-formed errors; the message is the first error's.</summary>
    public GraphQLException(IReadOnlyList<GraphQLError> errors)
        : base(errors.Count > 0 ? errors[0].Message : "GraphQL error") => Errors = errors;

    /// <summary>Extensions to add to the error in the response.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; }
    /// <summary>Already-formed errors (syntax errors, coercion errors).</summary>
    public IReadOnlyList<GraphQLError>? Errors { get; }
}

/// <summary>Raised by the lexer/parser; message follows graphql-js (<c>Syntax Error: ...</c>).</summary>
public sealed class GraphQLSyntaxException(string message, SourceLocation location)
    : GraphQLException([new GraphQLError(message, [location])])
{
    /// <summary>Where the syntax error was found.</summary>
    public SourceLocation SourceLocation { get; } = location;
}
