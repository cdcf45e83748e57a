using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Conversions between JSON, literals and CLR values, and graphql-js style <c>inspect</c>.</summary>
internal static class ValueHelper
{
    /// <summary>Marker for "no value" (JavaScript's undefined): distinct from an explicit null.</summary>
    public static readonly object Undefined = new UndefinedValue();

    private sealed class UndefinedValue
    {
        public override string ToString() => "undefined";
    }

    /// <summary>JSON element to plain CLR values: string, long/double, bool, null, List, Dictionary.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    public static Dictionary<string, object?>? FromJsonObject(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? (Dictionary<string, object?>)FromJson(e)! : null;

    /// <summary>Same output as graphql-js <c>inspect()</c>, used in error messages.</summary>
    public static string Inspect(object? value, int depth = 0)
    {
        switch (value)
        {
            case null: return "null";
            case UndefinedValue: return "undefined";
            case string s: return JsonSerializer.Serialize(s);
            case bool b: return b ? "true" : "false";
            case double d: return FormatNumber(d);
            case float f: return FormatNumber(f);
            case int or long or short or decimal or uint or ulong or byte: return Convert.ToString(value, CultureInfo.InvariantCulture)!;
            case JsonElement je: return Inspect(FromJson(je), depth);
            case Enum e: return e.ToString();
            case IDictionary<string, object?> dict:
                if (dict.Count == 0) return "{}";
                if (depth >= 2) return "[Object]";
                return "{ " + string.Join(", ", dict.Select(kv => kv.Key + ": " + Inspect(kv.Value, depth + 1))) + " }";
            case IEnumerable list:
                {
                    var items = list.Cast<object?>().ToList();
                    if (items.Count == 0) return "[]";
                    if (depth >= 2) return "[Array]";
                    var shown = items.Take(10).Select(i => Inspect(i, depth + 1)).ToList();
                    if (items.Count > 10) shown.Add($"... {items.Count - 10} more item{(items.Count - 10 > 1 ? "s" : "")}");
                    return "[" + string.Join(", ", shown) + "]";
                }
            default:
                return value.ToString() ?? "";
        }
    }

    private static string FormatNumber(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Literal to plain CLR values without type information (used by custom scalars).</summary>
    public static object? LiteralToJsonLike(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) => node switch
    {
        NullValueNode => null,
        IntValueNode i => long.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : double.Parse(i.Value, CultureInfo.InvariantCulture),
        FloatValueNode f => double.Parse(f.Value, CultureInfo.InvariantCulture),
        StringValueNode s => s.Value,
        BooleanValueNode b => b.Value,
        EnumValueNode e => e.Value,
        ListValueNode l => l.Values.Select(v => LiteralToJsonLike(v, variables)).ToList(),
        ObjectValueNode o => o.Fields.ToDictionary(f => f.Name.Value, f => LiteralToJsonLike(f.Value, variables), StringComparer.Ordinal),
        VariableNode v => variables?.GetValueOrDefault(v.Name.Value),
        _ => null,
    };

    /// <summary>Plain JSON-like CLR value (as a scalar serializes) to a literal.</summary>
    public static ValueNode? AstFromJsonLike(object? value) => value switch
    {
        null => new NullValueNode(),
        bool b => new BooleanValueNode(b),
        int or long or short or byte or uint => new IntValueNode(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        double d when double.IsFinite(d) => d == Math.Floor(d) && Math.Abs(d) < 1e21 ? new IntValueNode(d.ToString("0", CultureInfo.InvariantCulture)) : new FloatValueNode(FormatNumber(d)),
        float f => AstFromJsonLike((double)f),
        decimal m => AstFromJsonLike((double)m),
        string s => new StringValueNode(s),
        IDictionary<string, object?> dict => new ObjectValueNode(dict.Select(kv => new ObjectFieldNode(new NameNode(kv.Key), AstFromJsonLike(kv.Value)!)).ToList()),
        IEnumerable list => new ListValueNode(list.Cast<object?>().Select(i => AstFromJsonLike(i)!).ToList()),
        _ => new StringValueNode(value.ToString() ?? ""),
    };

    /// <summary>Internal value to a literal of the given input type (graphql-js <c>astFromValue</c>); null if not representable.</summary>
    public static ValueNode? AstFromValue(object? value, GraphQLType type)
    {
        if (type is NonNullType nn)
        {
            var inner = AstFromValue(value, nn.OfType);
            return inner is NullValueNode ? null : inner;
        }
        if (value is null) return new NullValueNode();
        switch (type)
        {
            case ListType lt:
                if (value is IEnumerable e && value is not string && value is not IDictionary<string, object?>)
                {
                    var items = new List<ValueNode>();
                    foreach (var item in e)
                    {
                        if (AstFromValue(item, lt.OfType) is { } n) items.Add(n);
                    }
                    return new ListValueNode(items);
                }
                return AstFromValue(value, lt.OfType);
            case InputObjectType io:
                {
                    var fields = new List<ObjectFieldNode>();
                    foreach (var f in io.Fields)
                    {
                        if (!TryGetMember(value, f.Name, out var fv)) continue;
                        if (AstFromValue(fv, f.Type) is { } n) fields.Add(new ObjectFieldNode(new NameNode(f.Name), n));
                    }
                    return new ObjectValueNode(fields);
                }
            case EnumType et:
                return et.FindByInternalValue(value) is { } ev ? new EnumValueNode(ev.Name) : null;
            case ScalarType st:
                return st.ToLiteral(value);
            default:
                return null;
        }
    }

    /// <summary>Reads a member by name from a dictionary or CLR object (case-insensitive property match).</summary>
    public static bool TryGetMember(object source, string name, out object? value)
    {
        switch (source)
        {
            case IDictionary<string, object?> d:
                return d.TryGetValue(name, out value);
            case JsonElement { ValueKind: JsonValueKind.Object } je:
                if (je.TryGetProperty(name, out var p))
                {
                    value = p;
                    return true;
                }
                value = null;
                return false;
            default:
                var getter = MemberAccessor.Get(source.GetType(), name);
                if (getter is null)
                {
                    value = null;
                    return false;
                }
                value = getter(source);
                return true;
        }
    }

    internal static string PrintPath(IEnumerable<object> path)
    {
        var sb = new StringBuilder();
        foreach (var p in path)
        {
            if (p is int i) sb.Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append(']');
            else sb.Append('.').Append(p);
        }
        return sb.ToString();
    }
}
