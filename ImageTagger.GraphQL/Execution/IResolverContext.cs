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
    Schema Schema { get; }
    ObjectType ParentType { get; }
    FieldDefinition Field { get; }
    /// <summary>All field nodes merged into this response key (first one is <see cref="FieldNode"/>).</summary>
    IReadOnlyList<FieldNode> FieldNodes { get; }
    FieldNode FieldNode => FieldNodes[0];
    /// <summary>Response path of this field (keys and list indices).</summary>
    IReadOnlyList<object> Path { get; }
    /// <summary>Coerced argument values (input objects are dictionaries, enums their internal values).</summary>
    IReadOnlyDictionary<string, object?> Arguments { get; }
    OperationDefinitionNode Operation { get; }
    IReadOnlyDictionary<string, FragmentDefinitionNode> Fragments { get; }
    IReadOnlyDictionary<string, object?> Variables { get; }
    object? RootValue { get; }
    /// <summary>The request's service provider (scoped services of the HTTP request when hosted).</summary>
    IServiceProvider RequestServices { get; }
    CancellationToken CancellationToken { get; }
    /// <summary>Per-request bag for the host (e.g. the current user).</summary>
    IDictionary<string, object?> ContextData { get; }
    /// <summary>Data loaders scoped to this request.</summary>
    DataLoaderScope DataLoaders { get; }

    /// <summary>Adds an error to the response without failing the field.</summary>
    void ReportError(GraphQLError error);

    T Parent<T>() => Source is T t ? t : throw new InvalidOperationException($"Parent value is {Source?.GetType().Name ?? "null"}, not {typeof(T).Name}.");

    bool HasArgument(string name) => Arguments.ContainsKey(name);

    /// <summary>Argument converted to <typeparamref name="T"/> (input objects via System.Text.Json, case-insensitive).</summary>
    T Argument<T>(string name) => Arguments.TryGetValue(name, out var v) ? ArgumentConverter.Convert<T>(v) : default!;

    T ArgumentOrDefault<T>(string name, T defaultValue) =>
        Arguments.TryGetValue(name, out var v) && v is not null ? ArgumentConverter.Convert<T>(v) : defaultValue;

    T GetRequiredService<T>() where T : notnull => RequestServices.GetRequiredService<T>();

    T? GetService<T>() => RequestServices.GetService<T>();
}
