using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ImageTagger.Web.Components.Pages.Search;

/// <summary>
/// A search as it lives in the URL (so it can be shared and reloaded): text, mode, tag filters, folder.
/// Immutable: every change makes a new state, whose <see cref="Url"/> the page writes back with a history replace.
/// </summary>
public sealed record SearchState(string Query, SearchMode Mode, IReadOnlyList<string> Tags, int? Folder)
{
    public const int PageSize = 24;

    /// <summary>Longest query text kept (the Api refuses longer input anyway).</summary>
    public const int MaxQueryLength = 500;

    public static SearchState Empty { get; } = new("", SearchMode.Hybrid, [], null);

    /// <summary>Reads the state from an absolute or relative URL (only its query string matters).</summary>
    public static SearchState FromUrl(string url) => Parse(QueryHelpers.ParseQuery(QueryStringOf(url)));

    /// <summary>The query string of a URL, with its '?' ("" when it has none), without the fragment.</summary>
    internal static string QueryStringOf(string url)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return question < 0 ? "" : hash > question ? url[question..hash] : url[question..];
    }

    public static SearchState Parse(IReadOnlyDictionary<string, StringValues> query)
    {
        StringValues Get(string key) => query.TryGetValue(key, out var v) ? v : StringValues.Empty;
        var state = Empty with
        {
            Query = Clip(Get("q").ToString()),
            Mode = Enum.TryParse<SearchMode>(Get("mode"), true, out var mode) && Enum.IsDefined(mode) ? mode : SearchMode.Hybrid,
            Folder = int.TryParse(Get("folder"), NumberStyles.None, CultureInfo.InvariantCulture, out var folder) ? folder : null,
        };
        return Get("tag").Aggregate(state, (s, tag) => s.WithTag(tag ?? ""));
    }

    public bool IsEmpty => Query.Length == 0 && Tags.Count == 0;

    public SearchState WithQuery(string? query) => this with { Query = Clip(query) };

    /// <summary>Adds a tag filter: trimmed, lower-cased, ignored when blank, too long or already present.</summary>
    public SearchState WithTag(string tag)
    {
        var name = NormalizeTag(tag);
        return name is null || Tags.Contains(name, StringComparer.OrdinalIgnoreCase) ? this : this with { Tags = [.. Tags, name] };
    }

    public SearchState WithoutTag(string tag) =>
        this with { Tags = Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)).ToList() };

    /// <summary>The query string pairs of this search, without a path: shared by <see cref="Url"/> and the detail links.</summary>
    public IEnumerable<KeyValuePair<string, string?>> QueryPairs()
    {
        if (Query.Length > 0)
        {
            yield return new("q", Query);
        }

        yield return new("mode", Mode.ToString());
        foreach (var tag in Tags)
        {
            yield return new("tag", tag);
        }

        if (Folder is { } f)
        {
            yield return new("folder", f.ToString(CultureInfo.InvariantCulture));
        }
    }

    public string Url() => QueryHelpers.AddQueryString("/search", QueryPairs());

    /// <summary>The detail page of a result, remembering this search so ← and → walk through its results.</summary>
    public string DetailUrl(int imageId) =>
        QueryHelpers.AddQueryString($"/images/{imageId.ToString(CultureInfo.InvariantCulture)}", QueryPairs().Prepend(new("from", "search")));

    /// <summary>The Api query for a page of results (text searches; a tags-only search lists images instead).</summary>
    public SearchQuery ToQuery(int first, string? after) =>
        new(Query, Mode, Tags, Folder?.ToString(CultureInfo.InvariantCulture), first, after);

    /// <summary>The gallery filter for a search without text: every image with all the tags, newest first.</summary>
    public ImageFilter ToFilter() => new() { Tags = Tags.Count == 0 ? null : Tags, FolderId = Folder?.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The words of the query, for highlighting matches in descriptions.</summary>
    public IReadOnlyList<string> Terms => Query.Split([' ', ',', '.', ';', ':', '"', '\''], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(t => t.Length >= 2).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    internal static string? NormalizeTag(string? tag)
    {
        var name = string.Join(' ', (tag ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return name.Length is > 0 and <= 100 ? name : null;
    }

    private static string Clip(string? query)
    {
        var text = (query ?? "").Trim();
        return text.Length > MaxQueryLength ? text[..MaxQueryLength] : text;
    }
}
