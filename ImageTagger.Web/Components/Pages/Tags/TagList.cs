using ImageTagger.Web.Api;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Tags;

/// <summary>
/// The tags page's logic without the UI: the filter and order sent to the Api (which pages the list), the selection
/// for merging (kept across pages and filters), what a rename means, and cloud weights.
/// </summary>
public sealed class TagList
{
    private readonly Dictionary<string, Tag> _selected = new(StringComparer.Ordinal);

    /// <summary>Start of a word of the names to show (the Api filters).</summary>
    public string Filter { get; set; } = "";

    /// <summary>The selected tags, in name order, whichever page or filter they were picked on.</summary>
    public IReadOnlyList<Tag> Selected => _selected.Values.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public bool IsSelected(Tag tag) => _selected.ContainsKey(tag.Id);

    public void Toggle(Tag tag, bool selected)
    {
        if (selected)
        {
            _selected[tag.Id] = tag;
        }
        else
        {
            _selected.Remove(tag.Id);
        }
    }

    /// <summary>Drops a tag that is gone (deleted, or merged into another) from the selection.</summary>
    public void Forget(string tagId) => _selected.Remove(tagId);

    public void ClearSelection() => _selected.Clear();

    /// <summary>The Api's order for the grid's sort column (its property name) and direction; most used first by default.</summary>
    public static TagOrder OrderFor(string? property, bool ascending) => property switch
    {
        nameof(Tag.Name) => ascending ? TagOrder.Name : TagOrder.NameDescending,
        _ => ascending ? TagOrder.LeastUsed : TagOrder.MostUsed,
    };

    /// <summary>The other tag a rename would land on (so the rename is a merge): <paramref name="existing"/> is the Api's tag of that name.</summary>
    public static Tag? MergeTarget(Tag renamed, Tag? existing) => existing is not null && existing.Id != renamed.Id ? existing : null;

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
