using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Images;

/// <summary>
/// Edits a tag list: the parent does the Api calls (<see cref="OnAdd"/>, <see cref="OnRemove"/>) and passes the new tags
/// back in; this component turns input into clean names (<see cref="TagInput"/>) and offers existing tags as you type.
/// </summary>
public sealed partial class TagEditor : IDisposable
{
    private string? _typed;
    private string? _remark;
    private IReadOnlyList<string> _suggestions = [];
    private CancellationTokenSource? _suggesting;

    [Parameter, EditorRequired]
    public IReadOnlyList<ImageTag> Tags { get; set; } = [];

    /// <summary>Adds the given (new, normalised, distinct) names; the parent updates <see cref="Tags"/>.</summary>
    [Parameter]
    public EventCallback<IReadOnlyList<string>> OnAdd { get; set; }

    [Parameter]
    public EventCallback<string> OnRemove { get; set; }

    /// <summary>Existing tag names that start like the typed text; none when not set.</summary>
    [Parameter]
    public Func<string, CancellationToken, Task<IReadOnlyList<string>>>? Suggest { get; set; }

    /// <summary>While the parent is saving, the buttons are disabled.</summary>
    [Parameter]
    public bool Busy { get; set; }

    internal static string SourceLabel(TagSource source) => source switch
    {
        TagSource.Ai => "AI",
        TagSource.User => "user",
        TagSource.Suggestion => "suggested",
        _ => "embedded",
    };

    private static string SearchUrl(string tag) =>
        QueryHelpers.AddQueryString("/search", new Dictionary<string, string?> { ["tag"] = tag, ["mode"] = nameof(SearchMode.Keyword) });

    private async Task OnTypedAsync(string? typed)
    {
        _typed = typed;
        _remark = null;
        if (_suggesting is { } previous)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        var last = (typed ?? "").Split(',').Last().Trim();
        if (Suggest is null || last.Length == 0)
        {
            _suggestions = [];
            _suggesting = null;
            return;
        }

        var source = _suggesting = new CancellationTokenSource();
        try
        {
            var names = await Suggest(last, source.Token);
            var have = Tags.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            _suggestions = names.Where(n => !have.Contains(n)).Take(8).ToList();
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            // A newer keystroke asked again.
        }
    }

    private Task OnEnterAsync(FluentKeyPressEventArgs args) => CommitAsync(args.Value);

    private Task AddTypedAsync() => CommitAsync(_typed);

    private Task AddAsync(string name) => CommitAsync(name);

    private async Task CommitAsync(string? typed)
    {
        var input = TagInput.Parse(typed, Tags.Select(t => t.Name));
        _remark = input.Remark();
        if (input.ToAdd.Count == 0)
        {
            return;
        }

        _typed = "";
        _suggestions = [];
        await OnAdd.InvokeAsync(input.ToAdd);
    }

    private Task RemoveAsync(string name)
    {
        _remark = null;
        return OnRemove.InvokeAsync(name);
    }

    public void Dispose()
    {
        _suggesting?.Cancel();
        _suggesting?.Dispose();
    }
}
