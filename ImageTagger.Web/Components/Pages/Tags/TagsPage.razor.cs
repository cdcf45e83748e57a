using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Tags;

public sealed partial class TagsPage
{
    private const int CloudLimit = 60;

    private static readonly GridSort<Tag> ByName = GridSort<Tag>.ByAscending(t => t.Name);

    private readonly TagList _list = new();
    private readonly PaginationState _pagination = new() { ItemsPerPage = 50 };
    private int _maxUsage = 1;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    /// <summary>The cloud and every tag, carried from the prerender into the circuit (the Api is asked once per visit).</summary>
    [PersistentState]
    public TagsState? State { get; set; }

    private IQueryable<Tag> Visible => _list.Visible.AsQueryable();

    protected override async Task OnInitializedAsync()
    {
        if (State?.Tags is null)
        {
            await LoadTagsAsync();
        }
        else
        {
            Show(State);
        }
    }

    private async Task LoadTagsAsync()
    {
        var cloud = LoadAsync(ct => Api.GetTagCloudAsync(CloudLimit, ct));
        var tags = LoadAsync(ct => Api.GetAllTagsAsync(null, ct));
        Show(new TagsState(await cloud, await tags));
    }

    private void Show(TagsState state)
    {
        State = state;
        _list.Load(state.Tags ?? []);
        _maxUsage = Math.Max(1, state.Cloud?.Select(t => t.UsageCount).DefaultIfEmpty(1).Max() ?? 1);
    }

    private async Task FilterChangedAsync(string? filter)
    {
        _list.Filter = filter ?? "";
        await _pagination.SetCurrentPageIndexAsync(0);
    }

    private async Task RenameAsync(Tag tag)
    {
        var answer = await Dialogs.ShowDialogAsync<RenameTagDialog>(o =>
        {
            o.Parameters.Add(nameof(RenameTagDialog.Tag), tag);
            o.Parameters.Add(nameof(RenameTagDialog.Tags), _list);
        });
        if (answer.Cancelled || answer.Value is not string name)
        {
            return;
        }

        var merges = _list.MergeTarget(tag, name) is not null;
        if (await CallAsync(ct => Api.RenameTagAsync(tag.Id, name, ct)) is { } result)
        {
            await OutcomeAsync(result.Errors, merges ? $"Merged “{tag.Name}” into “{result.Tag?.Name}”" : $"Renamed to “{result.Tag?.Name}”");
        }
    }

    private async Task MergeSelectedAsync()
    {
        var sources = _list.Selected;
        if (sources.Count < 2)
        {
            return;
        }

        var answer = await Dialogs.ShowDialogAsync<MergeTagsDialog>(o => o.Parameters.Add(nameof(MergeTagsDialog.Sources), sources));
        if (answer.Cancelled || answer.Value is not string targetId)
        {
            return;
        }

        var others = sources.Where(t => t.Id != targetId).Select(t => t.Id).ToList();
        if (await CallAsync(ct => Api.MergeTagsAsync(others, targetId, ct)) is { } result)
        {
            if (result.Errors.Count == 0)
            {
                _list.ClearSelection();
            }

            await OutcomeAsync(result.Errors, $"Merged {others.Count + 1} tags into “{result.Tag?.Name}”");
        }
    }

    private async Task DeleteAsync(Tag tag)
    {
        var answer = await Dialogs.ShowConfirmationAsync(
            $"Delete the tag “{tag.Name}”? It is removed from {tag.UsageCount} image(s); the images stay.", "Delete tag", "Delete", "Cancel");
        if (answer.Cancelled)
        {
            return;
        }

        if (await CallAsync(ct => Api.DeleteTagAsync(tag.Id, ct)) is { } result)
        {
            await OutcomeAsync(result.Errors, $"Deleted “{tag.Name}”");
        }
    }

    /// <summary>A toast for the outcome, then the cloud and the list again (counts and names changed).</summary>
    private async Task OutcomeAsync(IReadOnlyList<UserError> errors, string success)
    {
        await Notifications.ShowOutcomeAsync(errors, success);
        await LoadTagsAsync();
    }

    private async Task<T?> CallAsync<T>(Func<CancellationToken, Task<T>> call)
        where T : class
    {
        Problem = null;
        return await LoadAsync(call);
    }

    private string CloudSize(Tag tag) => TagList.Weight(tag, _maxUsage).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string SearchUrl(Tag tag) => $"/search?tag={Uri.EscapeDataString(tag.Name)}&mode=Keyword";
}

/// <summary>The tags page's data: the cloud's most used tags and every tag with its count.</summary>
public sealed record TagsState(IReadOnlyList<Tag>? Cloud, IReadOnlyList<Tag>? Tags);
