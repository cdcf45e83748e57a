using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests.Conformance;

/// <summary>Random (seeded) queries over the library schema, executed by both engines and compared as JSON.</summary>
public sealed class RandomQueryFixture
{
    public const int Count = 500;

    public RandomQueryFixture()
    {
        var schema = LibrarySchema.Build();
        var random = new Random(20211026);
        Queries = Enumerable.Range(0, Count).Select(_ => Generate(schema, random)).ToList();
        var items = Queries.Select(q => new JsonObject { ["kind"] = "execute", ["schema"] = "library", ["fixture"] = "library", ["query"] = q }).ToList();
        Oracle = NodeOracle.Run(new Dictionary<string, string> { ["library"] = LibrarySchema.Sdl }, items).Select(e => e.GetRawText()).ToList();
        Executor = new GraphQLExecutor(schema, new ExecutionOptions { ExposeExceptionMessages = true });
    }

    public IReadOnlyList<string> Queries { get; }
    public IReadOnlyList<string> Oracle { get; }
    public GraphQLExecutor Executor { get; }

    private static readonly string[] _strings = ["\"a\"", "\"o\"", "\"Ursula\"", "\"x\"", "\"\""];
    private static readonly string[] _ids = ["\"a1\"", "\"a2\"", "\"b1\"", "\"b3\"", "\"zz\"", "7"];

    private static string Generate(Schema schema, Random random)
    {
        var sb = new StringBuilder("{ ");
        Selection(schema.Query, 0, sb, random, schema);
        sb.Append('}');
        return sb.ToString();
    }

    private static void Selection(NamedType type, int depth, StringBuilder sb, Random random, Schema schema)
    {
        if (type is ComplexType ct)
        {
            var candidates = ct.Fields.Where(f => f.Name is not ("increment" or "addBook")).ToList();
            var count = random.Next(1, Math.Min(4, candidates.Count) + 1);
            var alias = 0;
            foreach (var field in candidates.OrderBy(_ => random.Next()).Take(count))
            {
                if (depth >= 3 && !field.Type.Named.IsLeafType) continue;
                if (random.Next(4) == 0) sb.Append('a').Append(alias++.ToString(CultureInfo.InvariantCulture)).Append(": ");
                sb.Append(field.Name);
                var args = field.Arguments.Where(a => a.Type is NonNullType || random.Next(2) == 0).ToList();
                if (args.Count > 0)
                {
                    sb.Append('(').Append(string.Join(", ", args.Select(a => a.Name + ": " + Literal(a.Type, random)))).Append(')');
                }
                if (!field.Type.Named.IsLeafType)
                {
                    sb.Append(" { ");
                    Selection(field.Type.Named, depth + 1, sb, random, schema);
                    sb.Append("} ");
                }
                else sb.Append(' ');
            }
            if (random.Next(3) == 0) sb.Append("__typename ");
            if (ct is InterfaceType && depth < 3) Fragments(ct, depth, sb, random, schema);
            else if (random.Next(5) == 0) sb.Append("__typename ");
        }
        else if (type is UnionType u)
        {
            sb.Append("__typename ");
            Fragments(u, depth, sb, random, schema);
        }
    }

    private static void Fragments(NamedType abstractType, int depth, StringBuilder sb, Random random, Schema schema)
    {
        foreach (var possible in schema.GetPossibleTypes(abstractType))
        {
            if (random.Next(3) == 0) continue;
            sb.Append("... on ").Append(possible.Name).Append(" { ");
            Selection(possible, depth + 1, sb, random, schema);
            sb.Append("} ");
        }
    }

    private static string Literal(GraphQLType type, Random random)
    {
        var nullable = type.NullableType;
        if (type is not NonNullType && random.Next(8) == 0) return "null";
        return nullable switch
        {
            ListType l => "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 3)).Select(_ => Literal(l.OfType, random))) + "]",
            EnumType e => e.Values[random.Next(e.Values.Count)].Name,
            InputObjectType { IsOneOf: true } io => "{ " + io.Fields[random.Next(io.Fields.Count)].Name + ": " + (random.Next(2) == 0 ? "\"b1\"" : "\"Robots\"") + " }",
            InputObjectType io => "{ " + string.Join(", ", io.Fields.Where(_ => random.Next(2) == 0).Select(f => f.Name + ": " + Literal(f.Type, random))) + " }",
            ScalarType { Name: "Int" } => random.Next(-1, 4).ToString(CultureInfo.InvariantCulture),
            ScalarType { Name: "Float" } => random.Next(2) == 0 ? "1.5" : "2",
            ScalarType { Name: "Boolean" } => random.Next(2) == 0 ? "true" : "false",
            ScalarType { Name: "ID" } => _ids[random.Next(_ids.Length)],
            _ => _strings[random.Next(_strings.Length)],
        };
    }
}

public sealed class RandomQueryConformanceTests(RandomQueryFixture fixture) : IClassFixture<RandomQueryFixture>
{
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < RandomQueryFixture.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public async Task RandomQueryGivesTheSameResultAsGraphQLJs(int index)
    {
        var query = fixture.Queries[index];
        var result = await fixture.Executor.ExecuteAsync(query, cancellationToken: TestContext.Current.CancellationToken);
        var ours = Normalize(JsonNode.Parse(result.ToJson())!);
        var theirs = Normalize(JsonNode.Parse(fixture.Oracle[index])!);
        Assert.True(theirs == ours, $"{query}\njs: {theirs}\nus: {ours}");
    }

    private static string Normalize(JsonNode node)
    {
        var obj = node.AsObject();
        var result = new JsonObject();
        if (obj["errors"] is JsonArray errors)
        {
            result["errors"] = new JsonArray(errors.Select(e => new JsonObject
            {
                ["message"] = e!["message"]!.DeepClone(),
                ["locations"] = e["locations"]?.DeepClone(),
                ["path"] = e["path"]?.DeepClone(),
            }).OrderBy(e => e.ToJsonString(), StringComparer.Ordinal).ToArray());
        }
        if (obj.ContainsKey("data")) result["data"] = obj["data"]?.DeepClone();
        return result.ToJsonString();
    }

    [Fact]
    public void MostRandomQueriesAreValidAndReturnData()
    {
        var withData = fixture.Oracle.Count(o => JsonNode.Parse(o)!.AsObject().ContainsKey("data"));
        Assert.True(withData > RandomQueryFixture.Count / 2, $"only {withData} executed");
    }
}
