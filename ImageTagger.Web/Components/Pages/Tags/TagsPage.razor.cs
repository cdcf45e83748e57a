using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Tags;

public sealed partial class TagsPage
{
    private const int CloudLimit = 60;

    private static readonly GridSort<Tag> ByName = GridSort<Tag>.ByAscending(t => t.Name);

    private const int PageSize = 50;

    private readonly TagList _list = new();
    private readonly PaginationState _pagination = new() { ItemsPerPage = PageSize };
    private readonly GridItemsProvider<Tag> _provider;
    private FluentDataGrid<Tag>? _grid;
    private int _total;
    private bool _firstPageShown;
    private int _maxUsage = 1;

    public TagsPage() => _provider = ProvideAsync;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    /// <summary>
    /// The cloud and the first page of the list, carried from the prerender into the circuit (the Api is asked once per
    /// visit; the grid's first request in the circuit is answered from it).
    /// </summary>
    [PersistentState]
    public TagsState? State { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // A prerender that could not reach the Api carries no page: ask again, so the error banner stays true.
        if (State?.FirstPage is null)
        {
            var cloud = LoadAsync(ct => Api.GetTagCloudAsync(CloudLimit, ct));
            var first = LoadAsync(ct => Api.GetTagPageAsync(null, TagOrder.MostUsed, 0, PageSize, ct));
            State = new TagsState(await cloud, (await first)?.Nodes.ToList(), (await first)?.TotalCount ?? 0);
        }

        ShowCloud(State.Cloud);
        _total = State.Total;
    }

    private async ValueTask<GridItemsProviderResult<Tag>> ProvideAsync(GridItemsProviderRequest<Tag> request)
    {
        var sorts = request.GetSortByProperties();
        var order = sorts.Count == 0 ? TagOrder.MostUsed : TagList.OrderFor(sorts.First().PropertyName, sorts.First().Direction == DataGridSortDirection.Ascending);
        var count = request.Count ?? PageSize;
        if (!_firstPageShown && State?.FirstPage is { } first && request.StartIndex == 0 && count == PageSize && order == TagOrder.MostUsed && string.IsNullOrWhiteSpace(_list.Filter))
        {
            _firstPageShown = true; // used once: later requests ask the Api for what is current
            return GridItemsProviderResult.From(first.ToList(), State.Total);
        }

        // The grid cancels a request a newer one replaces; it only lets that pass quietly with its own token in the exception.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(request.CancellationToken, Aborted);
        var filter = _list.Filter;
        Connection<Tag>? page;
        try
        {
            page = await LoadAsync(_ => Api.GetTagPageAsync(filter, order, request.StartIndex, count, cancel.Token));
        }
        catch (OperationCanceledException) when (request.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(request.CancellationToken);
        }

        if (page is null)
        {
            return GridItemsProviderResult.From(new List<Tag>(), 0);
        }

        if (_total != page.TotalCount)
        {
            _total = page.TotalCount;
            StateHasChanged();
        }

        return GridItemsProviderResult.From(page.Nodes.ToList(), page.TotalCount);
    }

    private void ShowCloud(IReadOnlyList<Tag>? cloud) =>
        _maxUsage = Math.Max(1, cloud?.Select(t => t.UsageCount).DefaultIfEmpty(1).Max() ?? 1);

    private async Task FilterChangedAsync(string? filter)
    {
        _list.Filter = filter ?? "";
        await ShowFirstPageAsync();
    }

    /// <summary>Back to the first page of the list as it now is (a page index change refreshes the grid by itself).</summary>
    private async Task ShowFirstPageAsync()
    {
        if (_pagination.CurrentPageIndex != 0)
        {
            await _pagination.SetCurrentPageIndexAsync(0);
        }
        else if (_grid is not null)
        {
            await _grid.RefreshDataAsync();
        }
    }

    private async Task RenameAsync(Tag tag)
    {
        var answer = await Dialogs.ShowDialogAsync<RenameTagDialog>(o => o.Parameters.Add(nameof(RenameTagDialog.Tag), tag));
        if (answer.Cancelled || answer.Value is not string name)
        {
            return;
        }

        if (await CallAsync(ct => Api.RenameTagAsync(tag.Id, name, ct)) is { } result)
        {
            // A rename onto another tag's name merges into that tag: the Api answers with the tag that is kept.
            var merged = result.Tag is { } kept && kept.Id != tag.Id;
            _list.Forget(tag.Id);
            await OutcomeAsync(result.Errors, merged ? $"Merged “{tag.Name}” into “{result.Tag?.Name}”" : $"Renamed to “{result.Tag?.Name}”");
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
            _list.Forget(tag.Id);
            await OutcomeAsync(result.Errors, $"Deleted “{tag.Name}”");
        }
    }

    /// <summary>A toast for the outcome, then the cloud and the list's page again (counts and names changed).</summary>
    private async Task OutcomeAsync(IReadOnlyList<UserError> errors, string success)
    {
        await Notifications.ShowOutcomeAsync(errors, success);
        if (await LoadAsync(ct => Api.GetTagCloudAsync(CloudLimit, ct)) is { } cloud)
        {
            State = State! with { Cloud = cloud };
            ShowCloud(cloud);
        }

        if (_grid is not null)
        {
            await _grid.RefreshDataAsync();
        }
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

/// <summary>The tags page's data: the cloud's most used tags, and the list's first page (most used first) and size.</summary>
public sealed record TagsState(IReadOnlyList<Tag>? Cloud, IReadOnlyList<Tag>? FirstPage, int Total);
