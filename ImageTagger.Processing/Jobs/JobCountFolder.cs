using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Every <see cref="ProcessingOptions.CountFoldInterval"/>, folds the job counter changes the database's triggers
/// appended into the counters (<see cref="JobQueue.FoldCountsAsync"/>), so progress stays a sum over a few rows while a
/// bulk ingest appends thousands of changes a minute. Several Processing instances may fold side by side.
/// </summary>
public sealed partial class JobCountFolder(JobQueue queue, TimeProvider timeProvider, IOptions<ProcessingOptions> options, ILogger<JobCountFolder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CountFoldInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await queue.FoldCountsAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    // The changes stay where they are (progress still counts them) until a fold gets through.
                    LogFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folding the job counters failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
