using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>
/// Code-first (and optionally SDL-first) schema declaration. Type references are written in SDL
/// notation (<c>"[Image!]!"</c>) and resolved when <see cref="Build"/> is called.
/// </summary>
public sealed class SchemaBuilder
{
    private readonly List<TypeBuilderBase> _types = [];
    private readonly Dictionary<string, TypeBuilderBase> _byName = new(StringComparer.Ordinal);
    private readonly List<DirectiveBuilder> _directives = [];
    private string _queryName = "Query";
    private string? _mutationName;
    private string? _subscriptionName;
    private string? _description;

    /// <summary>Sets the schema's description.</summary>
    public SchemaBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Configures the <c>Query</c> root type.</summary>
    public SchemaBuilder Query(Action<ObjectTypeBuilder> configure) => Object("Query", configure);
    /// <summary>Configures the <c>Mutation</c> root type.</summary>
    public SchemaBuilder Mutation(Action<ObjectTypeBuilder> configure)
    {
        _mutationName ??= "Mutation";
        return Object(_mutationName, configure);
    }

    /// <summary>Configures the <c>Subscription</c> root type.</summary>
    public SchemaBuilder Subscription(Action<ObjectTypeBuilder> configure)
    {
        _subscriptionName ??= "Subscription";
        return Object(_subscriptionName, configure);
    }

    /// <summary>Renames the root operation types (defaults Query/Mutation/Subscription).</summary>
    public SchemaBuilder RootTypes(string query = "Query", string? mutation = null, string? subscription = null)
    {
        _queryName = query;
        _mutationName = mutation ?? _mutationName;
        _subscriptionName = subscription ?? _subscriptionName;
        return this;
    }

    /// <summary>Adds or extends an object type.</summary>
    public SchemaBuilder Object(string name, Action<ObjectTypeBuilder> configure)
    {
        configure(GetOrAdd(name, () => new ObjectTypeBuilder(name)));
        return this;
    }

    /// <summary>Declares an object type whose runtime values are <typeparamref name="T"/> (used to resolve interfaces/unions).</summary>
    public SchemaBuilder Object<T>(string name, Action<ObjectTypeBuilder> configure)
    {
        var b = GetOrAdd(name, () => new ObjectTypeBuilder(name));
        b.ClrType = typeof(T);
        configure(b);
        return this;
    }

    /// <summary>Adds or extends an interface type.</summary>
    public SchemaBuilder Interface(string name, Action<InterfaceTypeBuilder> configure)
    {
        configure(GetOrAdd(name, () => new InterfaceTypeBuilder(name)));
        return this;
    }

    /// <summary>Adds or extends a union type.</summary>
    public SchemaBuilder Union(string name, Action<UnionTypeBuilder> configure)
    {
        configure(GetOrAdd(name, () => new UnionTypeBuilder(name)));
        return this;
    }

    /// <summary>Adds a union of <paramref name="members"/>.</summary>
    public SchemaBuilder Union(string name, params string[] members) => Union(name, u => u.Types(members));

    /// <summary>Adds or extends an enum type.</summary>
    public SchemaBuilder Enum(string name, Action<EnumTypeBuilder> configure)
    {
        configure(GetOrAdd(name, () => new EnumTypeBuilder(name)));
        return this;
    }

    /// <summary>Declares an enum from a CLR enum: members become SCREAMING_SNAKE_CASE values whose internal value is the CLR member.</summary>
    public SchemaBuilder Enum<TEnum>(string? name = null, Action<EnumTypeBuilder>? configure = null) where TEnum : struct, Enum
    {
        var b = GetOrAdd(name ?? typeof(TEnum).Name, () => new EnumTypeBuilder(name ?? typeof(TEnum).Name));
        foreach (var v in System.Enum.GetValues<TEnum>())
        {
            var member = typeof(TEnum).GetField(v.ToString()!);
            var obsolete = member?.GetCustomAttributes(typeof(ObsoleteAttribute), false).OfType<ObsoleteAttribute>().FirstOrDefault();
            var desc = member?.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), false)
                .OfType<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()?.Description;
            b.Value(EnumType.ToEnumName(v.ToString()!), v, desc, obsolete is null ? null : obsolete.Message ?? BuiltInDirectives.DefaultDeprecationReason);
        }
        configure?.Invoke(b);
        return this;
    }

    /// <summary>Adds or extends an input object type; resolvers receive it as a dictionary.</summary>
    public SchemaBuilder InputObject(string name, Action<InputObjectTypeBuilder> configure)
    {
        configure(GetOrAdd(name, () => new InputObjectTypeBuilder(name)));
        return this;
    }

    /// <summary>Adds an input object type that resolvers receive as <typeparamref name="T"/>.</summary>
    public SchemaBuilder InputObject<T>(string name, Action<InputObjectTypeBuilder> configure)
    {
        var b = GetOrAdd(name, () => new InputObjectTypeBuilder(name));
        b.ClrType = typeof(T);
        configure(b);
        return this;
    }

    /// <summary>Adds a custom scalar.</summary>
    public SchemaBuilder Scalar(ScalarType scalar, string? description = null)
    {
        if (description is not null) scalar.Description = description;
        GetOrAdd(scalar.Name, () => new ScalarTypeBuilder(scalar)).Scalar = scalar;
        return this;
    }

    /// <summary>Declares a directive.</summary>
    public SchemaBuilder Directive(string name, IEnumerable<DirectiveLocation> locations, Action<DirectiveBuilder>? configure = null)
    {
        var d = new DirectiveBuilder(name, [.. locations]);
        configure?.Invoke(d);
        _directives.Add(d);
        return this;
    }

    /// <summary>Adds types from SDL (definitions and extensions). Resolvers can be attached afterwards with <see cref="Object"/>.</summary>
    public SchemaBuilder AddTypeDefinitions(string sdl)
    {
        SdlImporter.Import(this, Parser.Parse(sdl));
        return this;
    }

    internal void SetRootNames(string? query, string? mutation, string? subscription)
    {
        if (query is not null) _queryName = query;
        if (mutation is not null) _mutationName = mutation;
        if (subscription is not null) _subscriptionName = subscription;
    }

    internal void AddDirective(DirectiveBuilder d) => _directives.Add(d);

    internal T GetOrAdd<T>(string name, Func<T> create) where T : TypeBuilderBase
    {
        if (_byName.TryGetValue(name, out var existing))
        {
            return existing as T ?? throw new SchemaException($"Type \"{name}\" is already declared as a different kind of type.");
        }
        var b = create();
        _byName[name] = b;
        _types.Add(b);
        return b;
    }

    /// <summary>Creates and validates the schema. Throws <see cref="SchemaException"/> listing every problem found.</summary>
    public Schema Build()
    {
        var named = new Dictionary<string, NamedType>(StringComparer.Ordinal);
        foreach (var s in BuiltInScalars.All) named[s.Name] = s;
        foreach (var t in Introspection.IntrospectionSchema.Types) named[t.Name] = t;
        foreach (var b in _types) named[b.Name] = b.CreateType();

        var errors = new List<string>();
        GraphQLType? Resolve(string owner, TypeNode node)
        {
            var t = ResolveNode(node);
            if (t is null) errors.Add($"{owner}: unknown type \"{Printer.Print(node)}\".");
            return t;
        }
        GraphQLType? ResolveNode(TypeNode node) => node switch
        {
            NamedTypeNode n => named.GetValueOrDefault(n.Name.Value),
            ListTypeNode l => ResolveNode(l.Type) is { } i ? new ListType(i) : null,
            NonNullTypeNode nn => ResolveNode(nn.Type) is { } i ? new NonNullType(i) : null,
            _ => null,
        };
        var ctx = new BuildContext(named, Resolve, errors);
        foreach (var b in _types) b.Complete(ctx);

        // Custom directives first, then the specified ones (the order graphql-js buildSchema produces).
        var directives = new List<DirectiveDefinition>();
        foreach (var d in _directives)
        {
            if (directives.Any(x => x.Name == d.Name) || BuiltInDirectives.IsBuiltIn(d.Name))
            {
                errors.Add($"Directive \"@{d.Name}\" is defined more than once.");
                continue;
            }
            directives.Add(d.Create(ctx));
        }
        directives.AddRange(BuiltInDirectives.All);

        ObjectType? Root(string? name, string kind, bool required)
        {
            if (name is null) return null;
            if (!named.TryGetValue(name, out var t))
            {
                if (required) errors.Add($"{kind} root type must be provided.");
                return null;
            }
            if (t is ObjectType o) return o;
            errors.Add($"{kind} root type must be Object type, it cannot be {name}.");
            return null;
        }
        var query = Root(_queryName, "Query", true);
        var mutation = Root(_mutationName ?? (named.ContainsKey("Mutation") ? "Mutation" : null), "Mutation", false);
        var subscription = Root(_subscriptionName ?? (named.ContainsKey("Subscription") ? "Subscription" : null), "Subscription", false);
        if (query is null) throw new SchemaException(errors);

        // Validate even after reference errors so that every problem is reported at once.
        var schema = new Schema(query, mutation, subscription, named.Values, directives, _description);
        SchemaValidator.Validate(schema, errors);
        if (errors.Count > 0) throw new SchemaException(errors);
        return schema;
    }

    internal sealed record BuildContext(
        Dictionary<string, NamedType> Types,
        Func<string, TypeNode, GraphQLType?> ResolveType,
        List<string> Errors);
}

/// <summary>Common part of the type builders.</summary>
public abstract class TypeBuilderBase(string name)
{
    /// <summary>The name of the type being built.</summary>
    public string Name { get; } = name;
    internal string? DescriptionText { get; set; }
    internal abstract NamedType CreateType();
    internal abstract void Complete(SchemaBuilder.BuildContext ctx);

    internal static InputValueDefinition BuildInputValue(SchemaBuilder.BuildContext ctx, string owner, ArgumentBuilder a)
    {
        var type = ctx.ResolveType($"{owner}({a.Name}:)", a.Type) ?? BuiltInScalars.String;
        var def = new InputValueDefinition(a.Name, type)
        {
            Description = a.Description,
            DeprecationReason = a.DeprecationReason,
        };
        if (a.DefaultLiteral is not null)
        {
            def.HasDefaultValue = true;
            def.DefaultValueLiteral = a.DefaultLiteral;
        }
        else if (a.HasDefault)
        {
            def.HasDefaultValue = true;
            def.DefaultValueLiteral = ValueHelper.AstFromValue(a.DefaultValue, type);
            if (def.DefaultValueLiteral is null) ctx.Errors.Add($"{owner}({a.Name}:) has a default value that cannot be represented as {type}.");
        }
        return def;
    }
}

/// <summary>Builds an argument or input field.</summary>
public sealed class ArgumentBuilder(string name, TypeNode type)
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
    /// <summary>The type reference, resolved when the schema is built.</summary>
    public TypeNode Type { get; } = type;
    /// <summary>The description.</summary>
    public string? Description { get; set; }
    /// <summary>The deprecation reason, or null.</summary>
    public string? DeprecationReason { get; set; }
    /// <summary>Whether a default is set.</summary>
    public bool HasDefault { get; set; }
    /// <summary>The default as a CLR value.</summary>
    public object? DefaultValue { get; set; }
    /// <summary>The default as a literal (from SDL).</summary>
    public ValueNode? DefaultLiteral { get; set; }

    /// <summary>Sets the default value.</summary>
    public ArgumentBuilder Default(object? value)
    {
        HasDefault = true;
        DefaultValue = value;
        return this;
    }

    /// <summary>Sets the description.</summary>
    public ArgumentBuilder Describe(string description)
    {
        Description = description;
        return this;
    }

    /// <summary>Marks it deprecated.</summary>
    public ArgumentBuilder Deprecated(string reason = BuiltInDirectives.DefaultDeprecationReason)
    {
        DeprecationReason = reason;
        return this;
    }
}

/// <summary>Builds a field of an object or interface type.</summary>
public sealed class FieldBuilder(string name, TypeNode type)
{
    internal string Name { get; } = name;
    internal TypeNode Type { get; set; } = type;
    internal string? DescriptionText { get; private set; }
    internal string? DeprecationReasonText { get; private set; }
    internal List<ArgumentBuilder> Arguments { get; } = [];
    internal FieldResolver? ResolverDelegate { get; private set; }
    internal SubscriptionResolver? Subscriber { get; private set; }
    internal int CostValue { get; private set; } = 1;
    internal Dictionary<string, object?> MetadataValues { get; } = [];

    /// <summary>Sets the description.</summary>
    public FieldBuilder Description(string description)
    {
        DescriptionText = description;
        return this;
    }

    /// <summary>Marks the field deprecated.</summary>
    public FieldBuilder Deprecated(string reason = BuiltInDirectives.DefaultDeprecationReason)
    {
        DeprecationReasonText = reason;
        return this;
    }

    /// <summary>Declares an argument without default value.</summary>
    public FieldBuilder Argument(string name, string type) => AddArgument(new ArgumentBuilder(name, Parser.ParseType(type)));

    /// <summary>Declares an argument with a default; <paramref name="defaultValue"/> is an internal value (e.g. a CLR enum member or int).</summary>
    public FieldBuilder Argument<T>(string name, string type, T defaultValue, string? description = null) =>
        AddArgument(new ArgumentBuilder(name, Parser.ParseType(type)) { HasDefault = true, DefaultValue = defaultValue, Description = description });

    /// <summary>Declares an argument and sets its description, default or deprecation in <paramref name="configure"/>.</summary>
    public FieldBuilder Argument(string name, string type, Action<ArgumentBuilder> configure)
    {
        var a = new ArgumentBuilder(name, Parser.ParseType(type));
        configure(a);
        return AddArgument(a);
    }

    internal FieldBuilder AddArgument(ArgumentBuilder a)
    {
        Arguments.Add(a);
        return this;
    }

    /// <summary>Relative cost of this field for complexity limits (multiplied by <c>first</c>/<c>last</c> on lists).</summary>
    public FieldBuilder Cost(int cost)
    {
        CostValue = cost;
        return this;
    }

    /// <summary>Attaches a value for middleware to read (e.g. an authorization policy).</summary>
    public FieldBuilder Metadata(string key, object? value)
    {
        MetadataValues[key] = value;
        return this;
    }

    /// <summary>Sets the low-level resolver delegate (no wrapping; fastest).</summary>
    public FieldBuilder Resolver(FieldResolver resolver)
    {
        ResolverDelegate = resolver;
        return this;
    }

    /// <summary>Sets a synchronous resolver.</summary>
    public FieldBuilder Resolve(Func<IResolverContext, object?> resolver)
    {
        ResolverDelegate = ctx => new ValueTask<object?>(resolver(ctx));
        return this;
    }

    /// <summary>Sets an asynchronous resolver.</summary>
    public FieldBuilder Resolve<T>(Func<IResolverContext, Task<T>> resolver)
    {
        ResolverDelegate = async ctx => await resolver(ctx).ConfigureAwait(false);
        return this;
    }


    /// <summary>
    /// Resolves with any delegate whose parameters are bound automatically: GraphQL arguments by name, <c>[Parent]</c>,
    /// <see cref="IResolverContext"/>, <see cref="CancellationToken"/> and services (e.g.
    /// <c>(ImageStore store, int first, CancellationToken ct) =&gt; store.ListAsync(first, ct)</c>). Declare arguments first.
    /// </summary>
    public FieldBuilder ResolveWith(Delegate handler)
    {
        ResolverDelegate = ParameterBinding.Create(handler, Arguments.Select(a => a.Name).ToArray());
        return this;
    }

    /// <summary>Subscription source stream: each item becomes the root value of one execution of the selection.</summary>
    public FieldBuilder Subscribe<T>(Func<IResolverContext, IAsyncEnumerable<T>> subscribe)
    {
        Subscriber = ctx => new ValueTask<IAsyncEnumerable<object?>>(Box(subscribe(ctx)));
        return this;
    }

    /// <summary>Sets the event source of a subscription field; each event becomes the parent of the field's resolver.</summary>
    public FieldBuilder Subscribe<T>(Func<IResolverContext, Task<IAsyncEnumerable<T>>> subscribe)
    {
        Subscriber = async ctx => Box(await subscribe(ctx).ConfigureAwait(false));
        return this;
    }

    private static async IAsyncEnumerable<object?> Box<T>(IAsyncEnumerable<T> source)
    {
        await foreach (var item in source.ConfigureAwait(false)) yield return item;
    }

    internal FieldDefinition Build(SchemaBuilder.BuildContext ctx, string owner)
    {
        var type = ctx.ResolveType($"{owner}.{Name}", Type) ?? BuiltInScalars.String;
        var f = new FieldDefinition(Name, type)
        {
            Description = DescriptionText,
            DeprecationReason = DeprecationReasonText,
            Resolver = ResolverDelegate,
            Subscriber = Subscriber,
            Cost = CostValue,
            Arguments = Arguments.Select(a => TypeBuilderBase.BuildInputValue(ctx, $"{owner}.{Name}", a)).ToArray(),
        };
        foreach (var (k, v) in MetadataValues) f.Metadata[k] = v;
        return f;
    }
}

/// <summary>Shared builder for object and interface types.</summary>
public abstract class ComplexTypeBuilder<TSelf>(string name) : TypeBuilderBase(name) where TSelf : ComplexTypeBuilder<TSelf>
{
    internal List<string> InterfaceNames { get; } = [];
    internal List<FieldBuilder> FieldBuilders { get; } = [];

    private TSelf Self => (TSelf)this;

    /// <summary>Sets the type's description.</summary>
    public TSelf Description(string description)
    {
        DescriptionText = description;
        return Self;
    }

    /// <summary>Declares the interfaces the type implements.</summary>
    public TSelf Implements(params string[] interfaces)
    {
        foreach (var i in interfaces)
        {
            if (!InterfaceNames.Contains(i)) InterfaceNames.Add(i);
        }
        return Self;
    }

    /// <summary>Declares a field; without a resolver the parent's property/key of the same name is used.</summary>
    public TSelf Field(string name, string type, Action<FieldBuilder>? configure = null)
    {
        var f = GetOrAddField(name, type);
        configure?.Invoke(f);
        return Self;
    }

    /// <summary>Adds a field with a synchronous resolver.</summary>
    public TSelf Field(string name, string type, Func<IResolverContext, object?> resolve)
    {
        GetOrAddField(name, type).Resolve(resolve);
        return Self;
    }

    /// <summary>Adds a field with an asynchronous resolver.</summary>
    public TSelf Field<T>(string name, string type, Func<IResolverContext, Task<T>> resolve)
    {
        GetOrAddField(name, type).Resolve(resolve);
        return Self;
    }

    /// <summary>Configures a field already declared (e.g. from SDL) – typically to attach its resolver.</summary>
    public TSelf Resolve(string field, Func<IResolverContext, object?> resolve)
    {
        GetExisting(field).Resolve(resolve);
        return Self;
    }

    /// <summary>Sets the asynchronous resolver of a field declared elsewhere (e.g. in SDL).</summary>
    public TSelf Resolve<T>(string field, Func<IResolverContext, Task<T>> resolve)
    {
        GetExisting(field).Resolve(resolve);
        return Self;
    }

    /// <summary>Configures a field declared elsewhere (e.g. in SDL).</summary>
    public TSelf Configure(string field, Action<FieldBuilder> configure)
    {
        configure(GetExisting(field));
        return Self;
    }

    private FieldBuilder GetExisting(string field) =>
        FieldBuilders.FirstOrDefault(f => f.Name == field) ?? throw new SchemaException($"Field \"{Name}.{field}\" is not declared.");

    internal FieldBuilder GetOrAddField(string name, string type) => GetOrAddField(name, Parser.ParseType(type));

    internal FieldBuilder GetOrAddField(string name, TypeNode type)
    {
        var existing = FieldBuilders.FirstOrDefault(f => f.Name == name);
        if (existing is not null)
        {
            existing.Type = type;
            return existing;
        }
        var f = new FieldBuilder(name, type);
        FieldBuilders.Add(f);
        return f;
    }

    internal void CompleteFields(SchemaBuilder.BuildContext ctx, ComplexType type)
    {
        foreach (var i in InterfaceNames)
        {
            if (ctx.Types.GetValueOrDefault(i) is InterfaceType it) type.Interfaces.Add(it);
            else ctx.Errors.Add($"Type {Name} must only implement Interface types, it cannot implement {i}.");
        }
        foreach (var f in FieldBuilders) type.AddField(f.Build(ctx, Name));
    }
}

/// <summary>Builds an object type.</summary>
public sealed class ObjectTypeBuilder(string name) : ComplexTypeBuilder<ObjectTypeBuilder>(name)
{
    private ObjectType? _type;
    internal Type? ClrType { get; set; }
    private Func<object, bool>? _isTypeOf;

    /// <summary>Decides whether a value belongs to this type (for interfaces and unions).</summary>
    public ObjectTypeBuilder IsTypeOf(Func<object, bool> predicate)
    {
        _isTypeOf = predicate;
        return this;
    }

    internal override NamedType CreateType() => _type = new ObjectType(Name) { Description = DescriptionText, ClrType = ClrType, IsTypeOf = _isTypeOf };
    internal override void Complete(SchemaBuilder.BuildContext ctx) => CompleteFields(ctx, _type!);
}

/// <summary>Builds an interface type.</summary>
public sealed class InterfaceTypeBuilder(string name) : ComplexTypeBuilder<InterfaceTypeBuilder>(name)
{
    private InterfaceType? _type;
    private TypeResolver? _resolveType;

    /// <summary>Picks the concrete object type name for a value; without it, CLR type mapping and IsTypeOf are used.</summary>
    public InterfaceTypeBuilder ResolveType(Func<object, string?> resolver)
    {
        _resolveType = (v, _) => resolver(v);
        return this;
    }

    internal override NamedType CreateType() => _type = new InterfaceType(Name) { Description = DescriptionText, ResolveType = _resolveType };
    internal override void Complete(SchemaBuilder.BuildContext ctx) => CompleteFields(ctx, _type!);
}

/// <summary>Builds a union type.</summary>
public sealed class UnionTypeBuilder(string name) : TypeBuilderBase(name)
{
    private readonly List<string> _members = [];
    private UnionType? _type;
    private TypeResolver? _resolveType;

    /// <summary>Sets the description.</summary>
    public UnionTypeBuilder Description(string description)
    {
        DescriptionText = description;
        return this;
    }

    /// <summary>Adds member types.</summary>
    public UnionTypeBuilder Types(params string[] members)
    {
        _members.AddRange(members.Where(m => !_members.Contains(m)));
        return this;
    }

    /// <summary>Picks the member type name of a value.</summary>
    public UnionTypeBuilder ResolveType(Func<object, string?> resolver)
    {
        _resolveType = (v, _) => resolver(v);
        return this;
    }

    internal override NamedType CreateType() => _type = new UnionType(Name) { Description = DescriptionText, ResolveType = _resolveType };

    internal override void Complete(SchemaBuilder.BuildContext ctx)
    {
        foreach (var m in _members)
        {
            if (ctx.Types.GetValueOrDefault(m) is ObjectType o) _type!.Types.Add(o);
            else ctx.Errors.Add($"Union type {Name} can only include Object types, it cannot include {m}.");
        }
    }
}

/// <summary>Builds an enum type.</summary>
public sealed class EnumTypeBuilder(string name) : TypeBuilderBase(name)
{
    private readonly List<EnumValueDefinition> _values = [];

    /// <summary>Sets the description.</summary>
    public EnumTypeBuilder Description(string description)
    {
        DescriptionText = description;
        return this;
    }

    /// <summary>Adds a value; the internal value defaults to the name itself.</summary>
    public EnumTypeBuilder Value(string name, object? value = null, string? description = null, string? deprecationReason = null)
    {
        _values.RemoveAll(v => v.Name == name);
        _values.Add(new EnumValueDefinition(name, value ?? name) { Description = description, DeprecationReason = deprecationReason });
        return this;
    }

    internal override NamedType CreateType()
    {
        var t = new EnumType(Name) { Description = DescriptionText };
        foreach (var v in _values) t.AddValue(v);
        return t;
    }

    internal override void Complete(SchemaBuilder.BuildContext ctx)
    {
    }
}

/// <summary>Builds an input object type.</summary>
public sealed class InputObjectTypeBuilder(string name) : TypeBuilderBase(name)
{
    private readonly List<ArgumentBuilder> _fields = [];
    private InputObjectType? _type;
    private bool _oneOf;
    internal Type? ClrType { get; set; }

    /// <summary>Sets the description.</summary>
    public InputObjectTypeBuilder Description(string description)
    {
        DescriptionText = description;
        return this;
    }

    /// <summary>Marks this input as @oneOf: exactly one field must be provided.</summary>
    public InputObjectTypeBuilder OneOf()
    {
        _oneOf = true;
        return this;
    }

    /// <summary>Adds an input field of type <paramref name="type"/> (SDL, e.g. <c>String!</c>).</summary>
    public InputObjectTypeBuilder Field(string name, string type)
    {
        _fields.Add(new ArgumentBuilder(name, Parser.ParseType(type)));
        return this;
    }

    /// <summary>Field with a default value (an internal value, e.g. a CLR enum member).</summary>
    public InputObjectTypeBuilder Field<T>(string name, string type, T defaultValue, string? description = null)
    {
        _fields.Add(new ArgumentBuilder(name, Parser.ParseType(type)) { HasDefault = true, DefaultValue = defaultValue, Description = description });
        return this;
    }

    /// <summary>Adds and configures an input field.</summary>
    public InputObjectTypeBuilder Field(string name, string type, Action<ArgumentBuilder> configure)
    {
        var a = new ArgumentBuilder(name, Parser.ParseType(type));
        configure(a);
        _fields.Add(a);
        return this;
    }

    internal void AddField(ArgumentBuilder a) => _fields.Add(a);

    internal override NamedType CreateType() => _type = new InputObjectType(Name) { Description = DescriptionText, IsOneOf = _oneOf, ClrType = ClrType };

    internal override void Complete(SchemaBuilder.BuildContext ctx)
    {
        foreach (var f in _fields) _type!.AddField(BuildInputValue(ctx, Name, f));
    }
}

/// <summary>Builds a custom scalar type.</summary>
public sealed class ScalarTypeBuilder(ScalarType scalar) : TypeBuilderBase(scalar.Name)
{
    internal ScalarType Scalar { get; set; } = scalar;
    internal override NamedType CreateType()
    {
        if (DescriptionText is not null) Scalar.Description = DescriptionText;
        return Scalar;
    }

    internal override void Complete(SchemaBuilder.BuildContext ctx)
    {
    }
}

/// <summary>Builds a directive definition.</summary>
public sealed class DirectiveBuilder(string name, IReadOnlyList<DirectiveLocation> locations)
{
    internal string Name { get; } = name;
    private readonly List<ArgumentBuilder> _arguments = [];
    private string? _description;
    private bool _repeatable;

    /// <summary>Sets the description.</summary>
    public DirectiveBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Makes the directive repeatable.</summary>
    public DirectiveBuilder Repeatable(bool repeatable = true)
    {
        _repeatable = repeatable;
        return this;
    }

    /// <summary>Adds an argument of type <paramref name="type"/> (SDL).</summary>
    public DirectiveBuilder Argument(string name, string type, Action<ArgumentBuilder>? configure = null)
    {
        var a = new ArgumentBuilder(name, Parser.ParseType(type));
        configure?.Invoke(a);
        _arguments.Add(a);
        return this;
    }

    /// <summary>Adds an argument with a default value.</summary>
    public DirectiveBuilder Argument<T>(string name, string type, T defaultValue, string? description = null)
    {
        _arguments.Add(new ArgumentBuilder(name, Parser.ParseType(type)) { Description = description, HasDefault = true, DefaultValue = defaultValue });
        return this;
    }

    internal void AddArgument(ArgumentBuilder a) => _arguments.Add(a);

    internal DirectiveDefinition Create(SchemaBuilder.BuildContext ctx) => new(Name, locations)
    {
        Description = _description,
        IsRepeatable = _repeatable,
        Arguments = _arguments.Select(a => TypeBuilderBase.BuildInputValue(ctx, "@" + Name, a)).ToArray(),
    };
}
