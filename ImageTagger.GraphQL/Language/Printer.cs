using System.Text;

namespace ImageTagger.GraphQL.Language;

/// <summary>Prints syntax trees back to GraphQL source, in the same format as graphql-js <c>print</c>.</summary>
public static class Printer
{
    private const int MaxLineLength = 80;

    /// <summary>Prints a syntax node as GraphQL in graphql-js's <c>print</c> format.</summary>
    public static string Print(SyntaxNode node) => node switch
    {
        NameNode n => n.Value,
        DocumentNode d => Join(d.Definitions.Select(Print), "\n\n"),
        OperationDefinitionNode o => PrintOperation(o),
        VariableDefinitionNode v => $"${v.Variable.Name.Value}: {Print(v.Type)}{Wrap(" = ", v.DefaultValue is null ? null : Print(v.DefaultValue))}{Wrap(" ", Directives(v.Directives))}",
        SelectionSetNode s => Block(s.Selections.Select(Print)),
        FieldNode f => PrintField(f),
        FragmentSpreadNode fs => "..." + fs.Name.Value + Wrap(" ", Directives(fs.Directives)),
        InlineFragmentNode inf => Join(["...", Wrap("on ", inf.TypeCondition?.Name.Value), Directives(inf.Directives), Print(inf.SelectionSet)], " "),
        FragmentDefinitionNode fd => $"fragment {fd.Name.Value} on {fd.TypeCondition.Name.Value} {Wrap("", Directives(fd.Directives), " ")}{Print(fd.SelectionSet)}",
        ArgumentNode a => a.Name.Value + ": " + Print(a.Value),
        VariableNode v => "$" + v.Name.Value,
        IntValueNode i => i.Value,
        FloatValueNode f => f.Value,
        StringValueNode s => s.Block ? PrintBlockString(s.Value) : PrintString(s.Value),
        BooleanValueNode b => b.Value ? "true" : "false",
        NullValueNode => "null",
        EnumValueNode e => e.Value,
        ListValueNode l => "[" + Join(l.Values.Select(Print), ", ") + "]",
        ObjectValueNode o => "{" + Join(o.Fields.Select(Print), ", ") + "}",
        ObjectFieldNode of => of.Name.Value + ": " + Print(of.Value),
        DirectiveNode d => "@" + d.Name.Value + Wrap("(", Join(d.Arguments.Select(Print), ", "), ")"),
        NamedTypeNode n => n.Name.Value,
        ListTypeNode l => "[" + Print(l.Type) + "]",
        NonNullTypeNode nn => Print(nn.Type) + "!",
        SchemaDefinitionNode s => Desc(s.Description) + Join([s.IsExtension ? "extend schema" : "schema", Directives(s.Directives), Block(s.OperationTypes.Select(Print))], " "),
        OperationTypeDefinitionNode ot => ot.Operation.ToString().ToLowerInvariant() + ": " + ot.Type.Name.Value,
        ScalarTypeDefinitionNode s => Desc(s.Description) + Join([Kw(s, "scalar"), s.Name.Value, Directives(s.Directives)], " "),
        ObjectTypeDefinitionNode o => Desc(o.Description) + Join([Kw(o, "type"), o.Name.Value, Wrap("implements ", Join(o.Interfaces.Select(Print), " & ")), Directives(o.Directives), Block(o.Fields.Select(Print))], " "),
        InterfaceTypeDefinitionNode o => Desc(o.Description) + Join([Kw(o, "interface"), o.Name.Value, Wrap("implements ", Join(o.Interfaces.Select(Print), " & ")), Directives(o.Directives), Block(o.Fields.Select(Print))], " "),
        UnionTypeDefinitionNode u => Desc(u.Description) + Join([Kw(u, "union"), u.Name.Value, Directives(u.Directives), Wrap("= ", Join(u.Types.Select(Print), " | "))], " "),
        EnumTypeDefinitionNode e => Desc(e.Description) + Join([Kw(e, "enum"), e.Name.Value, Directives(e.Directives), Block(e.Values.Select(Print))], " "),
        EnumValueDefinitionNode ev => Desc(ev.Description) + Join([ev.Name.Value, Directives(ev.Directives)], " "),
        InputObjectTypeDefinitionNode io => Desc(io.Description) + Join([Kw(io, "input"), io.Name.Value, Directives(io.Directives), Block(io.Fields.Select(Print))], " "),
        FieldDefinitionNode fd => Desc(fd.Description) + fd.Name.Value + Args(fd.Arguments) + ": " + Print(fd.Type) + Wrap(" ", Directives(fd.Directives)),
        InputValueDefinitionNode iv => Desc(iv.Description) + Join([iv.Name.Value + ": " + Print(iv.Type), Wrap("= ", iv.DefaultValue is null ? null : Print(iv.DefaultValue)), Directives(iv.Directives)], " "),
        DirectiveDefinitionNode dd => Desc(dd.Description) + "directive @" + dd.Name.Value + Args(dd.Arguments) + (dd.Repeatable ? " repeatable" : "") + " on " + Join(dd.Locations.Select(l => l.Value), " | "),
        _ => throw new ArgumentException($"Cannot print {node.GetType().Name}.", nameof(node)),
    };

    private static string Kw(TypeSystemDefinitionNode n, string keyword) => n.IsExtension ? "extend " + keyword : keyword;

    private static string Desc(StringValueNode? d) => d is null ? "" : Print(d) + "\n";

    private static string Args(IReadOnlyList<InputValueDefinitionNode> args)
    {
        var printed = args.Select(Print).ToList();
        return printed.Any(a => a.Contains('\n'))
            ? Wrap("(\n", Indent(Join(printed, "\n")), "\n)")
            : Wrap("(", Join(printed, ", "), ")");
    }

    private static string PrintOperation(OperationDefinitionNode o)
    {
        var varDefs = Wrap("(", Join(o.VariableDefinitions.Select(Print), ", "), ")");
        var prefix = Join([o.Operation.ToString().ToLowerInvariant(), Join([o.Name?.Value, varDefs], ""), Directives(o.Directives)], " ");
        return (prefix == "query" ? "" : prefix + " ") + Print(o.SelectionSet);
    }

    private static string PrintField(FieldNode f)
    {
        var prefix = Wrap("", f.Alias?.Value, ": ") + f.Name.Value;
        var args = f.Arguments.Select(Print).ToList();
        var argsLine = prefix + Wrap("(", Join(args, ", "), ")");
        if (argsLine.Length > MaxLineLength) argsLine = prefix + Wrap("(\n", Indent(Join(args, "\n")), "\n)");
        return Join([argsLine, Directives(f.Directives), f.SelectionSet is null ? null : Print(f.SelectionSet)], " ");
    }

    private static string Directives(IReadOnlyList<DirectiveNode> directives) => Join(directives.Select(Print), " ");

    private static string Join(IEnumerable<string?> parts, string separator) =>
        string.Join(separator, parts.Where(p => !string.IsNullOrEmpty(p)));

    private static string Block(IEnumerable<string?> items) => Wrap("{\n", Indent(Join(items, "\n")), "\n}");

    private static string Wrap(string start, string? value, string end = "") =>
        string.IsNullOrEmpty(value) ? "" : start + value + end;

    private static string Indent(string s) => Wrap("  ", s.Replace("\n", "\n  ", StringComparison.Ordinal));

    internal static string PrintString(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>Same layout rules as graphql-js <c>printBlockString</c>.</summary>
    public static string PrintBlockString(string value)
    {
        var escaped = value.Replace("\"\"\"", "\\\"\"\"", StringComparison.Ordinal);
        var lines = escaped.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        var isSingleLine = lines.Length == 1;
        var forceLeadingNewLine = lines.Length > 1 && lines.Skip(1).All(l => l.Length == 0 || l[0] is ' ' or '\t');
        var hasTrailingTripleQuotes = escaped.EndsWith("\\\"\"\"", StringComparison.Ordinal);
        var hasTrailingQuote = value.EndsWith('"') && !hasTrailingTripleQuotes;
        var hasTrailingSlash = value.EndsWith('\\');
        var forceTrailingNewline = hasTrailingQuote || hasTrailingSlash;
        var printAsMultipleLines = !isSingleLine || value.Length > 70 || forceTrailingNewline || forceLeadingNewLine || hasTrailingTripleQuotes;
        var skipLeadingNewLine = isSingleLine && value.Length > 0 && value[0] is ' ' or '\t';
        var result = new StringBuilder("\"\"\"");
        if ((printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine) result.Append('\n');
        result.Append(escaped);
        if (printAsMultipleLines || forceTrailingNewline) result.Append('\n');
        return result.Append("\"\"\"").ToString();
    }
}
