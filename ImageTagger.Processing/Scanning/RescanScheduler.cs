using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Scanning;

/// <summary>
/// Queues a scan of every active folder at start (to catch what changed while nothing ran) and then
/// every <see cref="ProcessingOptions.RescanInterval"/>. Dedupe keys make this safe with many instances.
/// </summary>
public sealed partial class RescanScheduler(NpgsqlDataSource dataSource, JobQueue queue, IOptions<ProcessingOptions> options, TimeProvider timeProvider, ILogger<RescanScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RescanInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            do
            {
                try
                {
                    var queued = await QueueScansAsync(stoppingToken);
                    LogQueued(logger, queued);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    LogFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> QueueScansAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var folderIds = new List<long>();
        await using (var command = new NpgsqlCommand("SELECT id FROM folders WHERE active ORDER BY id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                folderIds.Add(reader.GetInt64(0));
            }
        }

        var queued = 0;
        foreach (var folderId in folderIds)
        {
            var job = NewJob.ScanFolder(folderId);
            if (await queue.EnqueueAsync(connection, null, job, cancellationToken) is not null)
            {
                queued++;
            }
        }

        return queued;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued {Count} folder rescan(s)")]
    private static partial void LogQueued(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queueing folder rescans failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
