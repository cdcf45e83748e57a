using Npgsql;

namespace ImageTagger.Processing.Jobs;

/// <summary>The loop of the queue's housekeeping services: work on every tick; a database error waits for the next one.</summary>
internal static class PeriodicWork
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider timeProvider, Func<CancellationToken, Task> work, Action<string> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    failed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
