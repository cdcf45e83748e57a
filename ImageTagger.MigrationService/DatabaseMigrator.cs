using System.Diagnostics;
using ImageTagger.Catalog;
using Npgsql;
using Polly;
using Polly.Retry;

namespace ImageTagger.MigrationService;

/// <summary>Applies migrations, retrying while the database is still starting up.</summary>
internal sealed partial class DatabaseMigrator(IServiceProvider services, ILogger<DatabaseMigrator> logger)
{
    private static readonly ActivitySource s_activitySource = new("ImageTagger.MigrationService");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity("migrate database");
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient || e.InnerException is System.Net.Sockets.SocketException),
                MaxRetryAttempts = 20,
                Delay = TimeSpan.FromMilliseconds(500),
                BackoffType = DelayBackoffType.Constant,
                OnRetry = args =>
                {
                    LogWaiting(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var applied = await pipeline.ExecuteAsync(async ct =>
            {
                await using var scope = services.CreateAsyncScope();
                var migrator = scope.ServiceProvider.GetRequiredService<CatalogMigrator>();
                var pending = await migrator.PendingMigrationsAsync(ct);
                await migrator.MigrateAsync(ct);
                return pending;
            }, cancellationToken);
            LogMigrated(logger, applied.Count, string.Join(", ", applied), stopwatch.ElapsedMilliseconds);
            return 0;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LogFailed(logger, ex);
            return 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is current: applied {Count} migration(s) [{Migrations}] in {ElapsedMs} ms")]
    private static partial void LogMigrated(ILogger logger, int count, string migrations, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the database failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
