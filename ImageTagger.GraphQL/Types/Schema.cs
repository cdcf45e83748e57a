using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>An immutable, validated schema. Create with <see cref="SchemaBuilder"/>.</summary>
public sealed class Schema
{
    private readonly Dictionary<string, NamedType> _types;
    private readonly Dictionary<string, DirectiveDefinition> _directives;
    private readonly Dictionary<NamedType, List<ObjectType>> _possibleTypes = [];
    private readonly Dictionary<InterfaceType, HashSet<NamedType>> _subTypes = [];
    private readonly Dictionary<Type, ObjectType> _clrTypeMap = [];

    internal Schema(ObjectType query, ObjectType? mutation, ObjectType? subscription, IEnumerable<NamedType> types,
        IEnumerable<DirectiveDefinition> directives, string? description)
    {
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        Description = description;
        _types = new Dictionary<string, NamedType>(StringComparer.Ordinal);
        foreach (var t in types) _types.TryAdd(t.Name, t);
        _directives = directives.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var t in _types.Values)
        {
            switch (t)
            {
                case ObjectType o:
                    if (o.ClrType is not null) _clrTypeMap.TryAdd(o.ClrType, o);
                    foreach (var i in o.Interfaces)
                    {
                        PossibleOf(i).Add(o);
                        SubOf(i).Add(o);
                    }
                    break;
                case InterfaceType it:
                    foreach (var i in it.Interfaces) SubOf(i).Add(it);
                    break;
                case UnionType u:
                    PossibleOf(u).AddRange(u.Types);
                    break;
            }
        }
    }

    private List<ObjectType> PossibleOf(NamedType t)
    {
        if (!_possibleTypes.TryGetValue(t, out var list)) _possibleTypes[t] = list = [];
        return list;
    }

    private HashSet<NamedType> SubOf(InterfaceType t)
    {
        if (!_subTypes.TryGetValue(t, out var set)) _subTypes[t] = set = [];
        return set;
    }

    /// <summary>The schema's description.</summary>
    public string? Description { get; }
    /// <summary>The query root type.</summary>
    public ObjectType Query { get; }
    /// <summary>The mutation root type, if any.</summary>
    public ObjectType? Mutation { get; }
    /// <summary>The subscription root type, if any.</summary>
    public ObjectType? Subscription { get; }
    /// <summary>Every named type by name, built-in and introspection types included.</summary>
    public IReadOnlyDictionary<string, NamedType> Types => _types;
    /// <summary>Every directive, built-in ones included.</summary>
    public IReadOnlyCollection<DirectiveDefinition> Directives => _directives.Values;
    /// <summary>Services/options attached at build time (e.g. for introspection toggles).</summary>
    public IDictionary<string, object?> Metadata { get; } = new Dictionary<string, object?>();

    /// <summary>The type called <paramref name="name"/>, or null.</summary>
    public NamedType? GetType(string name) => _types.GetValueOrDefault(name);
    /// <summary>The directive called <paramref name="name"/>, or null.</summary>
    public DirectiveDefinition? GetDirective(string name) => _directives.GetValueOrDefault(name);

    /// <summary>The root type for <paramref name="operation"/>, or null when the schema has none.</summary>
    public ObjectType? GetRootType(OperationType operation) => operation switch
    {
        OperationType.Query => Query,
        OperationType.Mutation => Mutation,
        _ => Subscription,
    };

    /// <summary>The object types an interface or union can be.</summary>
    public IReadOnlyList<ObjectType> GetPossibleTypes(NamedType abstractType) => abstractType switch
    {
        ObjectType o => [o],
        _ => _possibleTypes.TryGetValue(abstractType, out var l) ? l : [],
    };

    /// <summary>Whether <paramref name="maybeSubType"/> is one of the possible types of <paramref name="abstractType"/>.</summary>
    public bool IsSubType(NamedType abstractType, NamedType maybeSubType) => abstractType switch
    {
        UnionType u => maybeSubType is ObjectType o && u.Types.Contains(o),
        InterfaceType i => _subTypes.TryGetValue(i, out var s) && s.Contains(maybeSubType),
        _ => false,
    };

    /// <summary>The object type registered for a CLR type (or one of its base types).</summary>
    public ObjectType? GetObjectTypeForClr(Type clrType)
    {
        for (var t = clrType; t is not null; t = t.BaseType)
        {
            if (_clrTypeMap.TryGetValue(t, out var o)) return o;
        }
        return null;
    }

    /// <summary>Resolves a type reference syntax node against this schema.</summary>
    public GraphQLType? ResolveTypeNode(TypeNode node) => node switch
    {
        NamedTypeNode n => GetType(n.Name.Value),
        ListTypeNode l => ResolveTypeNode(l.Type) is { } inner ? new ListType(inner) : null,
        NonNullTypeNode nn => ResolveTypeNode(nn.Type) is { } inner ? new NonNullType(inner) : null,
        _ => null,
    };

    /// <summary>Prints the schema as SDL (same format as graphql-js <c>printSchema</c>).</summary>
    public string ToSdl() => SchemaPrinter.Print(this);
}

/// <summary>Type relations used by validation (spec "IsSubType", "DoTypesOverlap").</summary>
internal static class TypeComparators
{
    public static bool IsEqualType(GraphQLType a, GraphQLType b) => a switch
    {
        NonNullType na => b is NonNullType nb && IsEqualType(na.OfType, nb.OfType),
        ListType la => b is ListType lb && IsEqualType(la.OfType, lb.OfType),
        _ => ReferenceEquals(a, b),
    };

    public static bool IsTypeSubTypeOf(Schema schema, GraphQLType maybeSub, GraphQLType super)
    {
        if (ReferenceEquals(maybeSub, super) || IsEqualType(maybeSub, super)) return true;
        if (super is NonNullType ns)
            return maybeSub is NonNullType nsub && IsTypeSubTypeOf(schema, nsub.OfType, ns.OfType);
        if (maybeSub is NonNullType nm) return IsTypeSubTypeOf(schema, nm.OfType, super);
        if (super is ListType ls) return maybeSub is ListType lm && IsTypeSubTypeOf(schema, lm.OfType, ls.OfType);
        if (maybeSub is ListType) return false;
        return super.IsAbstractType && maybeSub is ObjectType or InterfaceType && schema.IsSubType((NamedType)super, (NamedType)maybeSub);
    }

    public static bool DoTypesOverlap(Schema schema, NamedType a, NamedType b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.IsAbstractType)
        {
            return b.IsAbstractType
                ? schema.GetPossibleTypes(a).Any(t => schema.IsSubType(b, t))
                : schema.IsSubType(a, b);
        }
        return b.IsAbstractType && schema.IsSubType(b, a);
    }
}
