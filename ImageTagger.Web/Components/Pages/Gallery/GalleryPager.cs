using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Gallery;

/// <summary>
/// Maps the virtualized grid's (start, count) windows onto the Api's cursor paging. Every loaded image keeps its edge
/// cursor, so the next window continues <c>after</c> the cursor of the image before it (scrolling never re-counts from
/// the start). A jump past everything loaded (dragging the scrollbar) seeks with the Relay cursor of that position.
/// Only a window of images around the latest request is kept, so memory stays flat however far one scrolls.
/// </summary>
public sealed class GalleryPager(GalleryPager.Fetch fetch, int capacity = 2000)
{
    /// <summary>The Api's page size limit for <c>images</c>.</summary>
    public const int MaxPage = 200;

    private readonly Dictionary<int, Edge<ImageSummary>> _loaded = [];

    public delegate Task<Connection<ImageSummary>> Fetch(string? after, int first, CancellationToken cancellationToken);

    /// <summary>Images matching the filters (from the latest page's totalCount); null until a page is loaded.</summary>
    public int? Total { get; private set; }

    /// <summary>How many Api requests were made (for tests and measurements).</summary>
    public int Requests { get; private set; }

    public int LoadedCount => _loaded.Count;

    /// <summary>The loaded images by position.</summary>
    public IEnumerable<(int Position, ImageSummary Image)> Loaded => _loaded.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.Node));

    public ImageSummary? At(int position) => _loaded.TryGetValue(position, out var edge) ? edge.Node : null;

    /// <summary>Forgets every loaded image (filters changed, or the images changed after a bulk edit).</summary>
    public void Reset()
    {
        _loaded.Clear();
        Total = null;
    }

    /// <summary>Takes a page loaded elsewhere (the prerender's first page) as positions from <paramref name="start"/>.</summary>
    public void Seed(int total, IReadOnlyList<Edge<ImageSummary>> edges, int start = 0)
    {
        ArgumentNullException.ThrowIfNull(edges);
        Total = total;
        for (var i = 0; i < edges.Count; i++)
        {
            _loaded[start + i] = edges[i];
        }
    }

    /// <summary>The images at positions [start, start + count), loading what is missing.</summary>
    public async Task<IReadOnlyList<ImageSummary>> GetAsync(int start, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Total is null)
        {
            await LoadAsync(start, Math.Max(count, 1), cancellationToken);
        }

        var end = Math.Min(start + count, Total ?? 0);
        for (var missing = FirstMissing(start, end); missing is { } m; missing = FirstMissing(m, end))
        {
            var before = _loaded.Count;
            await LoadAsync(m, end - m, cancellationToken);
            end = Math.Min(end, Total ?? 0);
            if (_loaded.Count == before && FirstMissing(m, end) == m)
            {
                break; // the library shrank under us: show what there is
            }
        }

        Trim(start, end);
        var items = new List<ImageSummary>(Math.Max(0, end - start));
        for (var i = start; i < end && _loaded.TryGetValue(i, out var edge); i++)
        {
            items.Add(edge.Node);
        }

        return items;
    }

    private int? FirstMissing(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!_loaded.ContainsKey(i))
            {
                return i;
            }
        }

        return null;
    }

    private async Task LoadAsync(int position, int count, CancellationToken cancellationToken)
    {
        // Continue after the nearest loaded image before this position when it is within one page: no seek needed.
        var from = position;
        string? after = null;
        if (position > 0)
        {
            var previous = Enumerable.Range(Math.Max(0, position - MaxPage), Math.Min(position, MaxPage)).Reverse().FirstOrDefault(i => _loaded.ContainsKey(i), -1);
            if (previous >= 0)
            {
                after = _loaded[previous].Cursor;
                from = previous + 1;
            }
            else
            {
                after = OffsetCursor(position - 1);
            }
        }

        Requests++;
        var page = await fetch(after, Math.Clamp(position + count - from, 1, MaxPage), cancellationToken);
        Total = page.TotalCount;
        for (var i = 0; i < page.Edges.Count; i++)
        {
            _loaded[from + i] = page.Edges[i];
        }
    }

    private void Trim(int start, int end)
    {
        if (_loaded.Count <= capacity)
        {
            return;
        }

        var keepFrom = start - capacity / 2;
        var keepTo = end + capacity / 2;
        foreach (var position in _loaded.Keys.Where(p => p < keepFrom || p >= keepTo).ToList())
        {
            _loaded.Remove(position);
        }
    }

    /// <summary>
    /// The Api's offset cursor (<c>arrayconnection:N</c>, as graphql-relay-js writes it) for a jump to a position; pages
    /// after a loaded image continue from that image's own (keyset) cursor instead.
    /// </summary>
    internal static string OffsetCursor(int offset) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("arrayconnection:" + offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
