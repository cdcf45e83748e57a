using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Tests.Conformance;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Tests;

/// <summary>
/// The engine reuses its validation context, rule visitors and execution scratch objects from request to request (per
/// thread). Many different documents run concurrently and repeatedly through one schema must give exactly what each gives
/// alone, so any state left behind by one request would show in another's result.
/// </summary>
public sealed class PooledStateIsolationTests
{
    private const int Passes = 4;

    [Fact]
    public void ValidatingManyDocumentsConcurrentlyGivesWhatEachGivesAlone()
    {
        var schema = new Types.SchemaBuilder().AddTypeDefinitions(ValidationCorpus.Sdl).Build();
        var documents = ValidationCorpus.All().Select(TryParse).OfType<DocumentNode>().ToArray();
        // Every other run stops at two errors: an aborted walk must not leave state behind either.
        int MaxErrors(int k) => k % 2 == 0 ? 100 : 2;
        // Alone: a rule list of its own gets a fresh context and fresh visitors.
        var alone = new string[documents.Length * 2];
        for (var i = 0; i < alone.Length; i++)
            alone[i] = Describe(DocumentValidator.Validate(schema, documents[i % documents.Length], SpecifiedRules.All.ToList(), MaxErrors(i / documents.Length)));
        Assert.Contains(alone, a => a.Length == 0);
        Assert.Contains(alone, a => a.Contains("Too many validation errors", StringComparison.Ordinal));

        var order = Shuffled(alone.Length * Passes, seed: 19);
        var together = new string[order.Length];
        Parallel.For(0, order.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var i = order[k] % alone.Length;
            together[k] = Describe(DocumentValidator.Validate(schema, documents[i % documents.Length], SpecifiedRules.All, MaxErrors(i / documents.Length)));
        });
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k] % alone.Length;
            Assert.True(alone[i] == together[k], $"{Printer.Print(documents[i % documents.Length])}\nalone: {alone[i]}\ntogether: {together[k]}");
        }
    }

    [Fact]
    public async Task ExecutingManyDocumentsConcurrentlyGivesWhatEachGivesAlone()
    {
        var schema = LibrarySchema.Build();
        var options = new ExecutionOptions { ExposeExceptionMessages = true, DocumentCacheSize = 0 };
        var cases = ExecutionOracleFixture.Cases;
        async Task<string> Run(GraphQLExecutor executor, ExecutionCase c)
        {
            var variables = c.Variables is null ? null : ValueHelper.FromJsonObject(JsonDocument.Parse(c.Variables).RootElement);
            var result = await executor.ExecuteAsync(new ExecutionRequest
            {
                Query = c.Query,
                Variables = variables,
                OperationName = c.OperationName,
                RootValue = new LibrarySchema.Counter(),
            }, TestContext.Current.CancellationToken);
            return Normalize(result.ToJson());
        }
        var alone = new string[cases.Length];
        for (var i = 0; i < cases.Length; i++) alone[i] = await Run(new GraphQLExecutor(schema, options), cases[i]);
        Assert.Contains(alone, a => a.Contains("\"errors\"", StringComparison.Ordinal));
        Assert.Contains(alone, a => !a.Contains("\"errors\"", StringComparison.Ordinal));

        var shared = new GraphQLExecutor(schema, options);
        var order = Shuffled(cases.Length * Passes * 4, seed: 8);
        var together = new string[order.Length];
        await Parallel.ForAsync(0, order.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (k, _) => together[k] = await Run(shared, cases[order[k] % cases.Length]));
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k] % cases.Length;
            Assert.True(alone[i] == together[k], $"{cases[i].Query}\nalone: {alone[i]}\ntogether: {together[k]}");
        }
    }

    private static DocumentNode? TryParse(string text)
    {
        try
        {
            return Parser.Parse(text);
        }
        catch (GraphQLSyntaxException)
        {
            return null;
        }
    }

    private static string Describe(IReadOnlyList<GraphQLError> errors) =>
        string.Join("\n", errors.Select(e => e.Message + " @ " + string.Join(",", e.Locations.Select(l => $"{l.Line}:{l.Column}"))));

    // Errors sorted: sibling fields may fail in any order within one request.
    private static string Normalize(string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        if (obj["errors"] is JsonArray errors)
        {
            var sorted = errors.Select(e => e!.ToJsonString()).Order(StringComparer.Ordinal).Select(e => JsonNode.Parse(e)).ToArray();
            obj["errors"] = new JsonArray(sorted);
        }
        return obj.ToJsonString();
    }

    private static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
