using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Tests.Conformance;
using ImageTagger.GraphQL.Types;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Tests;

/// <summary>Each rule of spec section 5 on its own: one accepted and one rejected document with the graphql-js message.</summary>
public class ValidationRuleTests
{
    private static readonly Schema _schema = new SchemaBuilder().AddTypeDefinitions(ValidationCorpus.Sdl).Build();

    private static IReadOnlyList<GraphQLError> Run(string rule, string document)
    {
        var r = SpecifiedRules.All.Single(x => x.Name == rule || x.Name == rule.Replace("Rule", "", StringComparison.Ordinal));
        return DocumentValidator.Validate(_schema, Parser.Parse(document), [r]);
    }

    [Theory]
    [InlineData("ExecutableDefinitions", "{ dog { name } }", "type Cow { name: String } { dog { name } }", "The \"Cow\" definition is not executable.")]
    [InlineData("UniqueOperationNames", "query A { dog { name } } query B { dog { name } }", "query A { dog { name } } query A { cat { name } }", "There can be only one operation named \"A\".")]
    [InlineData("LoneAnonymousOperation", "{ dog { name } }", "{ dog { name } } query B { dog { name } }", "This anonymous operation must be the only defined operation.")]
    [InlineData("SingleFieldSubscriptions", "subscription S { newMessage { body } }", "subscription S { newMessage { body } importantEmails }", "Subscription \"S\" must select only one top level field.")]
    [InlineData("KnownTypeNames", "query ($a: Int) { dog { name } }", "query ($a: Intt) { dog { name } }", "Unknown type \"Intt\". Did you mean \"Int\"?")]
    [InlineData("FragmentsOnCompositeTypes", "fragment F on Dog { name }", "fragment F on FurColor { name }", "Fragment \"F\" cannot condition on non composite type \"FurColor\".")]
    [InlineData("VariablesAreInputTypes", "query ($a: ComplexInput) { dog { name } }", "query ($a: Dog) { dog { name } }", "Variable \"$a\" cannot be non-input type \"Dog\".")]
    [InlineData("ScalarLeafs", "{ dog { name } }", "{ dog }", "Field \"dog\" of type \"Dog\" must have a selection of subfields. Did you mean \"dog { ... }\"?")]
    [InlineData("FieldsOnCorrectType", "{ dog { barkVolume } }", "{ dog { meowVolume } }", "Cannot query field \"meowVolume\" on type \"Dog\". Did you mean \"barkVolume\"?")]
    [InlineData("UniqueFragmentNames", "fragment A on Dog { name } fragment B on Dog { name }", "fragment A on Dog { name } fragment A on Dog { nickname }", "There can be only one fragment named \"A\".")]
    [InlineData("KnownFragmentNames", "{ dog { ...A } } fragment A on Dog { name }", "{ dog { ...B } }", "Unknown fragment \"B\".")]
    [InlineData("NoUnusedFragments", "{ dog { ...A } } fragment A on Dog { name }", "{ dog { name } } fragment A on Dog { name }", "Fragment \"A\" is never used.")]
    [InlineData("PossibleFragmentSpreads", "{ pet { ... on Dog { name } } }", "{ dog { ... on Cat { name } } }", "Fragment cannot be spread here as objects of type \"Dog\" can never be of type \"Cat\".")]
    [InlineData("NoFragmentCycles", "fragment A on Dog { ...B } fragment B on Dog { name }", "fragment A on Dog { ...B } fragment B on Dog { ...A }", "Cannot spread fragment \"A\" within itself via \"B\".")]
    [InlineData("UniqueVariableNames", "query ($a: Int, $b: Int) { dog { name } }", "query ($a: Int, $a: Int) { dog { name } }", "There can be only one variable named \"$a\".")]
    [InlineData("NoUndefinedVariables", "query ($a: Boolean) { dog { isHouseTrained(atOtherHomes: $a) } }", "query Q { dog { isHouseTrained(atOtherHomes: $a) } }", "Variable \"$a\" is not defined by operation \"Q\".")]
    [InlineData("NoUnusedVariables", "query ($a: Boolean) { dog { isHouseTrained(atOtherHomes: $a) } }", "query Q($a: Boolean) { dog { name } }", "Variable \"$a\" is never used in operation \"Q\".")]
    [InlineData("KnownDirectives", "{ dog { name @skip(if: true) } }", "{ dog @onQuery { name } }", "Directive \"@onQuery\" may not be used on FIELD.")]
    [InlineData("UniqueDirectivesPerLocation", "{ dog { name @repeatable @repeatable } }", "{ dog { name @skip(if: true) @skip(if: false) } }", "The directive \"@skip\" can only be used once at this location.")]
    [InlineData("KnownArgumentNames", "{ dog { doesKnowCommand(dogCommand: SIT) } }", "{ dog { doesKnowCommand(command: SIT) } }", "Unknown argument \"command\" on field \"Dog.doesKnowCommand\". Did you mean \"dogCommand\"?")]
    [InlineData("UniqueArgumentNames", "{ dog { isAtLocation(x: 1, y: 2) } }", "{ dog { isAtLocation(x: 1, x: 2) } }", "There can be only one argument named \"x\".")]
    [InlineData("ValuesOfCorrectType", "{ complicatedArgs { intArgField(intArg: 3) } }", "{ complicatedArgs { intArgField(intArg: \"3\") } }", "Int cannot represent non-integer value: \"3\"")]
    [InlineData("ProvidedRequiredArguments", "{ complicatedArgs { multipleReqs(req1: 1, req2: 2) } }", "{ complicatedArgs { multipleReqs(req1: 1) } }", "Field \"multipleReqs\" argument \"req2\" of type \"Int!\" is required, but it was not provided.")]
    [InlineData("VariablesInAllowedPosition", "query ($i: Int!) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }", "query ($i: Int) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }", "Variable \"$i\" of type \"Int\" used in position expecting type \"Int!\".")]
    [InlineData("OverlappingFieldsCanBeMerged", "{ dog { name name } }", "{ dog { name: nickname name } }", "Fields \"name\" conflict because \"nickname\" and \"name\" are different fields. Use different aliases on the fields to fetch both if this was intentional.")]
    [InlineData("UniqueInputFieldNames", "{ complicatedArgs { complexArgField(complexArg: { requiredField: true }) } }", "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, requiredField: false }) } }", "There can be only one input field named \"requiredField\".")]
    public void RuleAcceptsValidAndRejectsInvalid(string rule, string valid, string invalid, string message)
    {
        Assert.Empty(Run(rule, valid));
        var error = Assert.Single(Run(rule, invalid));
        Assert.Equal(message, error.Message);
        Assert.NotEmpty(error.Locations);
    }

    [Fact]
    public void AllSpecifiedRulesAreCovered()
    {
        Assert.Equal(26, SpecifiedRules.All.Count);
        Assert.Equal(26, SpecifiedRules.All.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void OverlappingFieldsReportsNestedConflicts()
    {
        var error = Assert.Single(Run("OverlappingFieldsCanBeMerged", "{ dog { mother { name } mother { name: nickname } } }"));
        Assert.Equal("Fields \"mother\" conflict because subfields \"name\" conflict because \"name\" and \"nickname\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", error.Message);
        Assert.Equal(4, error.Locations.Count);
    }

    [Fact]
    public void ValidationStopsAtErrorLimit()
    {
        var doc = "{ " + string.Join(" ", Enumerable.Range(0, 50).Select(i => "unknown" + i)) + " }";
        var errors = DocumentValidator.Validate(_schema, Parser.Parse(doc), SpecifiedRules.All, maxErrors: 10);
        Assert.Equal(11, errors.Count);
        Assert.Equal("Too many validation errors, error limit reached. Validation aborted.", errors[^1].Message);
    }
}
