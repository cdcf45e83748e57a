using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Tests.Conformance;

/// <summary>Seeded random documents over the spec's validation schema, with deliberate mistakes; errors must equal graphql-js's.</summary>
public sealed class RandomValidationFixture
{
    public const int Count = 600;

    public RandomValidationFixture()
    {
        Schema = new SchemaBuilder().AddTypeDefinitions(ValidationCorpus.Sdl).Build();
        var random = new Random(5_2021);
        Documents = Enumerable.Range(0, Count).Select(_ => new Generator(Schema, random).Document()).ToList();
        var items = Documents.Select(d => new JsonObject { ["kind"] = "validate", ["schema"] = "spec", ["query"] = d }).ToList();
        var raw = NodeOracle.Run(new Dictionary<string, string> { ["spec"] = ValidationCorpus.Sdl }, items);
        Oracle = raw.Select(ValidationOracleFixture.TheirMessages).ToList();
        OracleThrew = raw.Select(r => r.TryGetProperty("exception", out _)).ToList();
    }

    public Schema Schema { get; }
    public IReadOnlyList<string> Documents { get; }
    public IReadOnlyList<IReadOnlyList<string>> Oracle { get; }
    /// <summary>graphql-js's validate() itself throws for some subscriptions (@skip/@include it cannot evaluate).</summary>
    public IReadOnlyList<bool> OracleThrew { get; }

    private sealed class Generator(Schema schema, Random random)
    {
        private static readonly string[] _literals = ["1", "1.5", "\"s\"", "true", "null", "BROWN", "SIT", "[1]", "{ requiredField: true }", "{ stringField: \"x\" }", "{}"];
        private static readonly string[] _varTypes = ["Int", "Int!", "String", "Boolean!", "[String]", "FurColor", "ComplexInput", "Dog", "DogCommand"];
        private static readonly string[] _typeNames = ["Dog", "Cat", "Pet", "CatOrDog", "Human", "Being", "Canine", "Alien", "QueryRoot", "Int"];
        private readonly List<string> _fragments = [];
        private readonly List<string> _vars = [];
        private readonly HashSet<string> _usedVars = [];
        private int _fragmentCount;

        public string Document()
        {
            var sb = new StringBuilder();
            var op = random.Next(10) switch { 0 => "mutation", 1 => "subscription", _ => "query" };
            var root = op switch { "mutation" => schema.Mutation!, "subscription" => schema.Subscription!, _ => (NamedType)schema.Query };
            var vars = Enumerable.Range(0, random.Next(0, 3)).Select(i => $"$v{i}: {_varTypes[random.Next(_varTypes.Length)]}").ToList();
            _vars.AddRange(vars.Select(v => v.Split(':')[0]));
            var body = Selection(root, 0);
            sb.Append(op).Append(" Q");
            if (vars.Count > 0) sb.Append('(').Append(string.Join(", ", vars)).Append(')');
            sb.Append(" { ").Append(body).Append('}');
            foreach (var f in _fragments) sb.Append(' ').Append(f);
            if (random.Next(8) == 0) sb.Append(" fragment Unused on Dog { name }");
            return sb.ToString();
        }

        private string Selection(NamedType type, int depth)
        {
            var sb = new StringBuilder();
            var fields = (type as ComplexType)?.Fields ?? [];
            var n = random.Next(1, 4);
            for (var i = 0; i < n; i++)
            {
                var choice = random.Next(12);
                if (choice == 0 || fields.Count == 0)
                {
                    // Inline fragment or named fragment on a random type.
                    var cond = _typeNames[random.Next(_typeNames.Length)];
                    var condType = schema.GetType(cond);
                    var inner = depth < 3 ? Selection(condType ?? type, depth + 1) : "__typename ";
                    if (random.Next(2) == 0 && _fragmentCount < 3)
                    {
                        var name = "F" + _fragmentCount++.ToString(CultureInfo.InvariantCulture);
                        _fragments.Add($"fragment {name} on {cond} {{ {inner}}}");
                        sb.Append("...").Append(name).Append(' ');
                    }
                    else sb.Append("... on ").Append(cond).Append(" { ").Append(inner).Append("} ");
                    continue;
                }
                if (choice == 1)
                {
                    sb.Append(random.Next(2) == 0 ? "unknownField " : "__typename ");
                    continue;
                }
                var field = fields[random.Next(fields.Count)];
                if (random.Next(5) == 0) sb.Append(random.Next(2) == 0 ? "x: " : "name: ");
                sb.Append(field.Name);
                var args = field.Arguments.Where(_ => random.Next(3) > 0).Select(a => a.Name + ": " + Value()).ToList();
                if (random.Next(10) == 0) args.Add("bogus: 1");
                if (args.Count > 0) sb.Append('(').Append(string.Join(", ", args)).Append(')');
                if (random.Next(10) == 0) sb.Append(random.Next(2) == 0 ? " @skip(if: " + Value() + ")" : " @onQuery");
                var named = field.Type.Named;
                if (named.IsCompositeType && depth < 3 && random.Next(8) > 0) sb.Append(" { ").Append(Selection(named, depth + 1)).Append('}');
                else if (!named.IsCompositeType && random.Next(10) == 0) sb.Append(" { name }");
                sb.Append(' ');
            }
            return sb.ToString();
        }

        private string Value()
        {
            if (random.Next(4) == 0)
            {
                var v = _vars.Count > 0 && random.Next(4) > 0 ? _vars[random.Next(_vars.Count)] : "$undefined";
                _usedVars.Add(v);
                return v;
            }
            return _literals[random.Next(_literals.Length)];
        }
    }
}

public sealed class RandomValidationTests(RandomValidationFixture fixture) : IClassFixture<RandomValidationFixture>
{
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < RandomValidationFixture.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void RandomDocumentHasTheSameErrorsAsGraphQLJs(int index)
    {
        var document = fixture.Documents[index];
        IReadOnlyList<string> ours;
        try
        {
            ours = DocumentValidator.Validate(fixture.Schema, Parser.Parse(document)).Select(e => e.Message).ToList();
        }
        catch (GraphQLSyntaxException ex)
        {
            ours = [ex.Message];
        }
        var theirs = fixture.Oracle[index];
        if (fixture.OracleThrew[index])
        {
            // graphql-js stops at that error; we report it too (first), then keep validating.
            Assert.True(ours.Count > 0 && ours[0] == theirs[0], $"{document}\njs threw: {theirs[0]}\nus: {string.Join(" | ", ours)}");
            return;
        }
        Assert.True(theirs.SequenceEqual(ours), $"{document}\njs: {string.Join(" | ", theirs)}\nus: {string.Join(" | ", ours)}");
    }

    [Fact]
    public void TheRandomCorpusContainsValidAndInvalidDocuments()
    {
        var valid = fixture.Oracle.Count(o => o.Count == 0);
        Assert.InRange(valid, 10, RandomValidationFixture.Count - 100);
    }
}
