using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Introspection;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests.Conformance;

public sealed record ExecutionCase(string Query, string? Variables = null, string? OperationName = null);

/// <summary>Runs every execution case and the schema printing items through graphql-js in one node process.</summary>
public sealed class ExecutionOracleFixture
{
    public static readonly ExecutionCase[] Cases =
    [
        new("{ authors { id name rating } }"),
        new("{ books { id name published genre tags author { name } } }"),
        new("{ books { name author { name books { name } } } }"),
        new("{ authors { name books(first: 1) { name } } }"),
        new("{ authors { name books(genre: SCIENCE) { name genre } } }"),
        new("query ($g: Genre) { authors { name books(genre: $g) { name } } }", """{"g":"FICTION"}"""),
        new("{ node(id: \"b1\") { id ... on Book { name year } ... on Author { rating } __typename } }"),
        new("{ node(id: \"a2\") { id ... on Entity { name } ... on Author { books { id } } } }"),
        new("{ node(id: \"zz\") { id } }"),
        new("{ search(text: \"a\") { __typename ... on Author { name } ... on Book { name genre } } }"),
        new("{ search(text: \"o\") { ... on Entity { id name } } }"),
        new("query ($f: BookFilter) { books(filter: $f) { name } }", """{"f":{"genre":"FICTION","minYear":1960}}"""),
        new("query ($f: BookFilter) { books(filter: $f) { name } }", """{"f":{"genre":"NOPE"}}"""),
        new("query ($f: BookFilter) { books(filter: $f) { name } }", """{"f":{"unknown":1}}"""),
        new("query ($f: BookFilter) { books(filter: $f) { name } }", """{"f":"text"}"""),
        new("{ books(filter: { genre: SCIENCE }) { name } }"),
        new("{ book(ref: { id: \"b2\" }) { name } }"),
        new("{ book(ref: { name: \"Robots\" }) { id } }"),
        new("query ($r: BookRef!) { book(ref: $r) { name } }", """{"r":{"id":"b1"}}"""),
        new("query ($r: BookRef!) { book(ref: $r) { name } }", """{"r":{"id":"b1","name":"x"}}"""),
        new("query ($r: BookRef!) { book(ref: $r) { name } }", """{"r":{"id":null}}"""),
        new("{ echo }"),
        new("{ echo(value: \"x\", n: 3, f: 1.5, b: true, list: [1, 2], genre: SCIENCE) }"),
        new("{ echo(list: 5) }"),
        new("{ echo(f: 2) }"),
        new("{ echo(value: null) }"),
        new("{ echo(filter: {}) }"),
        new("{ echo(filter: { tags: \"solo\", minYear: 2000 }) }"),
        new("query ($n: Int, $l: [Int], $f: Float) { echo(n: $n, list: $l, f: $f) }", """{"n":42,"l":[1,null,3],"f":3}"""),
        new("query ($n: Int) { echo(n: $n) }", """{"n":1.5}"""),
        new("query ($n: Int) { echo(n: $n) }", """{"n":"1"}"""),
        new("query ($n: Int) { echo(n: $n) }", """{"n":3000000000}"""),
        new("query ($n: Int!) { echo(n: $n) }", "{}"),
        new("query ($n: Int!) { echo(n: $n) }", """{"n":null}"""),
        new("query ($n: Int = 7) { echo(n: $n) }", "{}"),
        new("query ($n: Int = 7) { echo(n: $n) }", """{"n":null}"""),
        new("query ($v: String) { echo(value: $v) }", "{}"),
        new("query ($l: [Int]) { echo(list: $l) }", """{"l":4}"""),
        new("query ($g: Genre) { echo(genre: $g) }", """{"g":"HISTORY"}"""),
        new("query ($g: Genre) { echo(genre: $g) }", """{"g":"fiction"}"""),
        new("query ($b: Boolean!) { authors { name @include(if: $b) id @skip(if: $b) } }", """{"b":true}"""),
        new("query ($b: Boolean!) { authors { ...F @include(if: $b) } } fragment F on Author { name }", """{"b":false}"""),
        new("{ authors { ... @skip(if: true) { name } id } }"),
        new("{ a: authors { n: name } b: authors { id } }"),
        new("{ authors { name } authors { id } }"),
        new("{ fail }"),
        new("{ fail authors { name } }"),
        new("{ failNonNull }"),
        new("{ nested { value failNonNull } authors { id } }"),
        new("{ nested { value } }"),
        new("{ __typename authors { __typename } }"),
        new("{ __type(name: \"Book\") { name kind fields { name isDeprecated } } }"),
        new("{ __type(name: \"Book\") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }"),
        new("{ __type(name: \"Genre\") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason description } } }"),
        new("{ __type(name: \"BookRef\") { isOneOf inputFields { name type { name kind } defaultValue } } }"),
        new("{ __type(name: \"BookFilter\") { isOneOf inputFields { name defaultValue } } }"),
        new("{ __type(name: \"DateTime\") { specifiedByURL kind } }"),
        new("{ __type(name: \"Entity\") { interfaces { name } possibleTypes { name } } }"),
        new("{ __type(name: \"SearchResult\") { possibleTypes { name } } }"),
        new("{ __schema { queryType { name } mutationType { name } subscriptionType { name } directives { name isRepeatable locations args { name defaultValue } } } }"),
        new("{ __type(name: \"Nope\") { name } }"),
        new("mutation { a: increment b: increment c: increment }"),
        new("mutation ($n: String!) { addBook(name: $n, genre: SCIENCE) { id name genre author { name } } }", """{"n":"Dune"}"""),
        new("query A { authors { id } } query B { books { id } }", null, "B"),
        new("query A { authors { id } } query B { books { id } }", null, "C"),
        new("query A { authors { id } } query B { books { id } }"),
        new("{ authors { id }"),
        new("{ authors { nope } }"),
        new("query Q($x: Int) { authors { id } }", """{"x":"not an int"}"""),
    ];

    public ExecutionOracleFixture()
    {
        Schema = LibrarySchema.Build(AuthorBatches);
        Executor = new GraphQLExecutor(Schema, new ExecutionOptions { ExposeExceptionMessages = true });
        var items = new List<JsonObject>();
        foreach (var c in Cases)
        {
            var item = new JsonObject { ["kind"] = "execute", ["schema"] = "library", ["fixture"] = "library", ["query"] = c.Query };
            if (c.Variables is not null) item["variables"] = JsonNode.Parse(c.Variables);
            if (c.OperationName is not null) item["operationName"] = c.OperationName;
            items.Add(item);
        }
        items.Add(new JsonObject { ["kind"] = "printSchema", ["schema"] = "library" });
        var introspection = Executor.ExecuteAsync(IntrospectionSchema.IntrospectionQuery).GetAwaiter().GetResult();
        items.Add(new JsonObject { ["kind"] = "printIntrospection", ["introspection"] = JsonNode.Parse(introspection.ToJson())!["data"]!.DeepClone() });
        items.Add(new JsonObject { ["kind"] = "print", ["query"] = ExecutionCasesForPrinting });
        items.Add(new JsonObject { ["kind"] = "execute", ["schema"] = "library", ["fixture"] = "library", ["query"] = IntrospectionSchema.IntrospectionQuery });
        items.Add(new JsonObject { ["kind"] = "print", ["query"] = LibrarySchema.Sdl });
        Oracle = NodeOracle.Run(new Dictionary<string, string> { ["library"] = LibrarySchema.Sdl }, items);
    }

    public const string ExecutionCasesForPrinting = """"
        query Q($a: Int = 1, $b: [String!]! = ["x"]) @cached(ttl: 5) { alias: field(arg: $a, obj: {a: 1, b: [1.5, "s", ENUM, null, true]}) @skip(if: false) { ...F ... on T { x } ... @include(if: true) { y } } }
        fragment F on T { z(s: """block
          string""") }
        mutation { m }
        subscription S { s }
        { anonymous }
        """";

    public Schema Schema { get; }
    public LibrarySchema.BatchCounter AuthorBatches { get; } = new();
    public GraphQLExecutor Executor { get; }
    public IReadOnlyList<JsonElement> Oracle { get; }
}

public sealed class ExecutionConformanceTests(ExecutionOracleFixture fixture) : IClassFixture<ExecutionOracleFixture>
{
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ExecutionOracleFixture.Cases.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public async Task ExecutionResultEqualsGraphQLJs(int index)
    {
        var c = ExecutionOracleFixture.Cases[index];
        var variables = c.Variables is null ? null : ValueHelper.FromJsonObject(JsonDocument.Parse(c.Variables).RootElement);
        var result = await fixture.Executor.ExecuteAsync(new ExecutionRequest
        {
            Query = c.Query,
            Variables = variables,
            OperationName = c.OperationName,
            RootValue = new LibrarySchema.Counter(),
        }, TestContext.Current.CancellationToken);
        var ours = Normalize(JsonNode.Parse(result.ToJson())!);
        var theirs = Normalize(JsonNode.Parse(fixture.Oracle[index].GetRawText())!);
        Assert.Equal(theirs.ToJsonString(), ours.ToJsonString());
    }

    // Errors are compared without order (resolution order may differ) and without extensions.
    private static JsonNode Normalize(JsonNode node)
    {
        var obj = node.AsObject();
        var result = new JsonObject();
        if (obj["errors"] is JsonArray errors)
        {
            var list = errors.Select(e => new JsonObject
            {
                ["message"] = e!["message"]!.DeepClone(),
                ["locations"] = e["locations"]?.DeepClone(),
                ["path"] = e["path"]?.DeepClone(),
            }).OrderBy(e => e.ToJsonString(), StringComparer.Ordinal).ToArray();
            result["errors"] = new JsonArray(list);
        }
        if (obj.ContainsKey("data")) result["data"] = obj["data"]?.DeepClone();
        return result;
    }

    [Fact]
    public void PrintedSchemaEqualsGraphQLJsPrintSchema()
    {
        var theirs = fixture.Oracle[ExecutionOracleFixture.Cases.Length].GetProperty("sdl").GetString();
        Assert.Equal(theirs, fixture.Schema.ToSdl());
    }

    [Fact]
    public void IntrospectionRebuiltByGraphQLJsPrintsTheSameSchema()
    {
        var theirs = fixture.Oracle[ExecutionOracleFixture.Cases.Length].GetProperty("sdl").GetString();
        var fromIntrospection = fixture.Oracle[ExecutionOracleFixture.Cases.Length + 1].GetProperty("sdl").GetString();
        Assert.Equal(theirs, fromIntrospection);
    }

    [Fact]
    public void PrinterOutputEqualsGraphQLJsPrint()
    {
        var theirs = fixture.Oracle[ExecutionOracleFixture.Cases.Length + 2].GetProperty("printed").GetString();
        Assert.Equal(theirs, Language.Printer.Print(Language.Parser.Parse(ExecutionOracleFixture.ExecutionCasesForPrinting)));
    }

    [Fact]
    public async Task IntrospectionResultEqualsGraphQLJs()
    {
        var ours = JsonNode.Parse((await fixture.Executor.ExecuteAsync(IntrospectionSchema.IntrospectionQuery, cancellationToken: TestContext.Current.CancellationToken)).ToJson())!;
        var theirs = JsonNode.Parse(fixture.Oracle[ExecutionOracleFixture.Cases.Length + 3].GetRawText())!;
        // Type order in the list is an implementation detail; everything else (fields, args, defaults, descriptions) must match.
        static string Canonical(JsonNode result)
        {
            var schema = result["data"]!["__schema"]!.AsObject();
            var types = schema["types"]!.AsArray().Select(t => t!.DeepClone())
                .OrderBy(t => t["name"]!.GetValue<string>(), StringComparer.Ordinal).ToArray();
            var copy = schema.DeepClone().AsObject();
            copy["types"] = new JsonArray(types);
            return copy.ToJsonString();
        }
        Assert.Equal(Canonical(theirs), Canonical(ours));
    }

    [Fact]
    public void SdlPrinterOutputEqualsGraphQLJsPrint()
    {
        var theirs = fixture.Oracle[ExecutionOracleFixture.Cases.Length + 4].GetProperty("printed").GetString();
        Assert.Equal(theirs, Language.Printer.Print(Language.Parser.Parse(LibrarySchema.Sdl)));
    }

    [Fact]
    public async Task DataLoaderBatchesAuthorsOfAllBooksIntoOneCall()
    {
        var before = fixture.AuthorBatches.Calls;
        var result = await fixture.Executor.ExecuteAsync("{ authors { books { author { name books { author { id } } } } } }", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(result.Errors);
        // All Book.author loads of the first level go into one batch; the second level is served from the per-request cache.
        Assert.Equal(1, fixture.AuthorBatches.Calls - before);
        var names = result.ToJsonElement().GetProperty("data").GetProperty("authors")[1].GetProperty("books")[0].GetProperty("author").GetProperty("name").GetString();
        Assert.Equal("Isaac", names);
    }
}
