using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Tests.Conformance;

/// <summary>Validates the whole corpus with graphql-js once (one node process) and with our engine.</summary>
public sealed class ValidationOracleFixture
{
    public ValidationOracleFixture()
    {
        Documents = ValidationCorpus.All();
        Schema = new SchemaBuilder().AddTypeDefinitions(ValidationCorpus.Sdl).Build();
        var items = Documents.Select(d => new JsonObject { ["kind"] = "validate", ["schema"] = "spec", ["query"] = d }).ToList();
        Oracle = NodeOracle.Run(new Dictionary<string, string> { ["spec"] = ValidationCorpus.Sdl }, items);
    }

    public IReadOnlyList<string> Documents { get; }
    public Schema Schema { get; }
    public IReadOnlyList<JsonElement> Oracle { get; }

    public IReadOnlyList<GraphQLError> Ours(string document)
    {
        try
        {
            return DocumentValidator.Validate(Schema, Parser.Parse(document));
        }
        catch (GraphQLSyntaxException ex)
        {
            return ex.Errors!;
        }
    }

    // graphql-js itself throws for a few documents (e.g. a subscription whose @include needs a variable): count that as rejection.
    public static IReadOnlyList<string> TheirMessages(JsonElement result) => result.TryGetProperty("exception", out var ex)
        ? [ex.GetString()!]
        : result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
}

public sealed class ValidationConformanceTests(ValidationOracleFixture fixture) : IClassFixture<ValidationOracleFixture>
{
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ValidationCorpus.All().Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void AcceptsAndRejectsExactlyLikeGraphQLJs(int index)
    {
        var document = fixture.Documents[index];
        var theirs = ValidationOracleFixture.TheirMessages(fixture.Oracle[index]);
        var ours = fixture.Ours(document).Select(e => e.Message).ToList();
        Assert.True(theirs.Count == 0 == (ours.Count == 0),
            $"Document: {document}\ngraphql-js: {string.Join(" | ", theirs)}\nours: {string.Join(" | ", ours)}");
    }

    [Fact]
    public void CorpusIsLargeAndMixed()
    {
        var invalid = fixture.Oracle.Count(r => ValidationOracleFixture.TheirMessages(r).Count > 0);
        Assert.True(fixture.Documents.Count >= 500, $"only {fixture.Documents.Count} documents");
        Assert.InRange(invalid, 100, fixture.Documents.Count - 100);
    }

    [Fact]
    public void ErrorMessagesMatchGraphQLJsForAlmostAllDocuments()
    {
        var mismatches = new List<string>();
        for (var i = 0; i < fixture.Documents.Count; i++)
        {
            var theirs = ValidationOracleFixture.TheirMessages(fixture.Oracle[i]);
            var ours = fixture.Ours(fixture.Documents[i]).Select(e => e.Message).ToList();
            if (!theirs.SequenceEqual(ours))
                mismatches.Add($"{fixture.Documents[i]}\n  js: {string.Join(" | ", theirs)}\n  us: {string.Join(" | ", ours)}");
        }
        // Messages and their order are identical to graphql-js for the whole corpus.
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches:\n" + string.Join("\n", mismatches.Take(40)));
    }

    [Fact]
    public void ErrorLocationsMatchGraphQLJs()
    {
        var mismatches = 0;
        var compared = 0;
        for (var i = 0; i < fixture.Documents.Count; i++)
        {
            if (!fixture.Oracle[i].TryGetProperty("errors", out var theirErrors)) continue;
            var theirs = theirErrors.EnumerateArray().ToList();
            var ours = fixture.Ours(fixture.Documents[i]);
            if (theirs.Count != ours.Count) continue;
            for (var j = 0; j < ours.Count; j++)
            {
                compared++;
                var theirLocs = theirs[j].TryGetProperty("locations", out var l) && l.ValueKind == JsonValueKind.Array
                    ? l.EnumerateArray().Select(x => (x.GetProperty("line").GetInt32(), x.GetProperty("column").GetInt32())).ToList()
                    : [];
                var ourLocs = ours[j].Locations.Select(x => (x.Line, x.Column)).ToList();
                if (!theirLocs.SequenceEqual(ourLocs)) mismatches++;
            }
        }
        Assert.True(compared > 100);
        Assert.True(mismatches == 0, $"{mismatches} of {compared} errors have different locations");
    }
}
