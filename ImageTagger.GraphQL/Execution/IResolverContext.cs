using ImageTagger.GraphQL.DataLoader;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Everything a resolver can see about the field being resolved and the request.</summary>
public interface IResolverContext
{
    /// <summary>The parent value (the resolved value of the enclosing object, or the root value).</summary>
    object? Source { get; }
    /// <summary>The schema being executed.</summary>
    Schema Schema { get; }
    /// <summary>The object type that owns the field.</summary>
    ObjectType ParentType { get; }
    /// <summary>The field's definition (type, arguments, metadata).</summary>
    FieldDefinition Field { get; }
    /// <summary>All field nodes merged into this response key (first one is <see cref="FieldNode"/>).</summary>
    IReadOnlyList<FieldNode> FieldNodes { get; }
    /// <summary>The first field node of this response key.</summary>
    FieldNode FieldNode => FieldNodes[0];
    /// <summary>Response path of this field (keys and list indices).</summary>
    IReadOnlyList<object> Path { get; }
    /// <summary>Coerced argument values (input objects are dictionaries, enums their internal values).</summary>
    IReadOnlyDictionary<string, object?> Arguments { get; }
    /// <summary>The operation being executed.</summary>
    OperationDefinitionNode Operation { get; }
    /// <summary>The document's fragments by name.</summary>
    IReadOnlyDictionary<string, FragmentDefinitionNode> Fragments { get; }
    /// <summary>The coerced variable values.</summary>
    IReadOnlyDictionary<string, object?> Variables { get; }
    /// <summary>The request's root value.</summary>
    object? RootValue { get; }
    /// <summary>The request's service provider (scoped services of the HTTP request when hosted).</summary>
    IServiceProvider RequestServices { get; }
    /// <summary>Cancelled when the request is aborted or times out.</summary>
    CancellationToken CancellationToken { get; }
    /// <summary>Per-request bag for the host (e.g. the current user).</summary>
    IDictionary<string, object?> ContextData { get; }
    /// <summary>Data loaders scoped to this request.</summary>
    DataLoaderScope DataLoaders { get; }

    /// <summary>Adds an error to the response without failing the field.</summary>
    void ReportError(GraphQLError error);

    /// <summary>The parent value as <typeparamref name="T"/>; throws when it is something else.</summary>
    T Parent<T>() => Source is T t ? t : throw new InvalidOperationException($"Parent value is {Source?.GetType().Name ?? "null"}, not {typeof(T).Name}.");

    /// <summary>Whether the argument was given (explicitly or through a default).</summary>
    bool HasArgument(string name) => Arguments.ContainsKey(name);

    /// <summary>Argument converted to <typeparamref name="T"/> (input objects via System.Text.Json, case-insensitive).</summary>
    T Argument<T>(string name) => Arguments.TryGetValue(name, out var v) ? ArgumentConverter.Convert<T>(v) : default!;

    /// <summary>The argument converted to <typeparamref name="T"/>, or <paramref name="defaultValue"/> when absent or null.</summary>
    T ArgumentOrDefault<T>(string name, T defaultValue) =>
        Arguments.TryGetValue(name, out var v) && v is not null ? ArgumentConverter.Convert<T>(v) : defaultValue;

    /// <summary>A required service from <see cref="RequestServices"/>.</summary>
    T GetRequiredService<T>() where T : notnull => RequestServices.GetRequiredService<T>();

    /// <summary>An optional service from <see cref="RequestServices"/>, or null.</summary>
    T? GetService<T>() => RequestServices.GetService<T>();
}
