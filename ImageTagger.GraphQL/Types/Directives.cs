using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

public enum DirectiveLocation
{
    Query, Mutation, Subscription, Field, FragmentDefinition, FragmentSpread, InlineFragment, VariableDefinition,
    Schema, Scalar, Object, FieldDefinition, ArgumentDefinition, Interface, Union, Enum, EnumValue, InputObject, InputFieldDefinition,
}

public static class DirectiveLocationNames
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

public sealed class DirectiveDefinition(string name, IReadOnlyList<DirectiveLocation> locations)
{
    public string Name { get; } = name;
    public string? Description { get; set; }
    public IReadOnlyList<DirectiveLocation> Locations { get; } = locations;
    public IReadOnlyList<InputValueDefinition> Arguments { get; set; } = [];
    public bool IsRepeatable { get; set; }

    public InputValueDefinition? GetArgument(string name) => Arguments.FirstOrDefault(a => a.Name == name);
}

public static class BuiltInDirectives
{
    public const string DefaultDeprecationReason = "No longer supported";

    public static readonly DirectiveDefinition Include = new("include", [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment])
    {
        Description = "Directs the executor to include this field or fragment only when the `if` argument is true.",
        Arguments = [new InputValueDefinition("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Included when true." }],
    };

    public static readonly DirectiveDefinition Skip = new("skip", [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment])
    {
        Description = "Directs the executor to skip this field or fragment when the `if` argument is true.",
        Arguments = [new InputValueDefinition("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Skipped when true." }],
    };

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

    public static readonly DirectiveDefinition SpecifiedBy = new("specifiedBy", [DirectiveLocation.Scalar])
    {
        Description = "Exposes a URL that specifies the behavior of this scalar.",
        Arguments = [new InputValueDefinition("url", new NonNullType(BuiltInScalars.String)) { Description = "The URL that specifies the behavior of this scalar." }],
    };

    public static readonly DirectiveDefinition OneOf = new("oneOf", [DirectiveLocation.InputObject])
    {
        Description = "Indicates exactly one field must be supplied and this field must not be `null`.",
    };

    public static IReadOnlyList<DirectiveDefinition> All { get; } = [Include, Skip, Deprecated, SpecifiedBy, OneOf];

    public static bool IsBuiltIn(string name) => name is "include" or "skip" or "deprecated" or "specifiedBy" or "oneOf";
}
