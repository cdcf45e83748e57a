using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Validation;

/// <summary>
/// Spec 5.3.2 "Field Selection Merging": a port of graphql-js's algorithm, including its memoisation of
/// compared fragment pairs so that large documents stay polynomial.
/// </summary>
internal sealed class OverlappingFieldsCanBeMergedRule : IValidationRule
{
    public static readonly OverlappingFieldsCanBeMergedRule Instance = new();

    public string Name => "OverlappingFieldsCanBeMerged";

    public ValidationVisitor CreateVisitor(ValidationContext context)
    {
        // The visitor is reused for the next document (see DocumentValidator): entering a document empties the state,
        // whose field maps and lists go back to its pools.
        var state = new State(context);
        var conflicts = new List<Conflict>();
        return new ValidationVisitor
        {
            Enter = node =>
            {
                if (node is DocumentNode) state.Reset();
                if (node is not SelectionSetNode ss) return;
                conflicts.Clear();
                state.FindConflictsWithinSelectionSet(conflicts, context.ParentType, ss);
                foreach (var c in conflicts)
                {
                    context.ReportError(
                        $"Fields \"{c.ResponseName}\" conflict because {ReasonMessage(c.Reason)}. Use different aliases on the fields to fetch both if this was intentional.",
                        [.. c.Fields1, .. c.Fields2]);
                }
                conflicts.Clear();
            },
            // Also on leaving, so the maps do not hold on to this document until the thread validates the next one.
            Leave = node =>
            {
                if (node is DocumentNode) state.Reset();
            },
        };
    }

    private static string ReasonMessage(object reason) => reason is List<(string Name, object Reason)> list
        ? string.Join(" and ", list.Select(r => $"subfields \"{r.Name}\" conflict because {ReasonMessage(r.Reason)}"))
        : (string)reason;

    private sealed record Conflict(string ResponseName, object Reason, List<FieldNode> Fields1, List<FieldNode> Fields2);

    private readonly record struct FieldAndDef(NamedType? ParentType, FieldNode Node, FieldDefinition? Definition);

    private sealed class FieldMap
    {
        public List<KeyValuePair<string, List<FieldAndDef>>> Entries { get; } = [];
        private readonly Dictionary<string, List<FieldAndDef>> _index = new(StringComparer.Ordinal);

        public void Add(string key, FieldAndDef f, Stack<List<FieldAndDef>> pool)
        {
            if (!_index.TryGetValue(key, out var list))
            {
                _index[key] = list = pool.TryPop(out var pooled) ? pooled : [];
                Entries.Add(new(key, list));
            }
            list.Add(f);
        }

        public void Clear(Stack<List<FieldAndDef>> pool)
        {
            foreach (var (_, list) in Entries)
            {
                list.Clear();
                pool.Push(list);
            }
            Entries.Clear();
            _index.Clear();
        }

        public List<FieldAndDef>? Get(string key) => _index.GetValueOrDefault(key);
    }

    private sealed class State(ValidationContext context)
    {
        private readonly Dictionary<SelectionSetNode, (FieldMap Map, List<string> Fragments)> _cache = [];
        private readonly Dictionary<(FieldMap, string), bool> _comparedFieldsAndFragments = [];
        private readonly Dictionary<(string, string), bool> _comparedFragments = [];
        private readonly Stack<FieldMap> _freeMaps = new();
        private readonly Stack<List<string>> _freeNameLists = new();
        private readonly Stack<List<FieldAndDef>> _freeFieldLists = new();

        public void Reset()
        {
            foreach (var (map, names) in _cache.Values)
            {
                map.Clear(_freeFieldLists);
                _freeMaps.Push(map);
                names.Clear();
                _freeNameLists.Push(names);
            }
            _cache.Clear();
            _comparedFieldsAndFragments.Clear();
            _comparedFragments.Clear();
        }

        private static bool Has<TKey>(Dictionary<TKey, bool> set, TKey key, bool mutuallyExclusive) where TKey : notnull =>
            set.TryGetValue(key, out var stored) && (mutuallyExclusive || stored == mutuallyExclusive);

        private bool FragmentPairCompared(string a, string b, bool exclusive) =>
            Has(_comparedFragments, string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a), exclusive);

        private void AddFragmentPair(string a, string b, bool exclusive) =>
            _comparedFragments[string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a)] = exclusive;

        public void FindConflictsWithinSelectionSet(List<Conflict> conflicts, NamedType? parentType, SelectionSetNode selectionSet)
        {
            var (fieldMap, fragmentNames) = GetFieldsAndFragmentNames(parentType, selectionSet);
            CollectConflictsWithin(conflicts, fieldMap);
            for (var i = 0; i < fragmentNames.Count; i++)
            {
                CollectConflictsBetweenFieldsAndFragment(conflicts, false, fieldMap, fragmentNames[i]);
                for (var j = i + 1; j < fragmentNames.Count; j++)
                    CollectConflictsBetweenFragments(conflicts, false, fragmentNames[i], fragmentNames[j]);
            }
        }

        private void CollectConflictsBetweenFieldsAndFragment(List<Conflict> conflicts, bool exclusive, FieldMap fieldMap, string fragmentName)
        {
            if (Has(_comparedFieldsAndFragments, (fieldMap, fragmentName), exclusive)) return;
            _comparedFieldsAndFragments[(fieldMap, fragmentName)] = exclusive;
            var fragment = context.GetFragment(fragmentName);
            if (fragment is null) return;
            var (fieldMap2, referenced) = GetReferencedFieldsAndFragmentNames(fragment);
            if (ReferenceEquals(fieldMap, fieldMap2)) return;
            CollectConflictsBetween(conflicts, exclusive, fieldMap, fieldMap2);
            foreach (var r in referenced) CollectConflictsBetweenFieldsAndFragment(conflicts, exclusive, fieldMap, r);
        }

        private void CollectConflictsBetweenFragments(List<Conflict> conflicts, bool exclusive, string name1, string name2)
        {
            if (name1 == name2) return;
            if (FragmentPairCompared(name1, name2, exclusive)) return;
            AddFragmentPair(name1, name2, exclusive);
            var f1 = context.GetFragment(name1);
            var f2 = context.GetFragment(name2);
            if (f1 is null || f2 is null) return;
            var (map1, refs1) = GetReferencedFieldsAndFragmentNames(f1);
            var (map2, refs2) = GetReferencedFieldsAndFragmentNames(f2);
            CollectConflictsBetween(conflicts, exclusive, map1, map2);
            foreach (var r2 in refs2) CollectConflictsBetweenFragments(conflicts, exclusive, name1, r2);
            foreach (var r1 in refs1) CollectConflictsBetweenFragments(conflicts, exclusive, r1, name2);
        }

        private List<Conflict> FindConflictsBetweenSubSelectionSets(bool exclusive, NamedType? parentType1, SelectionSetNode ss1, NamedType? parentType2, SelectionSetNode ss2)
        {
            var conflicts = new List<Conflict>();
            var (map1, frags1) = GetFieldsAndFragmentNames(parentType1, ss1);
            var (map2, frags2) = GetFieldsAndFragmentNames(parentType2, ss2);
            CollectConflictsBetween(conflicts, exclusive, map1, map2);
            foreach (var f2 in frags2) CollectConflictsBetweenFieldsAndFragment(conflicts, exclusive, map1, f2);
            foreach (var f1 in frags1) CollectConflictsBetweenFieldsAndFragment(conflicts, exclusive, map2, f1);
            foreach (var f1 in frags1)
            {
                foreach (var f2 in frags2) CollectConflictsBetweenFragments(conflicts, exclusive, f1, f2);
            }
            return conflicts;
        }

        private void CollectConflictsWithin(List<Conflict> conflicts, FieldMap fieldMap)
        {
            foreach (var (responseName, fields) in fieldMap.Entries)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    for (var j = i + 1; j < fields.Count; j++)
                    {
                        if (FindConflict(false, responseName, fields[i], fields[j]) is { } c) conflicts.Add(c);
                    }
                }
            }
        }

        private void CollectConflictsBetween(List<Conflict> conflicts, bool exclusive, FieldMap map1, FieldMap map2)
        {
            foreach (var (responseName, fields1) in map1.Entries)
            {
                var fields2 = map2.Get(responseName);
                if (fields2 is null) continue;
                foreach (var f1 in fields1)
                {
                    foreach (var f2 in fields2)
                    {
                        if (FindConflict(exclusive, responseName, f1, f2) is { } c) conflicts.Add(c);
                    }
                }
            }
        }

        private Conflict? FindConflict(bool parentFieldsAreMutuallyExclusive, string responseName, FieldAndDef field1, FieldAndDef field2)
        {
            var (parentType1, node1, def1) = field1;
            var (parentType2, node2, def2) = field2;
            var exclusive = parentFieldsAreMutuallyExclusive ||
                (!ReferenceEquals(parentType1, parentType2) && parentType1 is ObjectType && parentType2 is ObjectType);
            if (!exclusive)
            {
                if (node1.Name.Value != node2.Name.Value)
                    return new Conflict(responseName, $"\"{node1.Name.Value}\" and \"{node2.Name.Value}\" are different fields", [node1], [node2]);
                if (!SameArguments(node1, node2))
                    return new Conflict(responseName, "they have differing arguments", [node1], [node2]);
            }
            var type1 = def1?.Type;
            var type2 = def2?.Type;
            if (type1 is not null && type2 is not null && DoTypesConflict(type1, type2))
                return new Conflict(responseName, $"they return conflicting types \"{type1}\" and \"{type2}\"", [node1], [node2]);
            if (node1.SelectionSet is { } ss1 && node2.SelectionSet is { } ss2)
            {
                var sub = FindConflictsBetweenSubSelectionSets(exclusive, type1?.Named, ss1, type2?.Named, ss2);
                if (sub.Count > 0)
                {
                    return new Conflict(responseName,
                        sub.Select(c => (c.ResponseName, c.Reason)).ToList(),
                        [node1, .. sub.SelectMany(c => c.Fields1)],
                        [node2, .. sub.SelectMany(c => c.Fields2)]);
                }
            }
            return null;
        }

        private static bool SameArguments(FieldNode a, FieldNode b)
        {
            if (a.Arguments.Count == 0) return b.Arguments.Count == 0;
            if (b.Arguments.Count == 0 || a.Arguments.Count != b.Arguments.Count) return false;
            foreach (var arg1 in a.Arguments)
            {
                var arg2 = b.Arguments.FirstOrDefault(x => x.Name.Value == arg1.Name.Value);
                if (arg2 is null || StringifyValue(arg1.Value) != StringifyValue(arg2.Value)) return false;
            }
            return true;
        }

        private static string StringifyValue(ValueNode value) => Printer.Print(Sort(value));

        private static ValueNode Sort(ValueNode value) => value switch
        {
            ObjectValueNode o => new ObjectValueNode(o.Fields.OrderBy(f => f.Name.Value, StringComparer.Ordinal)
                .Select(f => new ObjectFieldNode(f.Name, Sort(f.Value))).ToList()),
            ListValueNode l => new ListValueNode(l.Values.Select(Sort).ToList()),
            _ => value,
        };

        private static bool DoTypesConflict(GraphQLType t1, GraphQLType t2)
        {
            if (t1 is ListType l1) return t2 is not ListType l2 || DoTypesConflict(l1.OfType, l2.OfType);
            if (t2 is ListType) return true;
            if (t1 is NonNullType n1) return t2 is not NonNullType n2 || DoTypesConflict(n1.OfType, n2.OfType);
            if (t2 is NonNullType) return true;
            if (t1.IsLeafType || t2.IsLeafType) return !ReferenceEquals(t1, t2);
            return false;
        }

        private (FieldMap Map, List<string> Fragments) GetFieldsAndFragmentNames(NamedType? parentType, SelectionSetNode selectionSet)
        {
            if (_cache.TryGetValue(selectionSet, out var cached)) return cached;
            var map = _freeMaps.TryPop(out var freeMap) ? freeMap : new FieldMap();
            var fragments = _freeNameLists.TryPop(out var freeNames) ? freeNames : [];
            Collect(parentType, selectionSet, map, fragments);
            var result = (map, fragments);
            _cache[selectionSet] = result;
            return result;
        }

        private (FieldMap Map, List<string> Fragments) GetReferencedFieldsAndFragmentNames(FragmentDefinitionNode fragment)
        {
            if (_cache.TryGetValue(fragment.SelectionSet, out var cached)) return cached;
            return GetFieldsAndFragmentNames(context.Schema.GetType(fragment.TypeCondition.Name.Value), fragment.SelectionSet);
        }

        private void Collect(NamedType? parentType, SelectionSetNode selectionSet, FieldMap map, List<string> fragments)
        {
            var selections = selectionSet.Selections;
            for (var i = 0; i < selections.Count; i++)
            {
                switch (selections[i])
                {
                    case FieldNode f:
                        var def = parentType is ComplexType ct ? ct.GetField(f.Name.Value) : null;
                        map.Add(f.ResponseKey, new FieldAndDef(parentType, f, def), _freeFieldLists);
                        break;
                    case FragmentSpreadNode fs:
                        if (!fragments.Contains(fs.Name.Value)) fragments.Add(fs.Name.Value);
                        break;
                    case InlineFragmentNode inf:
                        var t = inf.TypeCondition is not null ? context.Schema.GetType(inf.TypeCondition.Name.Value) : parentType;
                        Collect(t, inf.SelectionSet, map, fragments);
                        break;
                }
            }
        }
    }
}
