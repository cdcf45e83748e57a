using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Any GraphQL type: a named type or a List/NonNull wrapper.</summary>
public abstract class GraphQLType
{
    /// <summary>The innermost named type.</summary>
    public abstract NamedType Named { get; }
    /// <summary>The type without its outer non-null wrapper.</summary>
    public GraphQLType NullableType => this is NonNullType nn ? nn.OfType : this;
    /// <summary>Whether this is a non-null type.</summary>
    public bool IsNonNull => this is NonNullType;
    /// <summary>Whether values of this type can be input (scalars, enums, input objects and wrappers of them).</summary>
    public bool IsInputType => Named is ScalarType or EnumType or InputObjectType;
    /// <summary>Whether values of this type can be output (all but input objects).</summary>
    public bool IsOutputType => Named is ScalarType or EnumType or ObjectType or InterfaceType or UnionType;
    /// <summary>Whether this is a scalar or enum.</summary>
    public bool IsLeafType => this is ScalarType or EnumType;
    /// <summary>Whether this is an object, interface or union.</summary>
    public bool IsCompositeType => this is ObjectType or InterfaceType or UnionType;
    /// <summary>Whether this is an interface or union.</summary>
    public bool IsAbstractType => this is InterfaceType or UnionType;
    /// <summary>The type as written in SDL, e.g. <c>[String!]</c>.</summary>
    public abstract override string ToString();
}

/// <summary>A list of <see cref="OfType"/>.</summary>
public sealed class ListType(GraphQLType ofType) : GraphQLType
{
    /// <summary>The element type.</summary>
    public GraphQLType OfType { get; } = ofType;
    /// <inheritdoc />
    public override NamedType Named => OfType.Named;
    /// <inheritdoc />
    public override string ToString() => $"[{OfType}]";
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ListType l && l.OfType.Equals(OfType);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(1, OfType);
}

/// <summary>A non-null <see cref="OfType"/>.</summary>
public sealed class NonNullType : GraphQLType
{
    /// <summary>Wraps <paramref name="ofType"/>; throws when it is already non-null.</summary>
    public NonNullType(GraphQLType ofType)
    {
        if (ofType is NonNullType) throw new ArgumentException("NonNull of NonNull is not allowed.", nameof(ofType));
        OfType = ofType;
    }

    /// <summary>The wrapped type.</summary>
    public GraphQLType OfType { get; }
    /// <inheritdoc />
    public override NamedType Named => OfType.Named;
    /// <inheritdoc />
    public override string ToString() => $"{OfType}!";
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NonNullType l && l.OfType.Equals(OfType);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(2, OfType);
}

/// <summary>A type with a name in the schema's type map.</summary>
public abstract class NamedType(string name) : GraphQLType
{
    /// <summary>The type's name.</summary>
    public string Name { get; } = name;
    /// <summary>The description, printed in SDL and introspection.</summary>
    public string? Description { get; set; }
    /// <inheritdoc />
    public override NamedType Named => this;
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Shared by fields and arguments: something with an optional deprecation.</summary>
public interface IDeprecatable
{
    /// <summary>The reason given with <c>@deprecated</c>, or null when not deprecated.</summary>
    string? DeprecationReason { get; }
}

/// <summary>Argument of a field or directive, or field of an input object.</summary>
public sealed class InputValueDefinition(string name, GraphQLType type) : IDeprecatable
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
    /// <summary>The input type.</summary>
    public GraphQLType Type { get; internal set; } = type;
    /// <summary>The description.</summary>
    public string? Description { get; set; }
    /// <summary>Whether a default value is declared.</summary>
    public bool HasDefaultValue { get; set; }
    /// <summary>Default as a literal (used for printing/introspection and coerced on use).</summary>
    public ValueNode? DefaultValueLiteral { get; set; }
    /// <inheritdoc />
    public string? DeprecationReason { get; set; }
    /// <summary>Optional CLR property to bind to when converting input objects (informational).</summary>
    public override string ToString() => $"{Name}: {Type}";
}

/// <summary>Resolves a field's value for one parent.</summary>
public delegate ValueTask<object?> FieldResolver(IResolverContext context);
/// <summary>Creates the event stream of a subscription field.</summary>
public delegate ValueTask<IAsyncEnumerable<object?>> SubscriptionResolver(IResolverContext context);

/// <summary>A field of an object or interface type.</summary>
public sealed class FieldDefinition(string name, GraphQLType type) : IDeprecatable
{
    /// <summary>The field name.</summary>
    public string Name { get; } = name;
    /// <summary>The output type.</summary>
    public GraphQLType Type { get; internal set; } = type;
    /// <summary>The description.</summary>
    public string? Description { get; set; }
    /// <summary>The field's arguments.</summary>
    public IReadOnlyList<InputValueDefinition> Arguments { get; set; } = [];
    /// <inheritdoc />
    public string? DeprecationReason { get; set; }
    /// <summary>Null means the default resolver (property/dictionary lookup on the parent value).</summary>
    public FieldResolver? Resolver { get; set; }
    /// <summary>For subscription root fields: produces the event stream.</summary>
    public SubscriptionResolver? Subscriber { get; set; }
    /// <summary>Cost for complexity analysis (default 1).</summary>
    public int Cost { get; set; } = 1;
    /// <summary>Arbitrary metadata for extensions (e.g. authorization policies).</summary>
    public IDictionary<string, object?> Metadata { get; } = new Dictionary<string, object?>();

    /// <summary>The argument called <paramref name="name"/>, or null.</summary>
    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == name) return a;
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Type}";
}

/// <summary>Object or interface: a type with fields that may implement interfaces.</summary>
public abstract class ComplexType(string name) : NamedType(name)
{
    private readonly Dictionary<string, FieldDefinition> _fields = new(StringComparer.Ordinal);
    private readonly List<FieldDefinition> _fieldList = [];

    /// <summary>The fields in declaration order.</summary>
    public IReadOnlyList<FieldDefinition> Fields => _fieldList;
    /// <summary>The interfaces this type implements.</summary>
    public List<InterfaceType> Interfaces { get; } = [];

    /// <summary>The field called <paramref name="name"/>, or null.</summary>
    public FieldDefinition? GetField(string name) => _fields.GetValueOrDefault(name);

    /// <summary>Adds a field; throws when the name is taken.</summary>
    public void AddField(FieldDefinition field)
    {
        if (!_fields.TryAdd(field.Name, field))
            throw new SchemaException($"Field \"{Name}.{field.Name}\" is defined more than once.");
        _fieldList.Add(field);
    }

    /// <summary>Whether this type declares <paramref name="iface"/>.</summary>
    public bool Implements(InterfaceType iface) => Interfaces.Contains(iface);
}

/// <summary>An object type.</summary>
public sealed class ObjectType(string name) : ComplexType(name)
{
    /// <summary>CLR type of values of this object type, used for abstract type resolution.</summary>
    public Type? ClrType { get; set; }
    /// <summary>Optional predicate to recognise runtime values of this type.</summary>
    public Func<object, bool>? IsTypeOf { get; set; }
}

/// <summary>Resolves the concrete object type (by name or as <see cref="ObjectType"/>) of a value of an abstract type.</summary>
public delegate string? TypeResolver(object value, IResolverContext context);

/// <summary>An interface type.</summary>
public sealed class InterfaceType(string name) : ComplexType(name)
{
    /// <summary>Picks the object type of a value; without it the schema finds it by <c>IsTypeOf</c> or the CLR type.</summary>
    public TypeResolver? ResolveType { get; set; }
}

/// <summary>A union type.</summary>
public sealed class UnionType(string name) : NamedType(name)
{
    /// <summary>The member object types.</summary>
    public List<ObjectType> Types { get; } = [];
    /// <summary>Picks the member type of a value; without it the schema finds it by <c>IsTypeOf</c> or the CLR type.</summary>
    public TypeResolver? ResolveType { get; set; }
}

/// <summary>One value of an enum type with its internal (CLR) value.</summary>
public sealed class EnumValueDefinition(string name, object? value) : IDeprecatable
{
    /// <summary>The GraphQL name.</summary>
    public string Name { get; } = name;
    /// <summary>Internal (CLR) value given to resolvers and accepted from them.</summary>
    public object? Value { get; } = value;
    /// <summary>The description.</summary>
    public string? Description { get; set; }
    /// <inheritdoc />
    public string? DeprecationReason { get; set; }
}

/// <summary>An enum type.</summary>
public sealed class EnumType(string name) : NamedType(name)
{
    private readonly List<EnumValueDefinition> _values = [];
    private readonly Dictionary<string, EnumValueDefinition> _byName = new(StringComparer.Ordinal);

    /// <summary>The values in declaration order.</summary>
    public IReadOnlyList<EnumValueDefinition> Values => _values;

    /// <summary>Adds a value; throws when the name is taken.</summary>
    public void AddValue(EnumValueDefinition value)
    {
        if (!_byName.TryAdd(value.Name, value))
            throw new SchemaException($"Enum value \"{Name}.{value.Name}\" is defined more than once.");
        _values.Add(value);
    }

    /// <summary>The value called <paramref name="name"/>, or null.</summary>
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

/// <summary>An input object type.</summary>
public sealed class InputObjectType(string name) : NamedType(name)
{
    private readonly Dictionary<string, InputValueDefinition> _fields = new(StringComparer.Ordinal);
    private readonly List<InputValueDefinition> _fieldList = [];

    /// <summary>The input fields in declaration order.</summary>
    public IReadOnlyList<InputValueDefinition> Fields => _fieldList;
    /// <summary>@oneOf: exactly one field must be given, and it must not be null.</summary>
    public bool IsOneOf { get; set; }
    /// <summary>Optional CLR type the coerced dictionary is converted to by <c>Argument&lt;T&gt;</c>.</summary>
    public Type? ClrType { get; set; }

    /// <summary>The input field called <paramref name="name"/>, or null.</summary>
    public InputValueDefinition? GetField(string name) => _fields.GetValueOrDefault(name);

    /// <summary>Adds an input field; throws when the name is taken.</summary>
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
    /// <summary>Creates the exception with one message.</summary>
    public SchemaException(string message) : base(message) { }
    /// <summary>Creates the exception with every problem found.</summary>
    public SchemaException(IReadOnlyList<string> errors) : base(string.Join(Environment.NewLine, errors)) => Errors = errors;
    /// <summary>Creates the exception with a default message.</summary>
    public SchemaException() { }
    /// <summary>Creates the exception with a message and its cause.</summary>
    public SchemaException(string message, Exception inner) : base(message, inner) { }
    /// <summary>Every problem found in the schema.</summary>
    public IReadOnlyList<string> Errors { get; } = [];
}
