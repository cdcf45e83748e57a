using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Converts coerced input values (primitives, dictionaries, lists) to CLR types requested by resolvers.</summary>
public static class ArgumentConverter
{
    private static readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Converts; null gives <c>default</c> (also for non-nullable value types).</summary>
    public static T Convert<T>(object? value) => Convert(value, typeof(T)) is { } converted ? (T)converted : default!;

    /// <summary>Converts <paramref name="value"/> to <paramref name="target"/>; null gives null.</summary>
    public static object? Convert(object? value, Type target)
    {
        if (value is null) return null;
        if (target.IsInstanceOfType(value)) return value;
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsEnum)
        {
            return value is string s ? Enum.Parse(underlying, s.Replace("_", "", StringComparison.Ordinal), true) : Enum.ToObject(underlying, value);
        }
        if (value is IConvertible && underlying.IsPrimitive || underlying == typeof(decimal) || underlying == typeof(string))
        {
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        }
        if (underlying == typeof(Guid) && value is string g) return Guid.Parse(g);
        if (value is IDictionary<string, object?> or IList)
        {
            // Input objects and lists: round-trip through JSON so records, classes and collections all work.
            var json = JsonSerializer.SerializeToElement(value, _options);
            return json.Deserialize(target, _options);
        }
        return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
    }
}
