using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace ImageTagger.Web.Components.Pages.Gallery;

/// <summary>The gallery's filters as they travel in the URL (shareable, bookmarkable) and to the Api.</summary>
public sealed record GalleryQuery(int? Folder, string? Tag, ImageStatus? Status, DateOnly? From, DateOnly? To, string? After)
{
    public const int PageSize = 48;

    public static GalleryQuery Parse(IQueryCollection query) => new(
        int.TryParse(query["folder"], NumberStyles.None, CultureInfo.InvariantCulture, out var folder) ? folder : null,
        string.IsNullOrWhiteSpace(query["tag"]) ? null : query["tag"].ToString().Trim(),
        Enum.TryParse<ImageStatus>(query["status"], true, out var status) ? status : null,
        DateOnly.TryParse(query["from"], CultureInfo.InvariantCulture, out var from) ? from : null,
        DateOnly.TryParse(query["to"], CultureInfo.InvariantCulture, out var to) ? to : null,
        string.IsNullOrWhiteSpace(query["after"]) ? null : query["after"].ToString());

    public ImageFilter ToFilter() => new()
    {
        FolderId = Folder?.ToString(CultureInfo.InvariantCulture),
        Tags = Tag is null ? null : [Tag],
        Status = Status,
        TakenFrom = From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        TakenTo = To is { } t ? new DateTimeOffset(t.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
    };

    public bool HasFilters => Folder is not null || Tag is not null || Status is not null || From is not null || To is not null;

    public string Url(string path, string? after = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["folder"] = Folder?.ToString(CultureInfo.InvariantCulture),
            ["tag"] = Tag,
            ["status"] = Status?.ToString(),
            ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["after"] = after,
        };
        return QueryHelpers.AddQueryString(path, query.Where(p => !string.IsNullOrEmpty(p.Value)));
    }
}
