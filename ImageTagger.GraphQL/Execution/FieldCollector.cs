using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Ordered map response key → field nodes (spec CollectFields result).</summary>
internal sealed class FieldGroups
{
    // Most selections have a handful of keys: searched in order until there are enough to be worth an index.
    private const int IndexFrom = 8;
    private Dictionary<string, int>? _index;

    public List<KeyValuePair<string, List<FieldNode>>> Groups { get; } = [];
    public int Count => Groups.Count;

    /// <summary>The response keys in order, shared by every result map completed from these groups.</summary>
    public string[] Keys { get; private set; } = [];

    public void Seal()
    {
        var keys = new string[Groups.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = Groups[i].Key;
        Keys = keys;
    }

    public void Add(string key, FieldNode node)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            Groups[i].Value.Add(node);
            return;
        }
        if (_index is not null) _index[key] = Groups.Count;
        Groups.Add(new(key, [node]));
        if (_index is null && Groups.Count == IndexFrom)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < Groups.Count; k++) _index[Groups[k].Key] = k;
        }
    }

    private int IndexOf(string key)
    {
        if (_index is not null) return _index.TryGetValue(key, out var i) ? i : -1;
        for (var k = 0; k < Groups.Count; k++)
        {
            if (string.Equals(Groups[k].Key, key, StringComparison.Ordinal)) return k;
        }
        return -1;
    }
}

/// <summary>Spec 6.3.2 CollectFields, with @skip/@include and fragment type conditions.</summary>
internal static class FieldCollector
{
    public static FieldGroups CollectFields(Schema schema, ObjectType type, SelectionSetNode selectionSet,
        IReadOnlyDictionary<string, object?> variables, IReadOnlyDictionary<string, FragmentDefinitionNode> fragments)
    {
        var groups = new FieldGroups();
        Collect(schema, type, selectionSet, variables, fragments, groups, null);
        groups.Seal();
        return groups;
    }

    /// <summary>Merges the sub-selections of all nodes of one field (for completing object values).</summary>
    public static FieldGroups CollectSubfields(Schema schema, ObjectType type, List<FieldNode> nodes,
        IReadOnlyDictionary<string, object?> variables, IReadOnlyDictionary<string, FragmentDefinitionNode> fragments)
    {
        var groups = new FieldGroups();
        HashSet<string>? visited = null;
        foreach (var node in nodes)
        {
            if (node.SelectionSet is not null) Collect(schema, type, node.SelectionSet, variables, fragments, groups, visited ??= []);
        }
        groups.Seal();
        return groups;
    }

    private static void Collect(Schema schema, ObjectType type, SelectionSetNode selectionSet, IReadOnlyDictionary<string, object?> variables,
        IReadOnlyDictionary<string, FragmentDefinitionNode> fragments, FieldGroups groups, HashSet<string>? visited)
    {
        var selections = selectionSet.Selections;
        for (var i = 0; i < selections.Count; i++)
        {
            var selection = selections[i];
            if (selection.Directives.Count > 0 && !ShouldInclude(selection.Directives, variables)) continue;
            switch (selection)
            {
                case FieldNode f:
                    groups.Add(f.ResponseKey, f);
                    break;
                case InlineFragmentNode inf:
                    if (!DoesConditionMatch(schema, inf.TypeCondition, type)) continue;
                    Collect(schema, type, inf.SelectionSet, variables, fragments, groups, visited);
                    break;
                case FragmentSpreadNode fs:
                    var name = fs.Name.Value;
                    visited ??= [];
                    if (!visited.Add(name)) continue;
                    if (!fragments.TryGetValue(name, out var fragment) || !DoesConditionMatch(schema, fragment.TypeCondition, type)) continue;
                    Collect(schema, type, fragment.SelectionSet, variables, fragments, groups, visited);
                    break;
            }
        }
    }

    private static bool DoesConditionMatch(Schema schema, NamedTypeNode? condition, ObjectType type)
    {
        if (condition is null) return true;
        var conditionalType = schema.GetType(condition.Name.Value);
        if (ReferenceEquals(conditionalType, type)) return true;
        return conditionalType is InterfaceType or UnionType && schema.IsSubType(conditionalType, type);
    }

    public static bool ShouldInclude(IReadOnlyList<DirectiveNode> directives, IReadOnlyDictionary<string, object?> variables)
    {
        foreach (var d in directives)
        {
            var name = d.Name.Value;
            if (name is not ("skip" or "include")) continue;
            var def = name == "skip" ? BuiltInDirectives.Skip : BuiltInDirectives.Include;
            var args = ValueCoercion.GetArgumentValues(def.Arguments, d.Arguments, d, variables);
            var value = args.GetValueOrDefault("if") is true;
            if (name == "skip" && value) return false;
            if (name == "include" && !value) return false;
        }
        return true;
    }
}
