using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Any GraphQL type: a named type or a List/NonNull wrapper.</summary>
public abstract class GraphQLType
{
    /// <summary>The innermost named type.</summary>
    public abstract NamedType Named { get; }
    public GraphQLType NullableType => this is NonNullType nn ? nn.OfType : this;
    public bool IsNonNull => this is NonNullType;
    public bool IsInputType => Named is ScalarType or EnumType or InputObjectType;
    public bool IsOutputType => Named is ScalarType or EnumType or ObjectType or InterfaceType or UnionType;
    public bool IsLeafType => this is ScalarType or EnumType;
    public bool IsCompositeType => this is ObjectType or InterfaceType or UnionType;
    public bool IsAbstractType => this is InterfaceType or UnionType;
    public abstract override string ToString();
}

public sealed class ListType(GraphQLType ofType) : GraphQLType
{
    public GraphQLType OfType { get; } = ofType;
    public override NamedType Named => OfType.Named;
    public override string ToString() => $"[{OfType}]";
    public override bool Equals(object? obj) => obj is ListType l && l.OfType.Equals(OfType);
    public override int GetHashCode() => HashCode.Combine(1, OfType);
}

public sealed class NonNullType : GraphQLType
{
    public NonNullType(GraphQLType ofType)
    {
        if (ofType is NonNullType) throw new ArgumentException("NonNull of NonNull is not allowed.", nameof(ofType));
        OfType = ofType;
    }

    public GraphQLType OfType { get; }
    public override NamedType Named => OfType.Named;
    public override string ToString() => $"{OfType}!";
    public override bool Equals(object? obj) => obj is NonNullType l && l.OfType.Equals(OfType);
    public override int GetHashCode() => HashCode.Combine(2, OfType);
}

/// <summary>A type with a name in the schema's type map.</summary>
public abstract class NamedType(string name) : GraphQLType
{
    public string Name { get; } = name;
    public string? Description { get; set; }
    public override NamedType Named => this;
    public override string ToString() => Name;
}

/// <summary>Shared by fields and arguments: something with an optional deprecation.</summary>
public interface IDeprecatable
{
    string? DeprecationReason { get; }
}

/// <summary>Argument of a field or directive, or field of an input object.</summary>
public sealed class InputValueDefinition(string name, GraphQLType type) : IDeprecatable
{
    public string Name { get; } = name;
    public GraphQLType Type { get; internal set; } = type;
    public string? Description { get; set; }
    public bool HasDefaultValue { get; set; }
    /// <summary>Default as a literal (used for printing/introspection and coerced on use).</summary>
    public ValueNode? DefaultValueLiteral { get; set; }
    public string? DeprecationReason { get; set; }
    /// <summary>Optional CLR property to bind to when converting input objects (informational).</summary>
    public override string ToString() => $"{Name}: {Type}";
}

public delegate ValueTask<object?> FieldResolver(IResolverContext context);
public delegate ValueTask<IAsyncEnumerable<object?>> SubscriptionResolver(IResolverContext context);

public sealed class FieldDefinition(string name, GraphQLType type) : IDeprecatable
{
    public string Name { get; } = name;
    public GraphQLType Type { get; internal set; } = type;
    public string? Description { get; set; }
    public IReadOnlyList<InputValueDefinition> Arguments { get; set; } = [];
    public string? DeprecationReason { get; set; }
    /// <summary>Null means the default resolver (property/dictionary lookup on the parent value).</summary>
    public FieldResolver? Resolver { get; set; }
    /// <summary>For subscription root fields: produces the event stream.</summary>
    public SubscriptionResolver? Subscriber { get; set; }
    /// <summary>Cost for complexity analysis (default 1).</summary>
    public int Cost { get; set; } = 1;
    /// <summary>Arbitrary metadata for extensions (e.g. authorization policies).</summary>
    public IDictionary<string, object?> Metadata { get; } = new Dictionary<string, object?>();

    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == name) return a;
        }
        return null;
    }

    public override string ToString() => $"{Name}: {Type}";
}

/// <summary>Object or interface: a type with fields that may implement interfaces.</summary>
public abstract class ComplexType(string name) : NamedType(name)
{
    private readonly Dictionary<string, FieldDefinition> _fields = new(StringComparer.Ordinal);
    private readonly List<FieldDefinition> _fieldList = [];

    public IReadOnlyList<FieldDefinition> Fields => _fieldList;
    public List<InterfaceType> Interfaces { get; } = [];

    public FieldDefinition? GetField(string name) => _fields.GetValueOrDefault(name);

    public void AddField(FieldDefinition field)
    {
        if (!_fields.TryAdd(field.Name, field))
            throw new SchemaException($"Field \"{Name}.{field.Name}\" is defined more than once.");
        _fieldList.Add(field);
    }

    public bool Implements(InterfaceType iface) => Interfaces.Contains(iface);
}

public sealed class ObjectType(string name) : ComplexType(name)
{
    /// <summary>CLR type of values of this object type, used for abstract type resolution.</summary>
    public Type? ClrType { get; set; }
    /// <summary>Optional predicate to recognise runtime values of this type.</summary>
    public Func<object, bool>? IsTypeOf { get; set; }
}

/// <summary>Resolves the concrete object type (by name or as <see cref="ObjectType"/>) of a value of an abstract type.</summary>
public delegate string? TypeResolver(object value, IResolverContext context);

public sealed class InterfaceType(string name) : ComplexType(name)
{
    public TypeResolver? ResolveType { get; set; }
}

public sealed class UnionType(string name) : NamedType(name)
{
    public List<ObjectType> Types { get; } = [];
    public TypeResolver? ResolveType { get; set; }
}

public sealed class EnumValueDefinition(string name, object? value) : IDeprecatable
{
    public string Name { get; } = name;
    /// <summary>Internal (CLR) value given to resolvers and accepted from them.</summary>
    public object? Value { get; } = value;
    public string? Description { get; set; }
    public string? DeprecationReason { get; set; }
}

public sealed class EnumType(string name) : NamedType(name)
{
    private readonly List<EnumValueDefinition> _values = [];
    private readonly Dictionary<string, EnumValueDefinition> _byName = new(StringComparer.Ordinal);

    public IReadOnlyList<EnumValueDefinition> Values => _values;

    public void AddValue(EnumValueDefinition value)
    {
        if (!_byName.TryAdd(value.Name, value))
            throw new SchemaException($"Enum value \"{Name}.{value.Name}\" is defined more than once.");
        _values.Add(value);
    }

    public EnumValueDefinition? GetValue(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Output coercion: finds the enum value whose internal value equals the resolved value.</summary>
    public EnumValueDefinition? FindByInternalValue(object value)
    {
        foreach (var v in _values)
        {
            if (Equals(v.Value, value)) return v;
        }
        // Strings coming from resolvers of name-valued enums, or CLR enums mapped by name.
        var s = value is Enum e ? ToEnumName(e.ToString()) : value as string;
        return s is null ? null : GetValue(s);
    }

    /// <summary>Converts a CLR enum member name (PascalCase) to GraphQL style (SCREAMING_SNAKE_CASE).</summary>
    public static string ToEnumName(string clrName)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < clrName.Length; i++)
        {
            var c = clrName[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(clrName[i - 1]) || (i + 1 < clrName.Length && char.IsLower(clrName[i + 1])))
                && clrName[i - 1] != '_')
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}

public sealed class InputObjectType(string name) : NamedType(name)
{
    private readonly Dictionary<string, InputValueDefinition> _fields = new(StringComparer.Ordinal);
    private readonly List<InputValueDefinition> _fieldList = [];

    public IReadOnlyList<InputValueDefinition> Fields => _fieldList;
    /// <summary>@oneOf: exactly one field must be given, and it must not be null.</summary>
    public bool IsOneOf { get; set; }
    /// <summary>Optional CLR type the coerced dictionary is converted to by <c>Argument&lt;T&gt;</c>.</summary>
    public Type? ClrType { get; set; }

    public InputValueDefinition? GetField(string name) => _fields.GetValueOrDefault(name);

    public void AddField(InputValueDefinition field)
    {
        if (!_fields.TryAdd(field.Name, field))
            throw new SchemaException($"Input field \"{Name}.{field.Name}\" is defined more than once.");
        _fieldList.Add(field);
    }
}

/// <summary>Schema construction or validation failed.</summary>
public sealed class SchemaException : Exception
{
    public SchemaException(string message) : base(message) { }
    public SchemaException(IReadOnlyList<string> errors) : base(string.Join(Environment.NewLine, errors)) => Errors = errors;
    public SchemaException() { }
    public SchemaException(string message, Exception inner) : base(message, inner) { }
    public IReadOnlyList<string> Errors { get; } = [];
}
