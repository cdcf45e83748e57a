using System.Text.Json;

namespace ImageTagger.Catalog.Settings;

/// <summary>A setting a user changed at run time (overrides configuration); value is JSON.</summary>
public sealed class Setting
{
    public required string Key { get; set; }
    public required JsonDocument Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
