using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Tests;

public class LanguageTests
{
    [Fact]
    public void ParsesOperationsWithLocations()
    {
        var doc = Parser.Parse("query Q($id: ID! = \"1\") @dir {\n  a: node(id: $id) { ...F ... on T { x } }\n}\nfragment F on T { y }");
        var op = Assert.IsType<OperationDefinitionNode>(doc.Definitions[0]);
        Assert.Equal("Q", op.Name!.Value);
        Assert.Equal(OperationType.Query, op.Operation);
        var field = Assert.IsType<FieldNode>(op.SelectionSet.Selections[0]);
        Assert.Equal("a", field.ResponseKey);
        Assert.Equal(new Location(33, 73, 2, 3), field.Location);
        Assert.IsType<FragmentSpreadNode>(field.SelectionSet!.Selections[0]);
        Assert.IsType<InlineFragmentNode>(field.SelectionSet.Selections[1]);
        Assert.Single(doc.Fragments);
    }

    [Fact]
    public void NamesSurviveTheBoundedNameTable()
    {
        // Names are shared through a per-thread table that starts over when full and skips long names:
        // more distinct names than it holds, a long one and repeats must all come back exactly.
        var names = Enumerable.Range(0, 3000).Select(i => "f" + i).Append(new string('n', 100)).Append("f7").ToList();
        var doc = Parser.Parse("{ " + string.Join(" ", names) + " }");
        var parsed = Assert.IsType<OperationDefinitionNode>(doc.Definitions[0]).SelectionSet.Selections.Cast<FieldNode>().Select(f => f.Name.Value);
        Assert.Equal(names, parsed);
        Assert.Equal("f7", Assert.IsType<FieldNode>(Parser.Parse("{ f7 }").Definitions.OfType<OperationDefinitionNode>().Single().SelectionSet.Selections[0]).Name.Value);
    }

    [Theory]
    [InlineData("{ a", "Syntax Error: Expected Name, found <EOF>.", 1, 4)]
    [InlineData("{ a { } }", "Syntax Error: Expected Name, found \"}\".", 1, 7)]
    [InlineData("query { a(x: ) }", "Syntax Error: Unexpected \")\".", 1, 14)]
    [InlineData("{ a(x: \"abc) }", "Syntax Error: Unterminated string.", 1, 15)]
    [InlineData("{ a(x: 0x1) }", "Syntax Error: Invalid number, expected digit but got: \"x\".", 1, 9)]
    [InlineData("{ a ? }", "Syntax Error: Unexpected character: \"?\".", 1, 5)]
    [InlineData("fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10)]
    [InlineData("query ($a: Int = $b) { a }", "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 18)]
    [InlineData("\n\n  notAKeyword { a }", "Syntax Error: Unexpected Name \"notAKeyword\".", 3, 3)]
    public void ReportsSyntaxErrorsLikeGraphQLJs(string source, string message, int line, int column)
    {
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(source));
        Assert.Equal(message, ex.Message);
        Assert.Equal(new SourceLocation(line, column), ex.SourceLocation);
    }

    [Fact]
    public void BlockStringsRemoveCommonIndentation()
    {
        var value = Parser.ParseValue("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\"");
        Assert.Equal("Hello,\n  World!\n\nYours,\n  GraphQL.", Assert.IsType<StringValueNode>(value).Value);
        var escaped = Parser.ParseValue("\"\"\"a \\\"\"\" b\"\"\"");
        Assert.Equal("a \"\"\" b", ((StringValueNode)escaped).Value);
    }

    [Fact]
    public void StringEscapesIncludingUnicode()
    {
        var v = (StringValueNode)Parser.ParseValue("\"a\\nb\\u0041\\u{1F600}\\\\\"");
        Assert.Equal("a\nbA\U0001F600\\", v.Value);
    }

    [Fact]
    public void ParsesFullTypeSystemLanguage()
    {
        const string sdl = """
            "Schema description"
            schema @a { query: Q mutation: M }
            extend schema @b
            "A scalar" scalar Date @specifiedBy(url: "https://example.com")
            extend scalar Date @c
            type T implements & I & J @d { "field" f(a: Int = 1 @e, b: [String!]!): String @deprecated(reason: "x") }
            extend type T { g: Int }
            interface I implements J { f(a: Int): String }
            extend interface I @f
            union U = | A | B
            extend union U = C
            enum E { A @deprecated B }
            extend enum E { C }
            input In @oneOf { a: Int b: String = "x" }
            extend input In { c: Int }
            directive @d(x: Int) repeatable on FIELD_DEFINITION | OBJECT
            """;
        var doc = Parser.Parse(sdl);
        Assert.Equal(15, doc.Definitions.Count);
        var schema = Assert.IsType<SchemaDefinitionNode>(doc.Definitions[0]);
        Assert.Equal("Schema description", schema.Description!.Value);
        Assert.True(((SchemaDefinitionNode)doc.Definitions[1]).IsExtension);
        var type = Assert.IsType<ObjectTypeDefinitionNode>(doc.Definitions[4]);
        Assert.True(((ObjectTypeDefinitionNode)doc.Definitions[5]).IsExtension);
        Assert.Equal(["I", "J"], type.Interfaces.Select(i => i.Name.Value));
        Assert.Equal("field", type.Fields[0].Description!.Value);
        var directive = Assert.IsType<DirectiveDefinitionNode>(doc.Definitions[14]);
        Assert.True(directive.Repeatable);
        Assert.Equal(["FIELD_DEFINITION", "OBJECT"], directive.Locations.Select(l => l.Value));
        // Printing and re-parsing gives the same text.
        var printed = Printer.Print(doc);
        Assert.Equal(printed, Printer.Print(Parser.Parse(printed)));
        Assert.Contains("extend union U = C", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsUnknownDirectiveLocationAndDescriptionsOnOperations()
    {
        Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse("directive @x on NOWHERE"));
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse("\"desc\" query { a }"));
        Assert.Contains("descriptions are supported only on type definitions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrinterFormatsLikeGraphQLJs()
    {
        var printed = Printer.Print(Parser.Parse("query   { a(x:1,y:{b:[1,2]})   @skip(if:true) { b } }"));
        Assert.Equal("{\n  a(x: 1, y: {b: [1, 2]}) @skip(if: true) {\n    b\n  }\n}", printed);
    }

    [Fact]
    public void MaxTokensStopsHugeDocuments()
    {
        var doc = "{ " + string.Join(" ", Enumerable.Range(0, 100).Select(i => "f" + i)) + " }";
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(doc, new ParserOptions { MaxTokens = 50 }));
        Assert.Contains("more than 50 tokens", ex.Message, StringComparison.Ordinal);
    }
}

public class RobustnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void DeepNestingIsASyntaxErrorNotAStackOverflow()
    {
        var deep = string.Concat(Enumerable.Repeat("{ a ", 100_000)) + string.Concat(Enumerable.Repeat("}", 100_000));
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(deep));
        Assert.Contains("nesting exceeds the maximum depth of 128", ex.Message, StringComparison.Ordinal);
        var list = "{ a(x: " + new string('[', 10_000) + new string(']', 10_000) + ") }";
        Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(list));
    }

    [Fact]
    public async Task LongFragmentChainsAreHandled()
    {
        var schema = new Types.SchemaBuilder().Object("T", o => o.Field("t", "T", _ => new object()).Field("v", "Int", _ => 1))
            .Query(q => q.Field("t", "T", _ => new object())).Build();
        var fragments = string.Join(" ", Enumerable.Range(0, 800).Select(i => $"fragment F{i} on T {{ v ...F{i + 1} }}")) + " fragment F800 on T { v }";
        var result = await new Execution.GraphQLExecutor(schema, new Execution.ExecutionOptions { MaxTokens = 100_000 })
            .ExecuteAsync("{ t { ...F0 } } " + fragments, cancellationToken: Ct);
        Assert.Empty(result.Errors);
        Assert.Equal("""{"data":{"t":{"v":1}}}""", result.ToJson());
        var cyclic = await new Execution.GraphQLExecutor(schema, new Execution.ExecutionOptions { MaxTokens = 100_000 })
            .ExecuteAsync("{ t { ...F0 } } " + fragments.Replace("fragment F800 on T { v }", "fragment F800 on T { ...F0 }", StringComparison.Ordinal), cancellationToken: Ct);
        Assert.StartsWith("Cannot spread fragment \"F0\" within itself via", Assert.Single(cyclic.Errors).Message, StringComparison.Ordinal);
    }
}
