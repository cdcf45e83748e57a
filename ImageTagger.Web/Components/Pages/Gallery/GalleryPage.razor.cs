using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ImageTagger.Web.Components.Pages.Gallery;

public sealed partial class GalleryPage
{
    /// <summary>Images rendered by the prerender (and carried into the circuit): enough to fill a large screen.</summary>
    private const int FirstPage = 48;

    private readonly GallerySelection _selection = new();
    private GalleryPager _pager = null!;
    private GalleryQuery _query = GalleryQuery.None;
    private bool _initialized;
    private IReadOnlyList<Folder>? _folders;
    private Virtualize<GalleryRow>? _virtualize;
    private ElementReference _probe;
    private IJSObjectReference? _module;
    private DotNetObjectReference<GalleryPage>? _self;
    private int _columns;
    private string? _busy;

    // The filter controls' values (strings as in the URL).
    private string? _folder;
    private string? _tag;
    private string? _status;
    private string? _takenFrom;
    private string? _takenTo;
    private string? _gps;
    private string? _bulkTags;
    private ProcessingStage _stage = ProcessingStage.Analyze;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "folder")]
    public string? FolderParameter { get; set; }

    [SupplyParameterFromQuery(Name = "tag")]
    public string? TagParameter { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusParameter { get; set; }

    [SupplyParameterFromQuery(Name = "takenFrom")]
    public string? TakenFromParameter { get; set; }

    [SupplyParameterFromQuery(Name = "takenTo")]
    public string? TakenToParameter { get; set; }

    [SupplyParameterFromQuery(Name = "gps")]
    public string? GpsParameter { get; set; }

    /// <summary>The prerender's folders and first page, carried into the circuit so the Api is asked once per visit.</summary>
    [PersistentState]
    public GalleryState? State { get; set; }

    private bool Interactive => RendererInfo.IsInteractive;

    private bool CanChange => _selection.Count > 0 && _busy is null;

    protected override void OnInitialized()
    {
        _pager = new GalleryPager((after, first, ct) => Api.GetGalleryAsync(_query.ToFilter(), first, after, ct));
    }

    protected override async Task OnParametersSetAsync()
    {
        var query = GalleryQuery.Parse(FolderParameter, TagParameter, StatusParameter, TakenFromParameter, TakenToParameter, GpsParameter);
        if (_initialized && query == _query)
        {
            return;
        }

        var first = !_initialized;
        _initialized = true;
        _query = query;
        ShowFilters(query);
        // A prerender that could not reach the Api carries no data: ask again, so the error banner stays true.
        if (first && State is { Total: not null } state && state.Url == query.Url())
        {
            _folders = state.Folders;
            if (state.Total is { } total)
            {
                _pager.Seed(total, state.First);
            }

            return;
        }

        // A new filter: a new result list, so positions (and what was selected in the old list) no longer apply.
        _selection.Clear();
        _pager.Reset();
        Problem = null;
        var folders = _folders is null ? LoadAsync(Api.GetFoldersAsync) : Task.FromResult<IReadOnlyList<Folder>?>(_folders);
        var firstPage = await LoadAsync(ct => Api.GetGalleryAsync(query.ToFilter(), FirstPage, null, ct));
        _folders = await folders;
        if (firstPage is not null)
        {
            _pager.Seed(firstPage.TotalCount, firstPage.Edges);
        }

        State = new GalleryState(_folders, firstPage?.TotalCount, firstPage?.Edges ?? [], query.Url());
        if (_virtualize is not null)
        {
            await _virtualize.RefreshDataAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !Interactive)
        {
            return;
        }

        // Rows of the virtualized grid hold as many cards as the CSS grid fits: the script counts the columns and
        // reports when a resize changes them.
        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", Aborted, "./Components/Pages/Gallery/GalleryPage.razor.js");
        SetColumns(await _module.InvokeAsync<int>("observeColumns", Aborted, _probe, _self));
    }

    /// <summary>Called by the script when the number of columns changes.</summary>
    [JSInvokable]
    public void SetColumns(int columns)
    {
        columns = Math.Max(1, columns);
        if (columns == _columns)
        {
            return;
        }

        _columns = columns;
        StateHasChanged();
        if (_virtualize is not null)
        {
            _ = InvokeAsync(_virtualize.RefreshDataAsync);
        }
    }

    private async ValueTask<ItemsProviderResult<GalleryRow>> LoadRowsAsync(ItemsProviderRequest request)
    {
        var columns = Math.Max(1, _columns);
        var total = _pager.Total;
        IReadOnlyList<ImageSummary> images;
        try
        {
            images = await _pager.GetAsync(request.StartIndex * columns, request.Count * columns, request.CancellationToken);
        }
        catch (OperationCanceledException) when (request.CancellationToken.IsCancellationRequested)
        {
            // Scrolled on before this window arrived: Virtualize ignores the answer of a cancelled request, but only
            // suppresses cancellations with exactly its own token, and the Api client's carry a linked one.
            return default;
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            Problem = ex.Message;
            StateHasChanged();
            return new ItemsProviderResult<GalleryRow>([], 0);
        }

        if (_pager.Total != total)
        {
            StateHasChanged(); // the count in the selection bar
        }

        var rows = images.Chunk(columns)
            .Select((cells, i) => new GalleryRow(request.StartIndex + i, cells.Select((image, j) => ((request.StartIndex + i) * columns + j, image)).ToList()))
            .ToList();
        return new ItemsProviderResult<GalleryRow>(rows, ((_pager.Total ?? 0) + columns - 1) / columns);
    }

    private void ShowFilters(GalleryQuery query)
    {
        _folder = query.Folder?.ToString(CultureInfo.InvariantCulture);
        _tag = query.Tag;
        _status = query.Status?.ToString();
        _takenFrom = query.TakenFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _takenTo = query.TakenTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _gps = query.HasGps is { } gps ? (gps ? "true" : "false") : null;
    }

    /// <summary>Filters live in the URL: changing one replaces the URL, and the new parameters reload the grid.</summary>
    private Task ApplyFiltersAsync()
    {
        var query = GalleryQuery.Parse(_folder, _tag, _status, _takenFrom, _takenTo, _gps);
        if (query != _query)
        {
            Navigation.NavigateTo(query.Url(), replace: true);
        }

        return Task.CompletedTask;
    }

    private Task DateChangedAsync(ChangeEventArgs e, bool from)
    {
        if (from)
        {
            _takenFrom = e.Value as string;
        }
        else
        {
            _takenTo = e.Value as string;
        }

        return ApplyFiltersAsync();
    }

    private Task ClearFiltersAsync()
    {
        ShowFilters(GalleryQuery.None);
        return ApplyFiltersAsync();
    }

    private void OnCardClick(GalleryCardClick click) =>
        _selection.Click(click.Position, click.ImageId, click.Shift, position => _pager.At(position)?.DatabaseId);

    private void SelectAllShown() => _selection.SelectAll(_pager.Loaded.Select(l => l.Image.DatabaseId));

    private void ClearSelection() => _selection.Clear();

    private List<string> Tags() =>
        (_bulkTags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private Task AddTagsAsync()
    {
        var tags = Tags();
        if (tags.Count == 0)
        {
            return ToastAsync(ToastIntent.Warning, "Enter the tags to add first.", null);
        }

        return BulkAsync("add", ct => Api.AddTagsAsync(_selection.Ids, tags, ct), n => $"Added {string.Join(", ", tags)} to {n} image(s).");
    }

    private Task RemoveTagsAsync()
    {
        var tags = Tags();
        if (tags.Count == 0)
        {
            return ToastAsync(ToastIntent.Warning, "Enter the tags to remove first.", null);
        }

        return BulkAsync("remove", ct => Api.RemoveTagsAsync(_selection.Ids, tags, ct), n => $"Removed {string.Join(", ", tags)} from {n} image(s).");
    }

    private Task ReprocessAsync()
    {
        var stage = _stage;
        return BulkAsync("reprocess", ct => Api.ReprocessAsync(_selection.Ids, stage, ct), n => $"Queued {n} image(s) for reprocessing from {stage}.");
    }

    /// <summary>Runs a bulk change on the selection, toasts the outcome and reloads the grid (the selection stays).</summary>
    private async Task BulkAsync(string action, Func<CancellationToken, Task<CountPayload>> change, Func<int, string> success)
    {
        var count = _selection.Count;
        _busy = action;
        try
        {
            var result = await LoadAsync(change);
            if (result is null)
            {
                await ToastAsync(ToastIntent.Error, "The change failed", Problem ?? "The Api did not answer.");
                return;
            }

            if (result.Errors.Count > 0)
            {
                await ToastAsync(ToastIntent.Error, "The change was refused", string.Join(" ", result.Errors.Select(e => e.Message)));
                return;
            }

            await ToastAsync(ToastIntent.Success, success(count), null);
            if (action != "reprocess")
            {
                _bulkTags = null;
            }

            _pager.Reset();
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }
            else if (await LoadAsync(ct => Api.GetGalleryAsync(_query.ToFilter(), FirstPage, null, ct)) is { } page)
            {
                _pager.Seed(page.TotalCount, page.Edges);
            }
        }
        finally
        {
            _busy = null;
        }
    }

    private Task ToastAsync(ToastIntent intent, string title, string? message) =>
        Notifications.ShowToastAsync(options =>
        {
            options.Intent = intent;
            options.Title = title;
            options.Message = message;
            options.AllowDismiss = true;
        });

    protected override void Dispose(bool disposing)
    {
        if (disposing && _module is { } module)
        {
            // Not awaited: disposal is synchronous here, and the script ignores an observer whose probe is gone.
            _ = DisconnectAsync(module, _probe);
        }

        _self?.Dispose();
        base.Dispose(disposing);
    }

    private static async Task DisconnectAsync(IJSObjectReference module, ElementReference probe)
    {
        try
        {
            await module.InvokeVoidAsync("disconnect", probe);
            await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the observer with its page.
        }
    }
}

/// <summary>The gallery's data for one URL: the folders (for the filter), the total and the first page of images (kept
/// compact: it travels back to the server when the circuit starts).</summary>
public sealed record GalleryState(IReadOnlyList<Folder>? Folders, int? Total, IReadOnlyList<Edge<ImageSummary>> First, string Url);

/// <summary>One row of the virtualized grid: its cards with their positions in the result list.</summary>
public sealed record GalleryRow(int Index, IReadOnlyList<(int Position, ImageSummary Image)> Cells);

/// <summary>A click on a card's checkbox.</summary>
public readonly record struct GalleryCardClick(int Position, int ImageId, bool Shift);
