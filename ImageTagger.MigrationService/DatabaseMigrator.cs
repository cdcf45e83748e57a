using System.Diagnostics;
using ImageTagger.Catalog;

namespace ImageTagger.MigrationService;

/// <summary>Applies migrations; the catalog context's retrying execution strategy waits while the database is still starting up.</summary>
internal sealed partial class DatabaseMigrator(IServiceProvider services, ILogger<DatabaseMigrator> logger)
{
    private static readonly ActivitySource s_activitySource = new("ImageTagger.MigrationService");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity("migrate database");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await using var scope = services.CreateAsyncScope();
            var migrator = scope.ServiceProvider.GetRequiredService<CatalogMigrator>();
            var applied = await migrator.PendingMigrationsAsync(cancellationToken);
            await migrator.MigrateAsync(cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is current: applied {Count} migration(s) [{Migrations}] in {ElapsedMs} ms")]
    private static partial void LogMigrated(ILogger logger, int count, string migrations, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the database failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
