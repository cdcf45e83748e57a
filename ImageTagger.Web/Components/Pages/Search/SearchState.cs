using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace ImageTagger.Web.Components.Pages.Search;

/// <summary>A search as it lives in the URL (so it can be shared): text, mode, tag chips, folder, page.</summary>
public sealed record SearchState(string Query, SearchMode Mode, IReadOnlyList<string> Tags, int? Folder, string? After)
{
    public const int PageSize = 24;

    public static SearchState Parse(IQueryCollection query)
    {
        var tags = query["tag"].Concat(query["addTag"])
            .Select(t => t?.Trim() ?? "")
            .Where(t => t.Length is > 0 and <= 100)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new SearchState(
            query["q"].ToString().Trim(),
            Enum.TryParse<SearchMode>(query["mode"], true, out var mode) ? mode : SearchMode.Hybrid,
            tags,
            int.TryParse(query["folder"], NumberStyles.None, CultureInfo.InvariantCulture, out var folder) ? folder : null,
            string.IsNullOrWhiteSpace(query["after"]) ? null : query["after"].ToString());
    }

    public bool IsEmpty => Query.Length == 0 && Tags.Count == 0;

    public string Url(string? after = null, IReadOnlyList<string>? tags = null, SearchMode? mode = null)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        if (Query.Length > 0)
        {
            pairs.Add(new("q", Query));
        }

        pairs.Add(new("mode", (mode ?? Mode).ToString()));
        pairs.AddRange((tags ?? Tags).Select(t => new KeyValuePair<string, string?>("tag", t)));
        if (Folder is { } f)
        {
            pairs.Add(new("folder", f.ToString(CultureInfo.InvariantCulture)));
        }

        if (after is not null)
        {
            pairs.Add(new("after", after));
        }

        return QueryHelpers.AddQueryString("/search", pairs);
    }

    public string UrlWithTag(string tag) => Url(tags: [.. Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)), tag]);

    public string UrlWithoutTag(string tag) => Url(tags: Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)).ToList());

    /// <summary>The words of the query, for highlighting matches in descriptions.</summary>
    public IReadOnlyList<string> Terms => Query.Split([' ', ',', '.', ';', ':', '"', '\''], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(t => t.Length >= 2).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
