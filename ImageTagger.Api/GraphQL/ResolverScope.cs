using ImageTagger.GraphQL;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Relay;

namespace ImageTagger.Api.GraphQL;

internal static class ResolverScope
{
    /// <summary>
    /// Runs a resolver with services from a scope of its own: fields resolve in parallel, and a DbContext
    /// must never be shared between concurrent operations.
    /// </summary>
    public static async Task<TResult> With<TService, TResult>(this IResolverContext context, Func<TService, CancellationToken, Task<TResult>> resolve)
        where TService : notnull
    {
        await using var scope = context.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return await resolve(scope.ServiceProvider.GetRequiredService<TService>(), context.CancellationToken);
    }

    /// <summary>Accepts a Relay global id of the expected type, or a plain database id.</summary>
    public static long ParseId(string? value, string typeName)
    {
        if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }

        if (GlobalId.TryDecode(value, out var type, out var id) && type == typeName && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new GraphQLException($"'{value}' is not a {typeName} id.");
    }

    public static long? ParseOptionalId(string? value, string typeName) => value is null ? null : ParseId(value, typeName);

    public static IReadOnlyList<long> ParseIds(IEnumerable<string>? values, string typeName) => (values ?? []).Select(v => ParseId(v, typeName)).Distinct().ToList();

    /// <summary>
    /// Whether the query selects <paramref name="field"/> directly under this field (through fragments too), so an
    /// expensive part of a result (a count) is only worked out when asked for.
    /// </summary>
    public static bool Selects(this IResolverContext context, string field)
    {
        bool In(SelectionSetNode? set, int depth) => set is not null && depth < 16 && set.Selections.Any(s => s switch
        {
            FieldNode f => f.Name.Value == field,
            InlineFragmentNode inline => In(inline.SelectionSet, depth + 1),
            FragmentSpreadNode spread => context.Fragments.TryGetValue(spread.Name.Value, out var fragment) && In(fragment.SelectionSet, depth + 1),
            _ => false,
        });

        return context.FieldNodes.Any(node => In(node.SelectionSet, 0));
    }
}
