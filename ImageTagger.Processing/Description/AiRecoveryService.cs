using ImageTagger.Ai;
using ImageTagger.Catalog.Jobs;
using Npgsql;

namespace ImageTagger.Processing.Description;

/// <summary>
/// AI jobs that ran out of attempts while Ollama was down are parked, not lost; when Ollama answers
/// again with the configured models, this puts exactly those jobs back in the queue.
/// </summary>
public sealed partial class AiRecoveryService(
    JobQueue queue,
    OllamaStatusClient status,
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    Microsoft.Extensions.Options.IOptions<ProcessingOptions> options,
    ILogger<AiRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AiRecoveryInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RecoverAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or HttpRequestException or InvalidOperationException)
                {
                    LogFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        await using (var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'Parked' AND kind = ANY(@kinds) AND starts_with(last_error, @prefix))"))
        {
            command.Parameters.AddWithValue("kinds", new[] { JobKinds.Describe, JobKinds.Embed });
            command.Parameters.AddWithValue("prefix", DescribeHandler.UnavailablePrefix);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        var current = await status.GetStatusAsync(cancellationToken);
        if (!current.Ready)
        {
            return 0;
        }

        var requeued = await queue.RequeueParkedAsync(JobKinds.Describe, DescribeHandler.UnavailablePrefix, cancellationToken)
            + await queue.RequeueParkedAsync(JobKinds.Embed, DescribeHandler.UnavailablePrefix, cancellationToken);
        LogRecovered(logger, requeued);
        return requeued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ollama is back: {Count} parked AI job(s) queued again")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking for recoverable AI jobs failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
