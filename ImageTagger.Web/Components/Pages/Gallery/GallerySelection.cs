namespace ImageTagger.Web.Components.Pages.Gallery;

/// <summary>
/// Which gallery images are selected, by image id (so a selection survives the grid reloading its pages).
/// A plain click toggles one image and becomes the anchor; a shift-click selects everything between the anchor and the
/// clicked position (positions in the current result list).
/// </summary>
public sealed class GallerySelection
{
    private readonly HashSet<int> _ids = [];
    private int? _anchor;

    public int Count => _ids.Count;

    public IReadOnlyCollection<int> Ids => _ids;

    public bool Contains(int id) => _ids.Contains(id);

    /// <param name="position">The clicked image's position in the result list.</param>
    /// <param name="id">The clicked image's id.</param>
    /// <param name="shift">Whether shift was held: select the range from the anchor.</param>
    /// <param name="idAt">The id at a position, or null when that position is not loaded.</param>
    public void Click(int position, int id, bool shift, Func<int, int?> idAt)
    {
        ArgumentNullException.ThrowIfNull(idAt);
        if (shift && _anchor is { } anchor)
        {
            for (var i = Math.Min(anchor, position); i <= Math.Max(anchor, position); i++)
            {
                if (idAt(i) is { } inRange)
                {
                    _ids.Add(inRange);
                }
            }

            _ids.Add(id);
            return;
        }

        if (!_ids.Remove(id))
        {
            _ids.Add(id);
        }

        _anchor = position;
    }

    /// <summary>Adds every id given (the images shown).</summary>
    public void SelectAll(IEnumerable<int> ids)
    {
        _ids.UnionWith(ids);
    }

    public void Clear()
    {
        _ids.Clear();
        _anchor = null;
    }

    /// <summary>Positions change meaning when the filters change: the next shift-click starts a new range.</summary>
    public void ForgetAnchor() => _anchor = null;
}
