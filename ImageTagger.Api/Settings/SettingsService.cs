using System.Globalization;
using System.Text.Json;
using ImageTagger.Ai;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Settings;
using ImageTagger.Imaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.Settings;

/// <summary>One user-editable setting: its configuration key, current value, and where the value came from.</summary>
public sealed record SettingValue(string Key, string? Value, bool Overridden, string Description);

public sealed record SettingsResult(IReadOnlyList<SettingValue> Settings, IReadOnlyList<SettingError> Errors);

public sealed record SettingError(string Key, string Message);

/// <summary>
/// Settings users may change at run time. Values are stored in the <c>settings</c> table under their
/// configuration key and override appsettings/environment; services read them through the catalog's
/// settings configuration source (Processing picks them up on its next configuration reload).
/// </summary>
public sealed class SettingsService(CatalogDbContext db, IConfiguration configuration, IOptions<OllamaOptions> ollama, IOptions<ImagingOptions> imaging)
{
    private sealed record Definition(string Key, string Description, Func<string, string?> Validate);

    private static readonly Definition[] s_definitions =
    [
        new("Ollama:Url", "Ollama server URL", v => Uri.TryCreate(v, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https") ? null : "must be an absolute http(s) URL"),
        new("Ollama:VisionModel", "Vision model that describes images", ModelName),
        new("Ollama:EmbeddingModel", "Embedding model for semantic search", ModelName),
        new("Ollama:Prompt", "Prompt sent with each image", v => v.Trim().Length is >= 10 and <= 8000 ? null : "must be 10 to 8000 characters"),
        new("Ollama:Temperature", "Sampling temperature", v => Range(v, 0, 2)),
        new("Ollama:MaxConcurrency", "Requests in flight to Ollama", v => IntRange(v, 1, 64)),
        new("Ollama:MaxTags", "Most tags kept per image", v => IntRange(v, 1, 50)),
        new("Processing:AiConcurrency", "AI jobs in flight per processing instance", v => IntRange(v, 1, 64)),
        new("Imaging:ThumbnailSizes", "Thumbnail sizes in pixels, comma separated", ThumbnailSizes),
        new("Crawl:AllowPrivateAddresses", "Allow crawling loopback and private network addresses (true/false)", Bool),
        new("OfflineAi:Ocr", "Read text in photos with the offline OCR model (true/false)", Bool),
        new("OfflineAi:Features", "Offline image features: similar images, near-duplicates, tag suggestions (true/false)", Bool),
        new("OfflineAi:TextEmbeddings", "Offline text embeddings: search by meaning with no AI server (true/false)", Bool),
        new("Folders:DefaultWriteBackMode", "Write-back for new folders: None, Embedded or Sidecar", v => Enum.TryParse<Catalog.Folders.WriteBackMode>(v, true, out _) ? null : "must be None, Embedded or Sidecar"),
    ];

    public static IReadOnlyList<string> Keys { get; } = s_definitions.Select(d => d.Key).ToList();

    public async Task<IReadOnlyList<SettingValue>> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, cancellationToken);
        return s_definitions.Select(d => stored.TryGetValue(d.Key, out var s)
            ? new SettingValue(d.Key, s.Value.RootElement.GetString(), true, d.Description)
            : new SettingValue(d.Key, configuration[d.Key] ?? Default(d.Key), false, d.Description)).ToList();
    }

    /// <summary>Validates every change first; stores all or nothing. A null value removes the override.</summary>
    public async Task<SettingsResult> UpdateAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        var errors = new List<SettingError>();
        foreach (var (key, value) in changes)
        {
            var definition = s_definitions.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.OrdinalIgnoreCase));
            if (definition is null)
            {
                errors.Add(new SettingError(key, "unknown setting"));
            }
            else if (value is not null && definition.Validate(value) is { } error)
            {
                errors.Add(new SettingError(definition.Key, error));
            }
        }

        if (errors.Count > 0)
        {
            return new SettingsResult(await GetAsync(cancellationToken), errors);
        }

        foreach (var (key, value) in changes)
        {
            var canonical = s_definitions.First(d => string.Equals(d.Key, key, StringComparison.OrdinalIgnoreCase)).Key;
            var existing = await db.Settings.SingleOrDefaultAsync(s => s.Key == canonical, cancellationToken);
            if (value is null)
            {
                if (existing is not null)
                {
                    db.Settings.Remove(existing);
                }
            }
            else if (existing is null)
            {
                db.Settings.Add(new Setting { Key = canonical, Value = JsonSerializer.SerializeToDocument(value.Trim()), UpdatedAt = DateTimeOffset.UtcNow });
            }
            else
            {
                existing.Value = JsonSerializer.SerializeToDocument(value.Trim());
                existing.UpdatedAt = DateTimeOffset.UtcNow;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SettingsResult(await GetAsync(cancellationToken), []);
    }

    /// <summary>The value in effect when neither the user nor configuration set one: the options' own default.</summary>
    private string? Default(string key) => key switch
    {
        "Ollama:Url" => ollama.Value.Url,
        "Ollama:VisionModel" => ollama.Value.VisionModel,
        "Ollama:EmbeddingModel" => ollama.Value.EmbeddingModel,
        "Ollama:Prompt" => ollama.Value.Prompt,
        "Ollama:Temperature" => ollama.Value.Temperature.ToString(CultureInfo.InvariantCulture),
        "Ollama:MaxConcurrency" => ollama.Value.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
        "Ollama:MaxTags" => ollama.Value.MaxTags.ToString(CultureInfo.InvariantCulture),
        "Imaging:ThumbnailSizes" => string.Join(",", imaging.Value.EffectiveThumbnailSizes),
        "Folders:DefaultWriteBackMode" => nameof(Catalog.Folders.WriteBackMode.None),
        "Crawl:AllowPrivateAddresses" => "false",
        "OfflineAi:Ocr" or "OfflineAi:Features" or "OfflineAi:TextEmbeddings" => "true",
        _ => null,
    };

    private static string? Bool(string value) => bool.TryParse(value, out _) ? null : "must be true or false";

    private static string? ModelName(string value) =>
        value.Trim().Length is >= 1 and <= 200 && !value.Any(char.IsWhiteSpace) ? null : "must be a model name like llava:7b";

    private static string? IntRange(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? null : $"must be a whole number from {min} to {max}";

    private static string? Range(string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? null : $"must be a number from {min} to {max}";

    private static string? ThumbnailSizes(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length is >= 1 and <= 6 && parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 32 and <= 4096)
            ? null
            : "must be 1 to 6 sizes from 32 to 4096, comma separated";
    }
}
