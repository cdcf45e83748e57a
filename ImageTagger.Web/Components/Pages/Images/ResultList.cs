using System.Globalization;
using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Pages.Search;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ImageTagger.Web.Components.Pages.Images;

/// <summary>
/// The list a detail page was opened from, as its URL tells (<c>?from=search&amp;q=…</c> or <c>?from=gallery&amp;folder=…</c>),
/// so ← and → walk through that list. The gallery's own "taken from" filter is also called <c>from</c>: the origin is the value
/// that names a list, a date among the values is the filter.
/// </summary>
public sealed class ResultList
{
    /// <summary>Ids fetched per request while looking for the image's place in the list.</summary>
    public const int PageSize = 200;

    /// <summary>How far into a list the neighbours are looked for (a deeper image gets none rather than a long walk).</summary>
    public const int MaxScanned = 2_000;

    private readonly string _query;
    private readonly SearchState? _search;
    private readonly Dictionary<string, object?>? _galleryFilter;

    private ResultList(string query, SearchState? search, Dictionary<string, object?>? galleryFilter)
    {
        _query = query;
        _search = search;
        _galleryFilter = galleryFilter;
    }

    /// <summary>Where "back to the list" goes; null when the page was not opened from a list.</summary>
    public string? BackUrl { get; private init; }

    public string? Label { get; private init; }

    public bool IsList => BackUrl is not null;

    public static ResultList FromUrl(string url)
    {
        var query = SearchState.QueryStringOf(url);
        var pairs = QueryHelpers.ParseQuery(query);
        var from = pairs.TryGetValue("from", out var f) ? f : StringValues.Empty;
        if (from.Contains("search"))
        {
            var search = SearchState.Parse(pairs);
            return search.IsEmpty ? None : new ResultList(query, search, null) { BackUrl = search.Url(), Label = "search results" };
        }

        if (from.Contains("gallery"))
        {
            var (filter, back) = Gallery(pairs, from);
            return new ResultList(query, null, filter) { BackUrl = back, Label = "gallery" };
        }

        return None;
    }

    private static ResultList None { get; } = new("", null, null);

    /// <summary>The detail page of another image of the same list (the list's query string is kept as it came).</summary>
    public string DetailUrl(int imageId) => $"/images/{imageId.ToString(CultureInfo.InvariantCulture)}{_query}";

    /// <summary>The images before and after <paramref name="imageId"/> in the list; nulls at the ends or when it is not found.</summary>
    public Task<Neighbours> FindNeighboursAsync(ImageTaggerApiClient api, int imageId, CancellationToken cancellationToken)
    {
        if (_search is { } search)
        {
            return search.Query.Length > 0
                ? FindAsync((after, ct) => api.GetSearchIdsAsync(search.ToQuery(PageSize, after), ct), imageId, cancellationToken)
                : FindAsync((after, ct) => api.GetImageIdsAsync(FilterOf(search.ToFilter()), PageSize, after, ct), imageId, cancellationToken);
        }

        return _galleryFilter is { } filter
            ? FindAsync((after, ct) => api.GetImageIdsAsync(filter, PageSize, after, ct), imageId, cancellationToken)
            : Task.FromResult(Neighbours.None);
    }

    /// <summary>Walks the list page by page (at most <see cref="MaxScanned"/> ids) until the image and its next neighbour are known.</summary>
    public static async Task<Neighbours> FindAsync(Func<string?, CancellationToken, Task<IdPage>> fetch, int imageId, CancellationToken cancellationToken)
    {
        int? previous = null;
        var found = false;
        string? after = null;
        for (var scanned = 0; scanned < MaxScanned;)
        {
            var page = await fetch(after, cancellationToken);
            foreach (var id in page.Ids)
            {
                if (found)
                {
                    return new Neighbours(previous, id);
                }

                if (id == imageId)
                {
                    found = true;
                }
                else
                {
                    previous = id;
                }
            }

            scanned += page.Ids.Count;
            if (!page.HasNextPage || page.EndCursor is null || page.Ids.Count == 0)
            {
                break;
            }

            after = page.EndCursor;
        }

        return found ? new Neighbours(previous, null) : Neighbours.None;
    }

    private static (Dictionary<string, object?> Filter, string Back) Gallery(Dictionary<string, StringValues> pairs, StringValues from)
    {
        string? Get(string key) => pairs.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.ToString().Trim() : null;
        static DateOnly? Date(IEnumerable<string?> values) =>
            values.Select(v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null)
                .FirstOrDefault(d => d is not null);

        var folder = int.TryParse(Get("folder"), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : (int?)null;
        var tags = pairs.TryGetValue("tag", out var t) ? t.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!.Trim()).ToList() : [];
        var status = Enum.TryParse<ImageStatus>(Get("status"), true, out var s) && Enum.IsDefined(s) ? s : (ImageStatus?)null;
        var takenFrom = Date(from);
        var takenTo = Date(pairs.TryGetValue("to", out var to) ? to : StringValues.Empty);
        var gps = bool.TryParse(Get("gps"), out var g) ? g : (bool?)null;

        var filter = new Dictionary<string, object?>
        {
            ["folderId"] = folder?.ToString(CultureInfo.InvariantCulture),
            ["tags"] = tags.Count == 0 ? null : tags,
            ["status"] = status,
            ["takenFrom"] = takenFrom is { } a ? new DateTimeOffset(a.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            ["takenTo"] = takenTo is { } b ? new DateTimeOffset(b.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
            ["hasGps"] = gps,
        };

        var back = new List<KeyValuePair<string, string?>>();
        back.AddRange(pairs.Where(p => p.Key != "from").SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
        if (takenFrom is { } date)
        {
            back.Add(new("from", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return (filter.Where(p => p.Value is not null).ToDictionary(), QueryHelpers.AddQueryString("/gallery", back));
    }

    private static Dictionary<string, object?> FilterOf(ImageFilter filter) => new Dictionary<string, object?>
    {
        ["folderId"] = filter.FolderId,
        ["tags"] = filter.Tags,
    }.Where(p => p.Value is not null).ToDictionary();
}

/// <summary>The ids of the images before and after one image in a list.</summary>
public sealed record Neighbours(int? Previous, int? Next)
{
    public static Neighbours None { get; } = new(null, null);
}
