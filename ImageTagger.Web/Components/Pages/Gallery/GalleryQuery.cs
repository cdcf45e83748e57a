using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace ImageTagger.Web.Components.Pages.Gallery;

/// <summary>
/// The gallery's filters as they travel in the URL (shareable, reloadable) and to the Api.
/// URL parameters: <c>folder</c> (folder database id), <c>tag</c>, <c>status</c> (an <see cref="ImageStatus"/> name),
/// <c>takenFrom</c>/<c>takenTo</c> (yyyy-MM-dd, inclusive days), <c>gps</c> (true/false).
/// The image detail page receives the same parameters plus <c>from=gallery</c> (see <see cref="DetailUrl"/>).
/// </summary>
public sealed record GalleryQuery(int? Folder, string? Tag, ImageStatus? Status, DateOnly? TakenFrom, DateOnly? TakenTo, bool? HasGps)
{
    public static readonly GalleryQuery None = new(null, null, null, null, null, null);

    /// <summary>Reads the filters from URL values; anything unparsable is ignored (treated as no filter).</summary>
    public static GalleryQuery Parse(string? folder, string? tag, string? status, string? takenFrom, string? takenTo, string? gps) => new(
        int.TryParse(folder, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null,
        string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
        Enum.TryParse<ImageStatus>(status, true, out var s) && Enum.IsDefined(s) ? s : null,
        ParseDate(takenFrom),
        ParseDate(takenTo),
        bool.TryParse(gps, out var g) ? g : null);

    /// <summary>Reads the filters from a URL's query string (e.g. the detail page's <c>?from=gallery&amp;…</c>).</summary>
    public static GalleryQuery FromUri(Uri uri)
    {
        var query = QueryHelpers.ParseQuery(uri.Query);
        string? Get(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        return Parse(Get("folder"), Get("tag"), Get("status"), Get("takenFrom"), Get("takenTo"), Get("gps"));
    }

    public ImageFilter ToFilter() => new()
    {
        FolderId = Folder?.ToString(CultureInfo.InvariantCulture),
        Tags = Tag is null ? null : [Tag],
        Status = Status,
        TakenFrom = TakenFrom is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        TakenTo = TakenTo is { } t ? new DateTimeOffset(t.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
        HasGps = HasGps,
    };

    public bool HasFilters => this != None;

    /// <summary>The gallery URL showing these filters.</summary>
    public string Url() => QueryHelpers.AddQueryString("/gallery", Parameters());

    /// <summary>
    /// The link from a card to the image detail page: <c>/images/{id}?from=gallery&amp;&lt;filters&gt;&amp;pos=&lt;index&gt;</c>,
    /// so the detail page can page through the same result list (same filters, newest first; <c>pos</c> is the zero-based
    /// position of the image in it).
    /// </summary>
    public string DetailUrl(int imageId, int? position = null)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("from", "gallery") };
        parameters.AddRange(Parameters());
        if (position is { } p)
        {
            parameters.Add(new("pos", p.ToString(CultureInfo.InvariantCulture)));
        }

        return QueryHelpers.AddQueryString("/images/" + imageId.ToString(CultureInfo.InvariantCulture), parameters);
    }

    /// <summary>The non-empty URL parameters, in a stable order (so equal filters give equal URLs).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Parameters()
    {
        var all = new KeyValuePair<string, string?>[]
        {
            new("folder", Folder?.ToString(CultureInfo.InvariantCulture)),
            new("tag", Tag),
            new("status", Status?.ToString()),
            new("takenFrom", TakenFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("takenTo", TakenTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("gps", HasGps is { } g ? (g ? "true" : "false") : null),
        };
        return all.Where(p => !string.IsNullOrEmpty(p.Value));
    }

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
