using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Web.Components.Pages.Crawl;

/// <summary>A new crawl: where to start and its limits (the Api checks the same and whether the host may be crawled).</summary>
public sealed class CrawlForm : IValidatableObject
{
    [Required(ErrorMessage = "Enter the address to start from.")]
    public string? StartUrl { get; set; }

    // Limits are typed as text (a number input pulls a masking script from a CDN) and parsed in Validate.
    public string? MaxDepth { get; set; } = "2";

    public string? MaxPages { get; set; } = "100";

    public string? MaxImages { get; set; } = "500";

    public bool SameHostOnly { get; set; } = true;

    public int Depth => Parse(MaxDepth) ?? 0;

    public int Pages => Parse(MaxPages) ?? 0;

    public int Images => Parse(MaxImages) ?? 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(StartUrl)
            && (!Uri.TryCreate(StartUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Enter a full http:// or https:// address.", [nameof(StartUrl)]);
        }

        foreach (var (value, min, max, message, name) in new[]
        {
            (MaxDepth, 0, 50, "Link depth is 0 to 50.", nameof(MaxDepth)),
            (MaxPages, 1, 1_000_000, "Pages are 1 to 1,000,000.", nameof(MaxPages)),
            (MaxImages, 1, 1_000_000, "Images are 1 to 1,000,000.", nameof(MaxImages)),
        })
        {
            if (Parse(value) is not { } n || n < min || n > max)
            {
                yield return new ValidationResult(message, [name]);
            }
        }
    }

    private static int? Parse(string? value) =>
        int.TryParse(value?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>What the user can do with a job in its state (the Api refuses the rest).</summary>
    public static IReadOnlyList<string> Actions(string state) => state.ToUpperInvariant() switch
    {
        "QUEUED" or "RUNNING" => ["pause", "cancel"],
        "PAUSED" => ["resume", "cancel", "delete"],
        _ => ["delete"],
    };

    /// <summary>Whether a job can still change by itself (so the page keeps following it).</summary>
    public static bool IsActive(string state) => state.ToUpperInvariant() is "QUEUED" or "RUNNING";

    /// <summary>The number in a Relay global id ("Folder:12", base64), which the gallery's folder filter takes.</summary>
    public static string? FolderNumber(string? globalId)
    {
        if (globalId is null)
        {
            return null;
        }

        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(globalId));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? globalId : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return globalId;
        }
    }
}
