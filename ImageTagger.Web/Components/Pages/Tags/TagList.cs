using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Tags;

/// <summary>The tags page's logic without the UI: cloud weights, the filter, the selection for merging, and what a rename means.</summary>
public sealed class TagList
{
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private IReadOnlyList<Tag> _all = [];

    public IReadOnlyList<Tag> All => _all;

    public string Filter { get; set; } = "";

    /// <summary>Tags whose name contains the filter (case-insensitive), in the Api's order; the grid sorts them.</summary>
    public IEnumerable<Tag> Visible => string.IsNullOrWhiteSpace(Filter)
        ? _all
        : _all.Where(t => t.Name.Contains(Filter.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The selected tags that still exist, in name order.</summary>
    public IReadOnlyList<Tag> Selected => _all.Where(t => _selected.Contains(t.Id)).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Replaces the tags (after a change); selections of tags that are gone are dropped.</summary>
    public void Load(IReadOnlyList<Tag> tags)
    {
        _all = tags;
        _selected.IntersectWith(tags.Select(t => t.Id));
    }

    public bool IsSelected(Tag tag) => _selected.Contains(tag.Id);

    public void Toggle(Tag tag, bool selected)
    {
        if (selected)
        {
            _selected.Add(tag.Id);
        }
        else
        {
            _selected.Remove(tag.Id);
        }
    }

    public void ClearSelection() => _selected.Clear();

    /// <summary>The existing tag a rename would land on (so the rename is a merge), if any other tag has that name.</summary>
    public Tag? MergeTarget(Tag renamed, string? newName)
    {
        var name = newName?.Trim();
        return string.IsNullOrEmpty(name)
            ? null
            : _all.FirstOrDefault(t => t.Id != renamed.Id && string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why a new name cannot be used, or null when it can.</summary>
    public static string? NameProblem(Tag renamed, string? newName)
    {
        var name = newName?.Trim() ?? "";
        return name.Length switch
        {
            0 => "Enter a name.",
            > 100 => "A tag has at most 100 characters.",
            _ when string.Equals(name, renamed.Name, StringComparison.Ordinal) => "That is its name already.",
            _ => null,
        };
    }

    /// <summary>Font size (rem) for the cloud: logarithmic in the count, so a few very common tags do not dwarf the rest.</summary>
    public static double Weight(Tag tag, int maxUsage) =>
        0.85 + (1.4 * Math.Log(1 + Math.Max(0, tag.UsageCount)) / Math.Log(1 + Math.Max(1, maxUsage)));
}
