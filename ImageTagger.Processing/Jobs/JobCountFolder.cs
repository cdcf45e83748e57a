using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Every <see cref="ProcessingOptions.CountFoldInterval"/>, folds the job counter changes the database's triggers
/// appended into the counters (<see cref="JobQueue.FoldCountsAsync"/>), so progress stays a sum over a few rows while a
/// bulk ingest appends thousands of changes a minute. Several Processing instances may fold side by side.
/// </summary>
public sealed partial class JobCountFolder(JobQueue queue, TimeProvider timeProvider, IOptions<ProcessingOptions> options, ILogger<JobCountFolder> logger) : BackgroundService
{
    // A failed fold leaves the changes where they are (progress still counts them) until one gets through.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.CountFoldInterval, timeProvider, queue.FoldCountsAsync, error => LogFailed(logger, error), stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folding the job counters failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
