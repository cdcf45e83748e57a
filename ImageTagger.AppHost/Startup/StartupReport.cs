using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Startup;

/// <summary>What the console reports on: the steps everything depends on, the services, and the folders to add.</summary>
/// <param name="Prerequisites">Resources that must start (postgres) or complete with exit code 0 (migrate); a failure stops the app.</param>
/// <param name="Services">Long-running resources that must all be healthy for the app to be ready.</param>
internal sealed record StartupPlan(
    IReadOnlyList<string> Prerequisites,
    IReadOnlyList<string> Services,
    EndpointReference Api,
    EndpointReference? Web,
    IReadOnlyList<string> Folders);

/// <summary>
/// The console side of the app model (the dashboard shows the rest): one line once every service is healthy, the
/// folders added through the api after that, a failed prerequisite printed with its last output (and the app
/// stopped, exit code 1), and a service that exits later printed once.
/// </summary>
internal sealed partial class StartupReport(
    StartupPlan plan,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    DistributedApplicationModel model,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<StartupReport> logger) : BackgroundService
{
    private const int TailLines = 15;
    private readonly Dictionary<string, Queue<string>> _tails = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var resource in model.Resources.Where(r => plan.Prerequisites.Contains(r.Name)))
        {
            _ = KeepTailAsync(resource, stoppingToken);
        }

        var healthy = new HashSet<string>(StringComparer.Ordinal);
        var reportedExit = new HashSet<string>(StringComparer.Ordinal);
        var ready = false;
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken))
            {
                var name = e.Resource.Name;
                var state = e.Snapshot.State?.Text;
                var ended = state is not null && KnownResourceStates.TerminalStates.Contains(state);
                if (!ready && plan.Prerequisites.Contains(name) && ended && !(state == KnownResourceStates.Finished && e.Snapshot.ExitCode == 0))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(300), stoppingToken); // the last log lines arrive just after the exit
                    LogPrerequisiteFailed(logger, name, state!, e.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", Tail(name));
                    Environment.ExitCode = 1;
                    lifetime.StopApplication();
                    return;
                }

                if (plan.Services.Contains(name))
                {
                    if (state == KnownResourceStates.Running && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                    {
                        healthy.Add(name);
                        reportedExit.Remove(name);
                    }
                    else if (ended && ready && reportedExit.Add(name))
                    {
                        healthy.Remove(name);
                        LogServiceExited(logger, name, e.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", DashboardUrl() ?? "the dashboard");
                    }
                }

                if (!ready && plan.Services.All(healthy.Contains))
                {
                    ready = true;
                    var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
                    LogReady(logger, plan.Web?.Url ?? "(not started)", plan.Api.Url, elapsed.TotalSeconds, DashboardUrl() ?? "off");
                    _ = AddFoldersAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task AddFoldersAsync(CancellationToken cancellationToken)
    {
        if (plan.Folders.Count == 0)
        {
            return;
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new GraphQLFolderClient(http, logger);
        var endpoint = new Uri(new Uri(plan.Api.Url), "/graphql");
        foreach (var folder in plan.Folders)
        {
            await client.AddFolderAsync(endpoint, folder, cancellationToken);
        }
    }

    private async Task KeepTailAsync(IResource resource, CancellationToken cancellationToken)
    {
        var tail = new Queue<string>();
        lock (_tails)
        {
            _tails[resource.Name] = tail;
        }

        try
        {
            await foreach (var batch in resourceLogs.WatchAsync(resource).WithCancellation(cancellationToken))
            {
                lock (_tails)
                {
                    foreach (var line in batch)
                    {
                        tail.Enqueue(line.Content);
                        if (tail.Count > TailLines)
                        {
                            tail.Dequeue();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private string Tail(string resource)
    {
        lock (_tails)
        {
            return _tails.TryGetValue(resource, out var tail) && tail.Count > 0
                ? string.Concat(tail.Select(l => Environment.NewLine + "  | " + l))
                : " (no output)";
        }
    }

    /// <summary>The dashboard's address with its login token, as Aspire prints it at start.</summary>
    private string? DashboardUrl()
    {
        var url = configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var token = configuration["AppHost:BrowserToken"];
        return url is null || configuration.GetValue("ASPIRE_DASHBOARD_DISABLED", false) ? null
            : token is null ? url : $"{url.TrimEnd('/')}/login?t={token}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ImageTagger is ready: web {Web}, api {Api} ({Seconds:0.0} s); dashboard {Dashboard}; Ctrl+C stops everything")]
    private static partial void LogReady(ILogger logger, string web, string api, double seconds, string dashboard);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Resource} did not complete ({State}, exit code {ExitCode}); nothing that depends on it was started, stopping. Its last output:{Tail}")]
    private static partial void LogPrerequisiteFailed(ILogger logger, string resource, string state, string exitCode, string tail);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} exited (exit code {ExitCode}); it stays stopped: see its console log and restart it from {Dashboard}")]
    private static partial void LogServiceExited(ILogger logger, string resource, string exitCode, string dashboard);
}
