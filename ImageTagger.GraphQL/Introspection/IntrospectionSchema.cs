using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Introspection;

/// <summary>The introspection types (spec section 4) and the meta fields <c>__schema</c>, <c>__type</c>, <c>__typename</c>.</summary>
public static class IntrospectionSchema
{
    internal static readonly ObjectType SchemaType = new("__Schema")
    {
        Description = "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.",
    };
    internal static readonly ObjectType TypeType = new("__Type")
    {
        Description = "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.",
    };
    internal static readonly ObjectType FieldType = new("__Field") { Description = "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type." };
    internal static readonly ObjectType InputValueType = new("__InputValue") { Description = "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value." };
    internal static readonly ObjectType EnumValueType = new("__EnumValue") { Description = "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string." };
    internal static readonly ObjectType DirectiveType = new("__Directive")
    {
        Description = "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.",
    };
    internal static readonly EnumType TypeKindType = new("__TypeKind") { Description = "An enum describing what kind of type a given `__Type` is." };
    internal static readonly EnumType DirectiveLocationType = new("__DirectiveLocation") { Description = "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies." };

    internal static IReadOnlyList<NamedType> Types { get; } =
        [SchemaType, DirectiveType, DirectiveLocationType, TypeType, FieldType, InputValueType, EnumValueType, TypeKindType];

    internal static readonly FieldDefinition SchemaField = new("__schema", new NonNullType(SchemaType))
    {
        Description = "Access the current type schema of this server.",
        Resolver = ctx => new ValueTask<object?>(ctx.Schema),
    };

    internal static readonly FieldDefinition TypeField = new("__type", TypeType)
    {
        Description = "Request the type information of a single type.",
        Arguments = [new InputValueDefinition("name", new NonNullType(BuiltInScalars.String))],
        Resolver = ctx => new ValueTask<object?>(ctx.Schema.GetType((string)ctx.Arguments["name"]!)),
    };

    internal static readonly FieldDefinition TypeNameField = new("__typename", new NonNullType(BuiltInScalars.String))
    {
        Description = "The name of the current Object type at runtime.",
        Resolver = ctx => new ValueTask<object?>(ctx.ParentType.Name),
    };

    static IntrospectionSchema()
    {
        var str = BuiltInScalars.String;
        var nnStr = new NonNullType(str);
        var nnBool = new NonNullType(BuiltInScalars.Boolean);
        GraphQLType NnList(GraphQLType t) => new NonNullType(new ListType(new NonNullType(t)));
        InputValueDefinition IncludeDeprecated() => new("includeDeprecated", BuiltInScalars.Boolean)
        {
            HasDefaultValue = true,
            DefaultValueLiteral = new BooleanValueNode(false),
        };
        static FieldDefinition F(string name, GraphQLType type, Func<IResolverContext, object?> resolve, string? description = null) =>
            new(name, type) { Resolver = ctx => new ValueTask<object?>(resolve(ctx)), Description = description };
        static bool Include(IResolverContext ctx) => ctx.Arguments.GetValueOrDefault("includeDeprecated") is true;

        foreach (var kind in new[] { "SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "LIST", "NON_NULL" })
            TypeKindType.AddValue(new EnumValueDefinition(kind, kind));
        foreach (var loc in Enum.GetValues<DirectiveLocation>())
            DirectiveLocationType.AddValue(new EnumValueDefinition(loc.ToSpecName(), loc));

        SchemaType.AddField(F("description", str, c => c.Parent<Schema>().Description));
        SchemaType.AddField(F("types", NnList(TypeType), c => c.Parent<Schema>().Types.Values.ToList(), "A list of all types supported by this server."));
        SchemaType.AddField(F("queryType", new NonNullType(TypeType), c => c.Parent<Schema>().Query, "The type that query operations will be rooted at."));
        SchemaType.AddField(F("mutationType", TypeType, c => c.Parent<Schema>().Mutation, "If this server supports mutation, the type that mutation operations will be rooted at."));
        SchemaType.AddField(F("subscriptionType", TypeType, c => c.Parent<Schema>().Subscription, "If this server support subscription, the type that subscription operations will be rooted at."));
        SchemaType.AddField(F("directives", NnList(DirectiveType), c => c.Parent<Schema>().Directives.ToList(), "A list of all directives supported by this server."));

        TypeType.AddField(F("kind", new NonNullType(TypeKindType), c => c.Source switch
        {
            ScalarType => "SCALAR",
            ObjectType => "OBJECT",
            InterfaceType => "INTERFACE",
            UnionType => "UNION",
            EnumType => "ENUM",
            InputObjectType => "INPUT_OBJECT",
            ListType => "LIST",
            _ => "NON_NULL",
        }));
        TypeType.AddField(F("name", str, c => (c.Source as NamedType)?.Name));
        TypeType.AddField(F("description", str, c => (c.Source as NamedType)?.Description));
        TypeType.AddField(F("specifiedByURL", str, c => (c.Source as ScalarType)?.SpecifiedByUrl));
        TypeType.AddField(new FieldDefinition("fields", new ListType(new NonNullType(FieldType)))
        {
            Arguments = [IncludeDeprecated()],
            Resolver = c => new ValueTask<object?>(c.Source is ComplexType ct
                ? ct.Fields.Where(f => Include(c) || f.DeprecationReason is null).ToList() : null),
        });
        TypeType.AddField(F("interfaces", new ListType(new NonNullType(TypeType)), c => (c.Source as ComplexType)?.Interfaces));
        TypeType.AddField(F("possibleTypes", new ListType(new NonNullType(TypeType)), c => c.Source is InterfaceType or UnionType
            ? c.Schema.GetPossibleTypes((NamedType)c.Source) : null));
        TypeType.AddField(new FieldDefinition("enumValues", new ListType(new NonNullType(EnumValueType)))
        {
            Arguments = [IncludeDeprecated()],
            Resolver = c => new ValueTask<object?>(c.Source is EnumType et
                ? et.Values.Where(v => Include(c) || v.DeprecationReason is null).ToList() : null),
        });
        TypeType.AddField(new FieldDefinition("inputFields", new ListType(new NonNullType(InputValueType)))
        {
            Arguments = [IncludeDeprecated()],
            Resolver = c => new ValueTask<object?>(c.Source is InputObjectType io
                ? io.Fields.Where(v => Include(c) || v.DeprecationReason is null).ToList() : null),
        });
        TypeType.AddField(F("ofType", TypeType, c => c.Source switch
        {
            ListType l => l.OfType,
            NonNullType nn => nn.OfType,
            _ => null,
        }));
        TypeType.AddField(F("isOneOf", BuiltInScalars.Boolean, c => c.Source is InputObjectType io ? io.IsOneOf : null));

        FieldType.AddField(F("name", nnStr, c => c.Parent<FieldDefinition>().Name));
        FieldType.AddField(F("description", str, c => c.Parent<FieldDefinition>().Description));
        FieldType.AddField(new FieldDefinition("args", NnList(InputValueType))
        {
            Arguments = [IncludeDeprecated()],
            Resolver = c => new ValueTask<object?>(c.Parent<FieldDefinition>().Arguments.Where(a => Include(c) || a.DeprecationReason is null).ToList()),
        });
        FieldType.AddField(F("type", new NonNullType(TypeType), c => c.Parent<FieldDefinition>().Type));
        FieldType.AddField(F("isDeprecated", nnBool, c => c.Parent<FieldDefinition>().DeprecationReason is not null));
        FieldType.AddField(F("deprecationReason", str, c => c.Parent<FieldDefinition>().DeprecationReason));

        InputValueType.AddField(F("name", nnStr, c => c.Parent<InputValueDefinition>().Name));
        InputValueType.AddField(F("description", str, c => c.Parent<InputValueDefinition>().Description));
        InputValueType.AddField(F("type", new NonNullType(TypeType), c => c.Parent<InputValueDefinition>().Type));
        InputValueType.AddField(F("defaultValue", str, c =>
        {
            var iv = c.Parent<InputValueDefinition>();
            if (!iv.HasDefaultValue || iv.DefaultValueLiteral is null) return null;
            var internalValue = ValueCoercion.ValueFromAst(iv.DefaultValueLiteral, iv.Type, null);
            var ast = ReferenceEquals(internalValue, ValueHelper.Undefined) ? iv.DefaultValueLiteral : ValueHelper.AstFromValue(internalValue, iv.Type);
            return ast is null ? null : Printer.Print(ast);
        }, "A GraphQL-formatted string representing the default value for this input value."));
        InputValueType.AddField(F("isDeprecated", nnBool, c => c.Parent<InputValueDefinition>().DeprecationReason is not null));
        InputValueType.AddField(F("deprecationReason", str, c => c.Parent<InputValueDefinition>().DeprecationReason));

        EnumValueType.AddField(F("name", nnStr, c => c.Parent<EnumValueDefinition>().Name));
        EnumValueType.AddField(F("description", str, c => c.Parent<EnumValueDefinition>().Description));
        EnumValueType.AddField(F("isDeprecated", nnBool, c => c.Parent<EnumValueDefinition>().DeprecationReason is not null));
        EnumValueType.AddField(F("deprecationReason", str, c => c.Parent<EnumValueDefinition>().DeprecationReason));

        DirectiveType.AddField(F("name", nnStr, c => c.Parent<DirectiveDefinition>().Name));
        DirectiveType.AddField(F("description", str, c => c.Parent<DirectiveDefinition>().Description));
        DirectiveType.AddField(F("isRepeatable", nnBool, c => c.Parent<DirectiveDefinition>().IsRepeatable));
        DirectiveType.AddField(F("locations", NnList(DirectiveLocationType), c => c.Parent<DirectiveDefinition>().Locations.ToList()));
        DirectiveType.AddField(new FieldDefinition("args", NnList(InputValueType))
        {
            Arguments = [IncludeDeprecated()],
            Resolver = c => new ValueTask<object?>(c.Parent<DirectiveDefinition>().Arguments.Where(a => Include(c) || a.DeprecationReason is null).ToList()),
        });
        IntrospectionDescriptions.Apply();
    }

    /// <summary>The standard introspection query (as sent by GraphiQL / graphql-js getIntrospectionQuery with all options).</summary>
    public const string IntrospectionQuery = """
        query IntrospectionQuery {
          __schema {
            description
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description specifiedByURL isOneOf
          fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields(includeDeprecated: true) { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
        fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
        """;
}
