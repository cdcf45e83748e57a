using System.Globalization;
using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>
/// A leaf type. Override the three coercions for custom scalars. Values from variables arrive as
/// JSON-shaped CLR values (string, long, double, bool, null, IList, IDictionary).
/// </summary>
public abstract class ScalarType(string name) : NamedType(name)
{
    /// <summary>URL of the scalar's specification (@specifiedBy).</summary>
    public string? SpecifiedByUrl { get; set; }

    /// <summary>Result coercion: CLR value from a resolver to a JSON-serializable value. Throw <see cref="GraphQLException"/> if invalid.</summary>
    public abstract object? Serialize(object value);

    /// <summary>Input coercion of a variable value.</summary>
    public abstract object? ParseValue(object value);

    /// <summary>Input coercion of a literal (never a variable or null node).</summary>
    public abstract object? ParseLiteral(ValueNode literal);

    /// <summary>Converts an internal value back to a literal, for printing default values.</summary>
    public virtual ValueNode? ToLiteral(object? value) => Execution.ValueHelper.AstFromJsonLike(Serialize(value!));

    /// <summary>An error for a value this scalar cannot take, to throw from the parse and serialize methods.</summary>
    protected static GraphQLException Fail(string message) => new(message);
}

/// <summary>The built-in scalars of the specification.</summary>
public static class BuiltInScalars
{
    // Descriptions are graphql-js's, so introspection output is identical.
    /// <c>Int</c>: signed 32-bit integers.
    public static readonly ScalarType Int = new IntScalar
    {
        Description = "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1.",
    };
    /// <c>Float</c>: double-precision numbers.
    public static readonly ScalarType Float = new FloatScalar
    {
        Description = "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).",
    };
    /// <c>String</c>: UTF-8 text.
    public static readonly ScalarType String = new StringScalar
    {
        Description = "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text.",
    };
    /// <c>Boolean</c>.
    public static readonly ScalarType Boolean = new BooleanScalar { Description = "The `Boolean` scalar type represents `true` or `false`." };
    /// <c>ID</c>: an opaque identifier, serialized as a string.
    public static readonly ScalarType ID = new IdScalar
    {
        Description = "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID.",
    };

    /// <summary>All built-in scalars.</summary>
    public static IReadOnlyList<ScalarType> All { get; } = [String, Int, Float, Boolean, ID];

    /// <summary>Whether <paramref name="name"/> is a built-in scalar.</summary>
    public static bool IsBuiltIn(string name) => name is "Int" or "Float" or "String" or "Boolean" or "ID";

    internal static string Inspect(object? value) => Execution.ValueHelper.Inspect(value);

    private sealed class IntScalar() : ScalarType("Int")
    {
        public override object? Serialize(object value)
        {
            if (value is int) return value; // already the result: no second box
            var num = value switch
            {
                bool b => b ? 1 : 0,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                string => throw Fail($"Int cannot represent non-integer value: {Inspect(value)}"),
                Enum e => Convert.ToDouble(e, CultureInfo.InvariantCulture),
                IConvertible c when value is not char => c.ToDouble(CultureInfo.InvariantCulture),
                _ => throw Fail($"Int cannot represent non-integer value: {Inspect(value)}"),
            };
            if (num != Math.Floor(num) || double.IsInfinity(num))
                throw Fail($"Int cannot represent non-integer value: {Inspect(value)}");
            if (num > int.MaxValue || num < int.MinValue)
                throw Fail($"Int cannot represent non 32-bit signed integer value: {Inspect(value)}");
            return (int)num;
        }

        public override object? ParseValue(object value)
        {
            double num = value switch
            {
                int i => i,
                long l => l,
                double d => d,
                float f => f,
                decimal m => (double)m,
                short s => s,
                _ => throw Fail($"Int cannot represent non-integer value: {Inspect(value)}"),
            };
            if (num != Math.Floor(num) || double.IsInfinity(num))
                throw Fail($"Int cannot represent non-integer value: {Inspect(value)}");
            if (num > int.MaxValue || num < int.MinValue)
                throw Fail($"Int cannot represent non 32-bit signed integer value: {Inspect(value)}");
            return (int)num;
        }

        public override object? ParseLiteral(ValueNode literal)
        {
            if (literal is not IntValueNode i)
                throw Fail($"Int cannot represent non-integer value: {Printer.Print(literal)}");
            if (!int.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                throw Fail($"Int cannot represent non 32-bit signed integer value: {i.Value}");
            return v;
        }

        public override ValueNode? ToLiteral(object? value) => new IntValueNode(Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
    }

    private sealed class FloatScalar() : ScalarType("Float")
    {
        public override object? Serialize(object value)
        {
            if (value is double finite && double.IsFinite(finite)) return value; // already the result: no second box
            var num = value switch
            {
                bool b => b ? 1 : 0,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                string => throw Fail($"Float cannot represent non numeric value: {Inspect(value)}"),
                IConvertible c when value is not char => c.ToDouble(CultureInfo.InvariantCulture),
                _ => throw Fail($"Float cannot represent non numeric value: {Inspect(value)}"),
            };
            if (!double.IsFinite(num)) throw Fail($"Float cannot represent non numeric value: {Inspect(value)}");
            return num;
        }

        public override object? ParseValue(object value)
        {
            double num = value switch
            {
                int i => i,
                long l => l,
                double d => d,
                float f => f,
                decimal m => (double)m,
                _ => throw Fail($"Float cannot represent non numeric value: {Inspect(value)}"),
            };
            if (!double.IsFinite(num)) throw Fail($"Float cannot represent non numeric value: {Inspect(value)}");
            return num;
        }

        public override object? ParseLiteral(ValueNode literal) => literal switch
        {
            IntValueNode i => double.Parse(i.Value, CultureInfo.InvariantCulture),
            FloatValueNode f => double.Parse(f.Value, CultureInfo.InvariantCulture),
            _ => throw Fail($"Float cannot represent non numeric value: {Printer.Print(literal)}"),
        };
    }

    private sealed class StringScalar() : ScalarType("String")
    {
        public override object? Serialize(object value) => value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            char c => c.ToString(),
            Enum e => e.ToString(),
            IConvertible c when value is int or long or double or float or decimal or short or byte or uint or ulong =>
                c.ToString(CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            Guid g => g.ToString(),
            Uri u => u.ToString(),
            _ => throw Fail($"String cannot represent value: {Inspect(value)}"),
        };

        public override object? ParseValue(object value) =>
            value as string ?? throw Fail($"String cannot represent a non string value: {Inspect(value)}");

        public override object? ParseLiteral(ValueNode literal) =>
            literal is StringValueNode s ? s.Value : throw Fail($"String cannot represent a non string value: {Printer.Print(literal)}");
    }

    private sealed class BooleanScalar() : ScalarType("Boolean")
    {
        public override object? Serialize(object value) => value switch
        {
            bool b => b,
            int or long or double or float or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture) != 0,
            _ => throw Fail($"Boolean cannot represent a non boolean value: {Inspect(value)}"),
        };

        public override object? ParseValue(object value) =>
            value is bool b ? b : throw Fail($"Boolean cannot represent a non boolean value: {Inspect(value)}");

        public override object? ParseLiteral(ValueNode literal) =>
            literal is BooleanValueNode b ? b.Value : throw Fail($"Boolean cannot represent a non boolean value: {Printer.Print(literal)}");
    }

    private sealed class IdScalar() : ScalarType("ID")
    {
        public override object? Serialize(object value) => value switch
        {
            string s => s,
            int or long or short or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture),
            double d when d == Math.Floor(d) && double.IsFinite(d) => d.ToString("0", CultureInfo.InvariantCulture),
            Guid g => g.ToString(),
            _ => throw Fail($"ID cannot represent value: {Inspect(value)}"),
        };

        public override object? ParseValue(object value) => value switch
        {
            string s => s,
            int or long => Convert.ToString(value, CultureInfo.InvariantCulture),
            double d when d == Math.Floor(d) && double.IsFinite(d) => d.ToString("0", CultureInfo.InvariantCulture),
            _ => throw Fail($"ID cannot represent value: {Inspect(value)}"),
        };

        public override object? ParseLiteral(ValueNode literal) => literal switch
        {
            StringValueNode s => s.Value,
            IntValueNode i => i.Value,
            _ => throw Fail($"ID cannot represent a non-string and non-integer value: {Printer.Print(literal)}"),
        };

        public override ValueNode? ToLiteral(object? value) => value is string s && s.Length > 0 && s.All(char.IsAsciiDigit) && (s == "0" || s[0] != '0')
            ? new IntValueNode(s)
            : new StringValueNode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
    }
}

/// <summary>ISO-8601 date-time scalar (RFC 3339), serialized as a string; internal value is <see cref="DateTimeOffset"/>.</summary>
public sealed class DateTimeScalar : ScalarType
{
    /// <summary>Creates the scalar, named <paramref name="name"/>.</summary>
    public DateTimeScalar(string name = "DateTime") : base(name)
    {
        SpecifiedByUrl = "https://scalars.graphql.org/andimarek/date-time";
    }

    /// <inheritdoc />
    public override object? Serialize(object value) => value switch
    {
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal),
        DateTime d => Serialize(d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(d, TimeSpan.Zero) : new DateTimeOffset(d)),
        string s when TryParse(s, out var d) => Serialize(d),
        _ => throw Fail($"DateTime cannot represent value: {BuiltInScalars.Inspect(value)}"),
    };

    /// <inheritdoc />
    public override object? ParseValue(object value) =>
        value is string s && TryParse(s, out var d) ? d : throw Fail($"DateTime cannot represent value: {BuiltInScalars.Inspect(value)}");

    /// <inheritdoc />
    public override object? ParseLiteral(ValueNode literal) =>
        literal is StringValueNode s && TryParse(s.Value, out var d) ? d : throw Fail($"DateTime cannot represent value: {Printer.Print(literal)}");

    private static bool TryParse(string s, out DateTimeOffset value) =>
        // RFC 3339 requires an explicit offset (or Z); a bare local time is rejected.
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value)
        && s.Contains('T', StringComparison.OrdinalIgnoreCase) && (s.EndsWith('Z') || s.EndsWith('z') || s.LastIndexOfAny(['+', '-']) > s.IndexOf('T', StringComparison.OrdinalIgnoreCase));
}

/// <summary>A custom scalar from delegates, for one-off scalars declared inline.</summary>
public sealed class DelegateScalarType(
    string name,
    Func<object, object?> serialize,
    Func<object, object?>? parseValue = null,
    Func<ValueNode, object?>? parseLiteral = null) : ScalarType(name)
{
    /// <inheritdoc />
    public override object? Serialize(object value) => serialize(value);

    /// <inheritdoc />
    public override object? ParseValue(object value) => parseValue is null ? value : parseValue(value);

    /// <inheritdoc />
    public override object? ParseLiteral(ValueNode literal) => parseLiteral is not null
        ? parseLiteral(literal)
        : ParseValue(Execution.ValueHelper.LiteralToJsonLike(literal)!);
}
