using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Crawl;

public sealed partial class CrawlPage
{
    private const int StripSize = 8;

    private readonly CrawlForm _form = new();
    private readonly Dictionary<string, Strip> _strips = new(StringComparer.Ordinal);
    private EditContext _context = null!;
    private ApiValidation _apiErrors = null!;
    private string? _formError;
    private bool _starting;
    private FeedRefresh? _live;

    // Running crawls followed through the Api's crawlJobUpdated subscription, one stream per job id (ended on dispose).
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);

    [Inject]
    private ProgressFeed Feed { get; set; } = null!;

    [Inject]
    private ApiSubscriptions Subscriptions { get; set; } = null!;

    [Inject]
    private ILogger<CrawlPage> Logger { get; set; } = null!;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    /// <summary>The crawl jobs, carried from the prerender into the circuit (the Api is asked once per visit).</summary>
    [PersistentState]
    public CrawlState? State { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _context = new EditContext(_form);
        _apiErrors = new ApiValidation(_context);
        _context.OnFieldChanged += (_, _) => _formError = null;
        if (State?.Jobs is null)
        {
            State = new CrawlState(await LoadAsync(Api.GetCrawlJobsAsync));
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || HttpContext is not null)
        {
            return;
        }

        // Only the live circuit follows the jobs (the prerender has no use for it). The processing feed moves when a
        // crawl's downloads are described; the crawl's own pages and downloads come through its subscription.
        _live = new FeedRefresh(Feed, TimeSpan.FromSeconds(1), () => InvokeAsync(RefreshAsync));
        await InvokeAsync(LoadStripsAsync);
        WatchActiveJobs();
    }

    /// <summary>Opens a subscription for every queued or running job that has none yet.</summary>
    private void WatchActiveJobs()
    {
        if (HttpContext is not null || Aborted.IsCancellationRequested)
        {
            return;
        }

        foreach (var job in State?.Jobs ?? [])
        {
            if (CrawlForm.IsActive(job.State) && _watched.Add(job.Id))
            {
                _ = WatchAsync(job.Id, Aborted);
            }
        }
    }

    private async Task WatchAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var job in Subscriptions.CrawlJobUpdatesAsync(id, cancellationToken))
            {
                await InvokeAsync(() => ApplyAsync(job));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away.
            return;
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away.
            return;
        }
        catch (Exception ex)
        {
            // The stream broke (Api restarted): the job is followed again at the next refresh (the feed's reconnect causes one).
            LogWatchLost(Logger, id, ex.Message);
        }

        await InvokeAsync(() => _watched.Remove(id));
    }

    /// <summary>Puts a pushed job in place of the one shown.</summary>
    private async Task ApplyAsync(CrawlJob update)
    {
        if (State?.Jobs is { } jobs && jobs.Any(j => j.Id == update.Id))
        {
            State = new CrawlState(jobs.Select(j => j.Id == update.Id ? update : j).ToList());
            await LoadStripsAsync();
        }
    }

    private async Task RefreshAsync()
    {
        if (await LoadAsync(Api.GetCrawlJobsAsync) is { } jobs)
        {
            State = new CrawlState(jobs);
            WatchActiveJobs();
            await LoadStripsAsync();
        }
    }

    /// <summary>Thumbnails of what each crawl downloaded, fetched again only when its download count moved.</summary>
    private async Task LoadStripsAsync()
    {
        foreach (var job in State?.Jobs ?? [])
        {
            if (job.FolderId is null || job.Progress.ImagesDownloaded == 0
                || (_strips.TryGetValue(job.Id, out var known) && known.Downloaded == job.Progress.ImagesDownloaded))
            {
                continue;
            }

            if (await LoadAsync(ct => Api.GetImagesAsync(new ImageFilter { FolderId = job.FolderId }, StripSize, null, ct)) is { } images)
            {
                _strips[job.Id] = new Strip(job.Progress.ImagesDownloaded, images.Nodes.ToList());
            }
        }

        StateHasChanged();
    }

    private async Task StartAsync()
    {
        _starting = true;
        _formError = null;
        Problem = null;
        try
        {
            var url = _form.StartUrl!.Trim();
            if (await LoadAsync(ct => Api.CreateCrawlJobAsync(url, _form.Depth, _form.Pages, _form.Images, _form.SameHostOnly, ct)) is not { } result)
            {
                return;
            }

            if (result.Errors.Count > 0)
            {
                _formError = _apiErrors.Show(result.Errors, ApiValidation.ByPropertyName(_form));
                return;
            }

            await Notifications.ShowOutcomeAsync(ToastIntent.Success, "Crawl queued", result.CrawlJob?.StartUrl ?? url);
            _form.StartUrl = null;
            await RefreshAsync();
        }
        finally
        {
            _starting = false;
        }
    }

    private async Task ActAsync(CrawlJob job, string action)
    {
        Problem = null;
        if (action == "delete")
        {
            var answer = await Dialogs.ShowConfirmationAsync(
                $"Delete the crawl of {job.StartUrl}? Its history goes; images it downloaded stay in the library.", "Delete crawl", "Delete", "Cancel");
            if (answer.Cancelled)
            {
                return;
            }

            if (await LoadAsync(ct => Api.DeleteCrawlJobAsync(job.Id, ct)) is { } deleted)
            {
                await OutcomeAsync(deleted.Errors, "Crawl deleted");
            }
        }
        else if (await LoadAsync(ct => Api.ChangeCrawlJobAsync(action, job.Id, ct)) is { } changed)
        {
            await OutcomeAsync(changed.Errors, $"Crawl {changed.CrawlJob?.State.ToLowerInvariant()}");
        }
    }

    private async Task OutcomeAsync(IReadOnlyList<UserError> errors, string success)
    {
        await Notifications.ShowOutcomeAsync(errors, success);
        await RefreshAsync();
    }

    private static BadgeColor StateColor(string state) => state.ToUpperInvariant() switch
    {
        "RUNNING" => BadgeColor.Brand,
        "COMPLETED" => BadgeColor.Success,
        "FAILED" => BadgeColor.Danger,
        "PAUSED" => BadgeColor.Warning,
        _ => BadgeColor.Subtle,
    };

    protected override void Dispose(bool disposing)
    {
        _live?.Dispose();
        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Updates of crawl {Id} stopped: {Reason}")]
    private static partial void LogWatchLost(ILogger logger, string id, string reason);

    private sealed record Strip(int Downloaded, IReadOnlyList<ImageSummary> Images);
}

/// <summary>The crawl page's data: the latest crawl jobs.</summary>
public sealed record CrawlState(IReadOnlyList<CrawlJob>? Jobs);
