using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests;

public class SchemaTests
{
    [Fact]
    public void RejectsInvalidInterfaceImplementation()
    {
        var ex = Assert.Throws<SchemaException>(() => new SchemaBuilder()
            .Interface("Named", i => i.Field("name", "String!"))
            .Object("Thing", o => o.Implements("Named").Field("name", "Int"))
            .Query(q => q.Field("thing", "Thing"))
            .Build());
        Assert.Contains("Interface field Named.name expects type String! but Thing.name is type Int.", ex.Errors);
    }

    [Fact]
    public void RejectsUnknownTypesAndBadUnionsAndEmptyTypes()
    {
        var ex = Assert.Throws<SchemaException>(() => new SchemaBuilder()
            .Object("A", o => o.Field("x", "Missing"))
            .Union("U", "A", "String")
            .Enum("E", _ => { })
            .Query(q => q.Field("a", "A"))
            .Build());
        Assert.Contains(ex.Errors, e => e.Contains("unknown type \"Missing\"", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("Union type U can only include Object types", StringComparison.Ordinal));
        Assert.Contains("Enum type E must define one or more values.", ex.Errors);
    }

    [Fact]
    public void RejectsNonNullInputCyclesAndBadOneOf()
    {
        var ex = Assert.Throws<SchemaException>(() => new SchemaBuilder()
            .InputObject("A", i => i.Field("b", "B!"))
            .InputObject("B", i => i.Field("a", "A!"))
            .InputObject("O", i => i.OneOf().Field("x", "Int!"))
            .Query(q => q.Field("f", "Int", f => f.Argument("a", "A").Argument("o", "O")))
            .Build());
        Assert.Contains(ex.Errors, e => e.StartsWith("Cannot reference Input Object \"A\" within itself", StringComparison.Ordinal));
        Assert.Contains("OneOf input field O.x must be nullable.", ex.Errors);
    }

    [Fact]
    public void RejectsOutputTypesAsArgumentsAndMissingTransitiveInterfaces()
    {
        var ex = Assert.Throws<SchemaException>(() => new SchemaBuilder()
            .Interface("Node", i => i.Field("id", "ID!"))
            .Interface("Entity", i => i.Implements("Node").Field("id", "ID!"))
            .Object("T", o => o.Implements("Entity").Field("id", "ID!").Field("f", "Int", f => f.Argument("t", "T")))
            .Query(q => q.Field("t", "T"))
            .Build());
        Assert.Contains("Type T must implement Node because it is implemented by Entity.", ex.Errors);
        Assert.Contains("The type of T.f(t:) must be Input Type but got: T.", ex.Errors);
    }

    private enum Color
    {
        Red,
        DarkBlue,
        [Obsolete("use Red")]
        Green,
    }

    [Fact]
    public async Task ClrEnumsMapToScreamingSnakeCaseBothWays()
    {
        var schema = new SchemaBuilder()
            .Enum<Color>()
            .Query(q => q.Field("echo", "Color!", f => f.Argument("c", "Color!").Resolve(ctx => ctx.Argument<Color>("c"))))
            .Build();
        Assert.Contains("  DARK_BLUE", schema.ToSdl(), StringComparison.Ordinal);
        Assert.Contains("GREEN @deprecated(reason: \"use Red\")", schema.ToSdl(), StringComparison.Ordinal);
        var result = await new GraphQLExecutor(schema).ExecuteAsync("{ echo(c: DARK_BLUE) }", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"echo":"DARK_BLUE"}}""", result.ToJson());
    }

    [Fact]
    public async Task DateTimeScalarParsesAndSerializesRfc3339()
    {
        var schema = new SchemaBuilder()
            .Scalar(new DateTimeScalar())
            .Query(q => q.Field("next", "DateTime!", f => f.Argument("after", "DateTime!")
                .Resolve(ctx => ctx.Argument<DateTimeOffset>("after").AddDays(1))))
            .Build();
        var executor = new GraphQLExecutor(schema);
        var ok = await executor.ExecuteAsync("{ next(after: \"2024-02-28T10:00:00+02:00\") }", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"next":"2024-02-29T08:00:00Z"}}""", ok.ToJson());
        var bad = await executor.ExecuteAsync("{ next(after: \"yesterday\") }", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("DateTime cannot represent value: \"yesterday\"", Assert.Single(bad.Errors).Message);
    }

    [Fact]
    public async Task SdlFirstSchemaWithResolversAttachedLater()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("type Query { hello(name: String = \"you\"): String! }")
            .Object("Query", q => q.Resolve("hello", ctx => "hi " + ctx.Argument<string>("name")))
            .Build();
        Assert.Equal("type Query {\n  hello(name: String = \"you\"): String!\n}", schema.ToSdl());
        var result = await new GraphQLExecutor(schema).ExecuteAsync("{ hello }", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"hello":"hi you"}}""", result.ToJson());
    }

    [Fact]
    public void CustomRootTypeNamesPrintSchemaBlock()
    {
        var schema = new SchemaBuilder().AddTypeDefinitions("schema { query: Root } type Root { a: Int }").Build();
        Assert.StartsWith("schema {\n  query: Root\n}", schema.ToSdl(), StringComparison.Ordinal);
    }
}
