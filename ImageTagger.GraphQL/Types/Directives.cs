using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Where a directive may appear (spec section 3.13); printed in SCREAMING_SNAKE_CASE.</summary>
public enum DirectiveLocation
{
    /// <summary>On the <c>query</c> keyword of an operation.</summary>
    Query,
    /// <summary>On the <c>mutation</c> keyword.</summary>
    Mutation,
    /// <summary>On the <c>subscription</c> keyword.</summary>
    Subscription,
    /// <summary>On a field in a selection set.</summary>
    Field,
    /// <summary>On a fragment definition.</summary>
    FragmentDefinition,
    /// <summary>On a fragment spread.</summary>
    FragmentSpread,
    /// <summary>On an inline fragment.</summary>
    InlineFragment,
    /// <summary>On a variable definition.</summary>
    VariableDefinition,
    /// <summary>On the schema definition.</summary>
    Schema,
    /// <summary>On a scalar type definition.</summary>
    Scalar,
    /// <summary>On an object type definition.</summary>
    Object,
    /// <summary>On a field definition.</summary>
    FieldDefinition,
    /// <summary>On an argument definition.</summary>
    ArgumentDefinition,
    /// <summary>On an interface type definition.</summary>
    Interface,
    /// <summary>On a union type definition.</summary>
    Union,
    /// <summary>On an enum type definition.</summary>
    Enum,
    /// <summary>On an enum value definition.</summary>
    EnumValue,
    /// <summary>On an input object type definition.</summary>
    InputObject,
    /// <summary>On an input field definition.</summary>
    InputFieldDefinition,
}

internal static class DirectiveLocationNames
{
    public static string ToSpecName(this DirectiveLocation location) =>
        EnumType.ToEnumName(location.ToString());

    public static bool TryParse(string name, out DirectiveLocation location)
    {
        location = default;
        return !name.Any(char.IsLower) && Enum.TryParse(name.Replace("_", "", StringComparison.Ordinal), true, out location)
            && location.ToSpecName() == name;
    }
}

/// <summary>A directive that a schema declares.</summary>
public sealed class DirectiveDefinition(string name, IReadOnlyList<DirectiveLocation> locations)
{
    /// <summary>The name, without <c>@</c>.</summary>
    public string Name { get; } = name;
    /// <summary>The description, printed in SDL and introspection.</summary>
    public string? Description { get; set; }
    /// <summary>Where the directive may be used.</summary>
    public IReadOnlyList<DirectiveLocation> Locations { get; } = locations;
    /// <summary>The directive's arguments.</summary>
    public IReadOnlyList<InputValueDefinition> Arguments { get; set; } = [];
    /// <summary>Whether the directive may appear more than once at one location.</summary>
    public bool IsRepeatable { get; set; }

    /// <summary>The argument called <paramref name="name"/>, or null.</summary>
    public InputValueDefinition? GetArgument(string name) => Arguments.FirstOrDefault(a => a.Name == name);
}

/// <summary>The directives every schema has (spec section 3.13).</summary>
public static class BuiltInDirectives
{
    /// <summary>The reason <c>@deprecated</c> gives when none is written.</summary>
    public const string DefaultDeprecationReason = "No longer supported";

    /// <c>@include(if:)</c>.
    public static readonly DirectiveDefinition Include = new("include", [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment])
    {
        Description = "Directs the executor to include this field or fragment only when the `if` argument is true.",
        Arguments = [new InputValueDefinition("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Included when true." }],
    };

    /// <c>@skip(if:)</c>.
    public static readonly DirectiveDefinition Skip = new("skip", [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment])
    {
        Description = "Directs the executor to skip this field or fragment when the `if` argument is true.",
        Arguments = [new InputValueDefinition("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Skipped when true." }],
    };

    /// <c>@deprecated(reason:)</c>.
    public static readonly DirectiveDefinition Deprecated = new("deprecated",
        [DirectiveLocation.FieldDefinition, DirectiveLocation.ArgumentDefinition, DirectiveLocation.InputFieldDefinition, DirectiveLocation.EnumValue])
    {
        Description = "Marks an element of a GraphQL schema as no longer supported.",
        Arguments =
        [
            new InputValueDefinition("reason", BuiltInScalars.String)
            {
                Description = "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
                HasDefaultValue = true,
                DefaultValueLiteral = new StringValueNode(DefaultDeprecationReason),
            },
        ],
    };

    /// <c>@specifiedBy(url:)</c>.
    public static readonly DirectiveDefinition SpecifiedBy = new("specifiedBy", [DirectiveLocation.Scalar])
    {
        Description = "Exposes a URL that specifies the behavior of this scalar.",
        Arguments = [new InputValueDefinition("url", new NonNullType(BuiltInScalars.String)) { Description = "The URL that specifies the behavior of this scalar." }],
    };

    /// <c>@oneOf</c> on input objects.
    public static readonly DirectiveDefinition OneOf = new("oneOf", [DirectiveLocation.InputObject])
    {
        Description = "Indicates exactly one field must be supplied and this field must not be `null`.",
    };

    /// <summary>All built-in directives.</summary>
    public static IReadOnlyList<DirectiveDefinition> All { get; } = [Include, Skip, Deprecated, SpecifiedBy, OneOf];

    /// <summary>Whether <paramref name="name"/> is a built-in directive.</summary>
    public static bool IsBuiltIn(string name) => name is "include" or "skip" or "deprecated" or "specifiedBy" or "oneOf";
}
