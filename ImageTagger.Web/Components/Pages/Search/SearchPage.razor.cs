using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace ImageTagger.Web.Components.Pages.Search;

/// <summary>
/// Search as you type: every change of text, mode or filter replaces the URL (shareable, no navigation) and runs the
/// search once the typing pauses; a newer change cancels the request of the older one, so results never arrive out of order.
/// </summary>
public sealed partial class SearchPage
{
    /// <summary>
    /// Pause in typing before the search runs (the input raises its change only after this much quiet, in the browser).
    /// Keys typed in a run come closer together than this, so a word still costs one search; a search a newer change
    /// overtakes is cancelled (its request aborted). 150 ms rather than 250: the debounce was a third of the time from the
    /// last key to the results (bench/RESULTS.md).
    /// </summary>
    internal const int DebounceMilliseconds = 150;

    private SearchState _state = SearchState.Empty;
    private IReadOnlyList<string> _terms = [];
    private CancellationTokenSource? _pending;
    private CancellationTokenSource? _pendingTags;
    private bool _searching;
    private bool _loadingMore;
    private string? _tagTyped;
    private IReadOnlyList<Tag> _suggestions = [];

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    /// <summary>The first results and folders, carried from the prerender into the circuit so they are loaded once per visit.</summary>
    [PersistentState]
    public SearchPageData? Data { get; set; }

    private string FolderValue => _state.Folder?.ToString(CultureInfo.InvariantCulture) ?? "";

    protected override async Task OnInitializedAsync()
    {
        SetState(SearchState.FromUrl(Navigation.Uri));
        Navigation.LocationChanged += OnLocationChanged;
        // A prerender that could not reach the Api carries no data: ask again, so the error banner stays true.
        if (Data is { Folders: not null })
        {
            return;
        }

        var folders = LoadAsync(Api.GetFoldersAsync);
        var results = _state.IsEmpty ? Task.FromResult<SearchResults?>(null) : LoadAsync(ct => FetchAsync(_state, null, ct));
        Data = new SearchPageData(await results, await folders);
    }

    /// <summary>
    /// The URL changed under the page (an in-app link to another search, back/forward): follow it. The router does not set
    /// this parameterless page's parameters again, hence the event. The page's own replaces match its state already.
    /// </summary>
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var fromUrl = SearchState.FromUrl(e.Location);
        if (Data is null || fromUrl.Url() == _state.Url() || new Uri(e.Location).AbsolutePath != "/search")
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            var change = ChangeAsync(fromUrl, navigate: false);
            StateHasChanged();
            await change;
            StateHasChanged();
        });
    }

    private Task OnQueryChangedAsync(string? text) => ChangeAsync(_state.WithQuery(text));

    private Task OnModeChangedAsync(SearchMode mode) => ChangeAsync(_state with { Mode = mode });

    private Task OnFolderChangedAsync(string? folder) =>
        ChangeAsync(_state with { Folder = int.TryParse(folder, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null });

    private Task AddTagAsync(string tag)
    {
        _tagTyped = "";
        _suggestions = [];
        return ChangeAsync(_state.WithTag(tag));
    }

    private Task RemoveTagAsync(string tag) => ChangeAsync(_state.WithoutTag(tag));

    private async Task OnTagTypedAsync(string? typed)
    {
        _tagTyped = typed;
        var token = await RestartAsync(ref _pendingTags);
        if (string.IsNullOrWhiteSpace(typed))
        {
            _suggestions = [];
            return;
        }

        try
        {
            var tags = await Api.GetTagsAsync(typed, 8, null, token);
            _suggestions = tags.Nodes.Where(t => !_state.Tags.Contains(t.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer keystroke asked again.
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            Problem = ex.Message;
        }
    }

    /// <summary>Applies a new search: URL first (replace, no history entry, no page load), then the results.</summary>
    private async Task ChangeAsync(SearchState next, bool navigate = true)
    {
        if (next.Url() == _state.Url() && Data?.Results is not null)
        {
            return;
        }

        SetState(next);
        if (navigate)
        {
            Navigation.NavigateTo(next.Url(), new NavigationOptions { ReplaceHistoryEntry = true });
        }

        var token = await RestartAsync(ref _pending);
        if (next.IsEmpty)
        {
            Data = Data! with { Results = null };
            return;
        }

        _searching = true;
        try
        {
            var results = await FetchAsync(next, null, token);
            Problem = null;
            Data = Data! with { Results = results };
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return; // superseded by a newer change, which owns the spinner now
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            Problem = ex is ApiRequestException ? "The Api refused the request: " + ex.Message : ex.Message;
        }

        _searching = false;
    }

    private async Task LoadMoreAsync()
    {
        if (Data?.Results is not { PageInfo: { HasNextPage: true, EndCursor: { } after } } current)
        {
            return;
        }

        _loadingMore = true;
        try
        {
            var state = _state;
            if (await LoadAsync(ct => FetchAsync(state, after, ct)) is { } more && state == _state && ReferenceEquals(Data.Results, current))
            {
                Data = Data with { Results = current with { Edges = [.. current.Edges, .. more.Edges], PageInfo = more.PageInfo } };
            }
        }
        finally
        {
            _loadingMore = false;
        }
    }

    /// <summary>A page of results: the Api's search for text, else (tags or folder only) the library filtered, newest first.</summary>
    private async Task<SearchResults> FetchAsync(SearchState state, string? after, CancellationToken cancellationToken)
    {
        if (state.Query.Length > 0)
        {
            return await Api.SearchAsync(state.ToQuery(SearchState.PageSize, after), cancellationToken);
        }

        var page = await Api.GetImagesAsync(state.ToFilter(), SearchState.PageSize, after, cancellationToken);
        return new SearchResults(page.Edges.Select(e => new SearchEdge(e.Cursor, e.Node, 1, [], null, null)).ToList(), page.PageInfo, page.TotalCount, SearchMode.Keyword, null);
    }

    private void SetState(SearchState state)
    {
        _state = state;
        _terms = state.Terms;
    }

    /// <summary>Cancels the request in flight (if any) and returns the token of its successor.</summary>
    private Task<CancellationToken> RestartAsync(ref CancellationTokenSource? slot)
    {
        var next = CancellationTokenSource.CreateLinkedTokenSource(Aborted);
        var previous = slot;
        slot = next;
        return CancelThenAsync(previous, next.Token);
    }

    private static async Task<CancellationToken> CancelThenAsync(CancellationTokenSource? previous, CancellationToken next)
    {
        if (previous is not null)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        return next;
    }

    protected override void Dispose(bool disposing)
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _pending?.Dispose();
        _pendingTags?.Dispose();
        base.Dispose(disposing);
    }

    private static string ModeLabel(SearchMode mode) => mode switch
    {
        SearchMode.Keyword => "Keyword",
        SearchMode.Semantic => "Semantic",
        _ => "Hybrid",
    };

    private static string SignalLabel(SearchSignal signal) => signal switch
    {
        SearchSignal.FullText => "text match",
        SearchSignal.FuzzyTag => "tag match",
        SearchSignal.Semantic => "meaning",
        SearchSignal.OfflineSemantic => "meaning (offline)",
        _ => signal.ToString(),
    };
}

/// <summary>What the search page shows: the current results (null before the first search) and the folders for the filter.</summary>
public sealed record SearchPageData(SearchResults? Results, IReadOnlyList<Folder>? Folders);
