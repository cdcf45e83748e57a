using System.Text;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Prints a schema as SDL, in the exact format of graphql-js <c>printSchema</c>.</summary>
public static class SchemaPrinter
{
    /// <summary>Prints the schema as SDL in graphql-js's <c>printSchema</c> format (built-in types left out).</summary>
    public static string Print(Schema schema)
    {
        var parts = new List<string>();
        if (PrintSchemaDefinition(schema) is { } sd) parts.Add(sd);
        parts.AddRange(schema.Directives.Where(d => !BuiltInDirectives.IsBuiltIn(d.Name)).Select(PrintDirective));
        parts.AddRange(schema.Types.Values
            .Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal) && !(t is ScalarType && BuiltInScalars.IsBuiltIn(t.Name)))
            .Select(PrintType));
        return string.Join("\n\n", parts);
    }

    private static string? PrintSchemaDefinition(Schema schema)
    {
        var common = schema.Query.Name == "Query" && (schema.Mutation is null || schema.Mutation.Name == "Mutation")
            && (schema.Subscription is null || schema.Subscription.Name == "Subscription");
        if (schema.Description is null && common) return null;
        var ops = new List<string> { $"  query: {schema.Query.Name}" };
        if (schema.Mutation is not null) ops.Add($"  mutation: {schema.Mutation.Name}");
        if (schema.Subscription is not null) ops.Add($"  subscription: {schema.Subscription.Name}");
        return PrintDescription(schema.Description) + "schema {\n" + string.Join("\n", ops) + "\n}";
    }

    /// <summary>Prints one type definition as SDL.</summary>
    public static string PrintType(NamedType type) => type switch
    {
        ScalarType s => PrintDescription(s.Description) + "scalar " + s.Name +
            (s.SpecifiedByUrl is null ? "" : $" @specifiedBy(url: {Printer.PrintString(s.SpecifiedByUrl)})"),
        ObjectType o => PrintDescription(o.Description) + "type " + o.Name + Interfaces(o) + Fields(o),
        InterfaceType i => PrintDescription(i.Description) + "interface " + i.Name + Interfaces(i) + Fields(i),
        UnionType u => PrintDescription(u.Description) + "union " + u.Name + (u.Types.Count > 0 ? " = " + string.Join(" | ", u.Types.Select(t => t.Name)) : ""),
        EnumType e => PrintDescription(e.Description) + "enum " + e.Name + Block(e.Values.Select((v, i) =>
            PrintDescription(v.Description, "  ", i == 0) + "  " + v.Name + Deprecated(v.DeprecationReason))),
        InputObjectType io => PrintDescription(io.Description) + "input " + io.Name + (io.IsOneOf ? " @oneOf" : "") +
            Block(io.Fields.Select((f, i) => PrintDescription(f.Description, "  ", i == 0) + "  " + InputValue(f))),
        _ => throw new ArgumentException("Unknown type", nameof(type)),
    };

    private static string Interfaces(ComplexType t) =>
        t.Interfaces.Count > 0 ? " implements " + string.Join(" & ", t.Interfaces.Select(i => i.Name)) : "";

    private static string Fields(ComplexType t) => Block(t.Fields.Select((f, i) =>
        PrintDescription(f.Description, "  ", i == 0) + "  " + f.Name + Args(f.Arguments, "  ") + ": " + f.Type + Deprecated(f.DeprecationReason)));

    private static string Block(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count > 0 ? " {\n" + string.Join("\n", list) + "\n}" : "";
    }

    private static string Args(IReadOnlyList<InputValueDefinition> args, string indentation = "")
    {
        if (args.Count == 0) return "";
        if (args.All(a => a.Description is null)) return "(" + string.Join(", ", args.Select(InputValue)) + ")";
        return "(\n" + string.Join("\n", args.Select((a, i) =>
            PrintDescription(a.Description, "  " + indentation, i == 0) + "  " + indentation + InputValue(a))) + "\n" + indentation + ")";
    }

    private static string InputValue(InputValueDefinition arg)
    {
        var s = arg.Name + ": " + arg.Type;
        if (arg.HasDefaultValue && arg.DefaultValueLiteral is not null)
        {
            // Normalise through the internal value so the output matches graphql-js's astFromValue(defaultValue).
            var internalValue = ValueCoercion.ValueFromAst(arg.DefaultValueLiteral, arg.Type, null);
            var ast = ReferenceEquals(internalValue, ValueHelper.Undefined) ? arg.DefaultValueLiteral : ValueHelper.AstFromValue(internalValue, arg.Type);
            if (ast is not null) s += " = " + Printer.Print(ast);
        }
        return s + Deprecated(arg.DeprecationReason);
    }

    private static string PrintDirective(DirectiveDefinition d) =>
        PrintDescription(d.Description) + "directive @" + d.Name + Args(d.Arguments) + (d.IsRepeatable ? " repeatable" : "") +
        " on " + string.Join(" | ", d.Locations.Select(l => l.ToSpecName()));

    private static string Deprecated(string? reason) => reason is null ? ""
        : reason == BuiltInDirectives.DefaultDeprecationReason ? " @deprecated"
        : $" @deprecated(reason: {Printer.PrintString(reason)})";

    internal static string PrintDescription(string? description, string indentation = "", bool firstInBlock = true)
    {
        if (description is null) return "";
        var printed = IsPrintableAsBlockString(description) ? Printer.PrintBlockString(description) : Printer.PrintString(description);
        var prefix = indentation.Length > 0 && !firstInBlock ? "\n" + indentation : indentation;
        return prefix + printed.Replace("\n", "\n" + indentation, StringComparison.Ordinal) + "\n";
    }

    internal static bool IsPrintableAsBlockString(string value)
    {
        if (value.Length == 0) return true;
        bool isEmptyLine = true, hasIndent = false, hasCommonIndent = true, seenNonEmptyLine = false;
        foreach (var c in value)
        {
            switch (c)
            {
                case '\0' or '\u0001' or '\u0002' or '\u0003' or '\u0004' or '\u0005' or '\u0006' or '\u0007' or '\b' or '\v' or '\f' or '\u000e' or '\u000f' or '\r':
                    return false;
                case '\n':
                    if (isEmptyLine && !seenNonEmptyLine) return false;
                    seenNonEmptyLine = true;
                    isEmptyLine = true;
                    hasIndent = false;
                    break;
                case '\t' or ' ':
                    hasIndent = hasIndent || isEmptyLine;
                    break;
                default:
                    hasCommonIndent = hasCommonIndent && hasIndent;
                    isEmptyLine = false;
                    break;
            }
        }
        if (isEmptyLine) return false;
        if (hasCommonIndent && seenNonEmptyLine) return false;
        return true;
    }
}
