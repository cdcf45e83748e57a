using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Imaging;
using ImageTagger.Processing.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Crawling;

/// <summary>
/// Runs one batch of a crawl per job. Pause, cancel and delete are noticed while it runs (the crawl's state is
/// checked every <see cref="CrawlOptions.StateCheckInterval"/>) and stop the fetches in flight; otherwise the
/// batch ends on its budget and, in the transaction that completes the job, queues the next batch or settles the crawl.
/// </summary>
public sealed partial class CrawlHandler(
    CrawlFrontier frontier,
    CrawlFetcher fetcher,
    IImageProcessor processor,
    IOptionsMonitor<CrawlOptions> options,
    TimeProvider timeProvider,
    ILogger<CrawlHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.Crawl;

    public async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var crawlId = context.Job.Payload.RootElement.GetProperty("crawlId").GetInt64();
        var crawl = await frontier.LoadAsync(crawlId, cancellationToken);
        if (crawl is null || crawl.State is not (CrawlJobState.Queued or CrawlJobState.Running))
        {
            return; // deleted, paused, cancelled or finished meanwhile: nothing to do
        }

        var settings = options.CurrentValue;
        var (folderId, folderPath) = await frontier.StartRunAsync(crawl, settings.Root, cancellationToken);
        if (folderId is null)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = WatchStateAsync(crawlId, settings.StateCheckInterval, stop);
        var fetches = 0;
        try
        {
            var run = new CrawlRun(crawl, folderId.Value, folderPath, frontier, fetcher, processor, settings, timeProvider, logger);
            fetches = await run.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogStopped(logger, crawlId);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // Deleted while a fetch was being recorded: nothing left to do. Anything else is a real failure.
            if (await frontier.StateAsync(crawlId, cancellationToken) is not null)
            {
                throw;
            }

            LogStopped(logger, crawlId);
        }
        finally
        {
            await stop.CancelAsync();
            await watcher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await context.CompleteAsync((_, connection, transaction, ct) => frontier.FinishRunAsync(connection, transaction, crawlId, context.Job.Id, ct), cancellationToken);
        LogBatchDone(logger, crawlId, fetches);
    }

    public Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken) =>
        frontier.MarkFailedAsync(job.Payload.RootElement.GetProperty("crawlId").GetInt64(), error, cancellationToken);

    /// <summary>Cancels the batch once the crawl is paused, cancelled or deleted.</summary>
    private async Task WatchStateAsync(long crawlId, TimeSpan interval, CancellationTokenSource stop)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stop.Token))
        {
            var state = await frontier.StateAsync(crawlId, stop.Token);
            if (state is not (CrawlJobState.Queued or CrawlJobState.Running))
            {
                LogStateChanged(logger, crawlId, state?.ToString() ?? "deleted");
                await stop.CancelAsync();
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {CrawlId} is now {State}; stopping its batch")]
    private static partial void LogStateChanged(ILogger logger, long crawlId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {CrawlId} batch stopped early")]
    private static partial void LogStopped(ILogger logger, long crawlId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {CrawlId} batch done after {Fetches} fetch(es)")]
    private static partial void LogBatchDone(ILogger logger, long crawlId, int fetches);
}
