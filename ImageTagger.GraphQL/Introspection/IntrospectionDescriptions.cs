using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Introspection;

/// <summary>graphql-js's descriptions of the introspection types, so tools see identical documentation.</summary>
internal static class IntrospectionDescriptions
{
    public static void Apply()
    {
        Set("__Schema", null, "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.");
        Set("__Schema", "description", null);
        Set("__Schema", "types", "A list of all types supported by this server.");
        Set("__Schema", "queryType", "The type that query operations will be rooted at.");
        Set("__Schema", "mutationType", "If this server supports mutation, the type that mutation operations will be rooted at.");
        Set("__Schema", "subscriptionType", "If this server support subscription, the type that subscription operations will be rooted at.");
        Set("__Schema", "directives", "A list of all directives supported by this server.");
        Set("__Directive", null, "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.");
        Set("__Directive", "name", null);
        Set("__Directive", "description", null);
        Set("__Directive", "isRepeatable", null);
        Set("__Directive", "locations", null);
        Set("__Directive", "args", null);
        Set("__DirectiveLocation", null, "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.");
        Set("__DirectiveLocation", "QUERY", "Location adjacent to a query operation.");
        Set("__DirectiveLocation", "MUTATION", "Location adjacent to a mutation operation.");
        Set("__DirectiveLocation", "SUBSCRIPTION", "Location adjacent to a subscription operation.");
        Set("__DirectiveLocation", "FIELD", "Location adjacent to a field.");
        Set("__DirectiveLocation", "FRAGMENT_DEFINITION", "Location adjacent to a fragment definition.");
        Set("__DirectiveLocation", "FRAGMENT_SPREAD", "Location adjacent to a fragment spread.");
        Set("__DirectiveLocation", "INLINE_FRAGMENT", "Location adjacent to an inline fragment.");
        Set("__DirectiveLocation", "VARIABLE_DEFINITION", "Location adjacent to a variable definition.");
        Set("__DirectiveLocation", "SCHEMA", "Location adjacent to a schema definition.");
        Set("__DirectiveLocation", "SCALAR", "Location adjacent to a scalar definition.");
        Set("__DirectiveLocation", "OBJECT", "Location adjacent to an object type definition.");
        Set("__DirectiveLocation", "FIELD_DEFINITION", "Location adjacent to a field definition.");
        Set("__DirectiveLocation", "ARGUMENT_DEFINITION", "Location adjacent to an argument definition.");
        Set("__DirectiveLocation", "INTERFACE", "Location adjacent to an interface definition.");
        Set("__DirectiveLocation", "UNION", "Location adjacent to a union definition.");
        Set("__DirectiveLocation", "ENUM", "Location adjacent to an enum definition.");
        Set("__DirectiveLocation", "ENUM_VALUE", "Location adjacent to an enum value definition.");
        Set("__DirectiveLocation", "INPUT_OBJECT", "Location adjacent to an input object type definition.");
        Set("__DirectiveLocation", "INPUT_FIELD_DEFINITION", "Location adjacent to an input object field definition.");
        Set("__Type", null, "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.");
        Set("__Type", "kind", null);
        Set("__Type", "name", null);
        Set("__Type", "description", null);
        Set("__Type", "specifiedByURL", null);
        Set("__Type", "fields", null);
        Set("__Type", "interfaces", null);
        Set("__Type", "possibleTypes", null);
        Set("__Type", "enumValues", null);
        Set("__Type", "inputFields", null);
        Set("__Type", "ofType", null);
        Set("__Type", "isOneOf", null);
        Set("__Field", null, "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.");
        Set("__Field", "name", null);
        Set("__Field", "description", null);
        Set("__Field", "args", null);
        Set("__Field", "type", null);
        Set("__Field", "isDeprecated", null);
        Set("__Field", "deprecationReason", null);
        Set("__InputValue", null, "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.");
        Set("__InputValue", "name", null);
        Set("__InputValue", "description", null);
        Set("__InputValue", "type", null);
        Set("__InputValue", "defaultValue", "A GraphQL-formatted string representing the default value for this input value.");
        Set("__InputValue", "isDeprecated", null);
        Set("__InputValue", "deprecationReason", null);
        Set("__EnumValue", null, "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.");
        Set("__EnumValue", "name", null);
        Set("__EnumValue", "description", null);
        Set("__EnumValue", "isDeprecated", null);
        Set("__EnumValue", "deprecationReason", null);
        Set("__TypeKind", null, "An enum describing what kind of type a given `__Type` is.");
        Set("__TypeKind", "SCALAR", "Indicates this type is a scalar.");
        Set("__TypeKind", "OBJECT", "Indicates this type is an object. `fields` and `interfaces` are valid fields.");
        Set("__TypeKind", "INTERFACE", "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields.");
        Set("__TypeKind", "UNION", "Indicates this type is a union. `possibleTypes` is a valid field.");
        Set("__TypeKind", "ENUM", "Indicates this type is an enum. `enumValues` is a valid field.");
        Set("__TypeKind", "INPUT_OBJECT", "Indicates this type is an input object. `inputFields` is a valid field.");
        Set("__TypeKind", "LIST", "Indicates this type is a list. `ofType` is a valid field.");
        Set("__TypeKind", "NON_NULL", "Indicates this type is a non-null. `ofType` is a valid field.");
    }

    private static void Set(string typeName, string? member, string? description)
    {
        var type = IntrospectionSchema.Types.First(t => t.Name == typeName);
        if (member is null)
        {
            type.Description = description;
            return;
        }
        switch (type)
        {
            case ComplexType ct when ct.GetField(member) is { } f:
                f.Description = description;
                break;
            case EnumType et when et.GetValue(member) is { } v:
                v.Description = description;
                break;
        }
    }
}
