using System.Globalization;
using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Settings;

/// <summary>How a setting is edited and what shape its value must have (ranges and the rest are the Api's to check).</summary>
public enum SettingKind
{
    Text,
    LongText,
    Url,
    Integer,
    Number,
    Boolean,
    WriteBackMode,
}

/// <summary>One stored setting as edited on the page.</summary>
public sealed class SettingEntry(Setting setting)
{
    public string Key { get; } = setting.Key;

    public string Description { get; } = setting.Description;

    public bool Overridden { get; } = setting.Overridden;

    /// <summary>The value as loaded (line endings normalized), to tell what changed.</summary>
    public string Original { get; } = SettingsForm.Normalize(setting.Value);

    public string? Value { get; set; } = setting.Value;

    public SettingKind Kind { get; } = SettingsForm.KindOf(setting.Key);

    /// <summary>The group it is shown in (the part of the key before the colon).</summary>
    public string Group => Key.Split(':')[0];

    /// <summary>An id for the input, usable in CSS selectors.</summary>
    public string InputId => "setting-" + Key.Replace(':', '-');
}

/// <summary>The settings form: entries per stored setting, local checks of each value's shape, and what to send on save.</summary>
public sealed class SettingsForm(IReadOnlyList<Setting> settings)
{
    public IReadOnlyList<SettingEntry> Entries { get; } = settings.Select(s => new SettingEntry(s)).ToList();

    public SettingEntry? Find(string? key) =>
        key is null ? null : Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why the entry's value cannot be sent, or null. Empty is fine: it removes the override (back to configuration).</summary>
    public static string? Check(SettingEntry entry)
    {
        var value = Normalize(entry.Value);
        if (value.Length == 0)
        {
            return null;
        }

        return entry.Kind switch
        {
            SettingKind.Url when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                => "Enter a full http:// or https:// address.",
            SettingKind.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "Enter a whole number.",
            SettingKind.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => "Enter a number (with a . for decimals).",
            SettingKind.Boolean when !bool.TryParse(value, out _) => "Enter true or false.",
            SettingKind.WriteBackMode when !Enum.TryParse<WriteBackMode>(value, true, out _) => "Choose None, Embedded or Sidecar.",
            _ => null,
        };
    }

    /// <summary>
    /// What to send: changed values, and null for an emptied override (back to configuration). Unchanged settings are left
    /// out, so saving one field never pins the others to today's configuration.
    /// </summary>
    public Dictionary<string, string?> Changes()
    {
        var changes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in Entries)
        {
            var value = Normalize(entry.Value);
            if (value.Length == 0 && entry.Overridden)
            {
                changes[entry.Key] = null;
            }
            else if (value.Length > 0 && !string.Equals(value, entry.Original, StringComparison.Ordinal))
            {
                changes[entry.Key] = value;
            }
        }

        return changes;
    }

    internal static string Normalize(string? value) => (value ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    internal static SettingKind KindOf(string key) => key switch
    {
        "Folders:DefaultWriteBackMode" => SettingKind.WriteBackMode,
        _ when key.EndsWith("Prompt", StringComparison.Ordinal) => SettingKind.LongText,
        _ when key.EndsWith("Url", StringComparison.Ordinal) => SettingKind.Url,
        _ when key.EndsWith("Concurrency", StringComparison.Ordinal) || key.EndsWith("MaxTags", StringComparison.Ordinal) => SettingKind.Integer,
        _ when key.EndsWith("Temperature", StringComparison.Ordinal) => SettingKind.Number,
        _ when key.StartsWith("Crawl:Allow", StringComparison.Ordinal) => SettingKind.Boolean,
        _ => SettingKind.Text,
    };
}
