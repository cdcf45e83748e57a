using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Crawl;

public sealed partial class CrawlPage
{
    private const int StripSize = 8;

    // Crawling itself does not move the processing feed (only its downloads do), so active jobs are also polled.
    private static readonly TimeSpan ActivePoll = TimeSpan.FromSeconds(2);

    private readonly CrawlForm _form = new();
    private readonly Dictionary<string, Strip> _strips = new(StringComparer.Ordinal);
    private EditContext _context = null!;
    private ApiValidation _apiErrors = null!;
    private string? _formError;
    private bool _starting;
    private FeedRefresh? _live;
    private PeriodicTimer? _poll;

    [Inject]
    private ProgressFeed Feed { get; set; } = null!;

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

        // Only the live circuit follows the jobs (the prerender has no use for it).
        _live = new FeedRefresh(Feed, TimeSpan.FromSeconds(1), () => InvokeAsync(RefreshAsync));
        await InvokeAsync(LoadStripsAsync);
        _ = PollAsync();
    }

    private async Task PollAsync()
    {
        using var poll = _poll = new PeriodicTimer(ActivePoll);
        try
        {
            while (await poll.WaitForNextTickAsync(Aborted))
            {
                if (State?.Jobs?.Any(j => CrawlForm.IsActive(j.State)) == true)
                {
                    await InvokeAsync(RefreshAsync);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away.
        }
    }

    private async Task RefreshAsync()
    {
        if (await LoadAsync(Api.GetCrawlJobsAsync) is { } jobs)
        {
            State = new CrawlState(jobs);
            await LoadStripsAsync();
            StateHasChanged();
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
        _poll?.Dispose();
        base.Dispose(disposing);
    }

    private sealed record Strip(int Downloaded, IReadOnlyList<ImageSummary> Images);
}

/// <summary>The crawl page's data: the latest crawl jobs.</summary>
public sealed record CrawlState(IReadOnlyList<CrawlJob>? Jobs);
