using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing.Jobs;

/// <summary>
/// Keeps the jobs table bounded: every <see cref="ProcessingOptions.PruneInterval"/>, jobs that finished more than
/// <see cref="ProcessingOptions.KeepFinishedJobs"/> ago move into per-folder totals (<see cref="JobQueue.PruneFinishedAsync"/>).
/// A library of a million images leaves several million finished jobs behind otherwise, and every progress query
/// would count them. Batches keep each delete short, so workers claiming jobs never wait long.
/// </summary>
public sealed partial class JobPruner(JobQueue queue, TimeProvider timeProvider, IOptions<ProcessingOptions> options, ILogger<JobPruner> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.PruneInterval == TimeSpan.Zero
            ? Task.CompletedTask
            : PeriodicWork.RunAsync(options.Value.PruneInterval, timeProvider, async ct =>
            {
                var pruned = await PruneAsync(ct);
                if (pruned > 0)
                {
                    LogPruned(logger, pruned);
                }
            }, error => LogFailed(logger, error), stoppingToken);

    /// <summary>Prunes everything old enough, batch by batch; returns how many jobs went.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = timeProvider.GetUtcNow() - options.Value.KeepFinishedJobs;
        var total = 0;
        int pruned;
        do
        {
            pruned = await queue.PruneFinishedAsync(before, options.Value.PruneBatch, cancellationToken);
            total += pruned;
        }
        while (pruned == options.Value.PruneBatch);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} finished jobs into the job archive")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning finished jobs failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
