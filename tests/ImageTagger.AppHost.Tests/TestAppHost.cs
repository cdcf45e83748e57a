using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Tests;

/// <summary>The real app model through Aspire.Hosting.Testing, configured the way a test needs it.</summary>
internal static class TestAppHost
{
    /// <summary>A data folder PostgreSQL (the postgres user, as we are root) can reach: /tmp/…, created 0755 by the AppHost.</summary>
    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), $"imagetagger-apphost-test-{Guid.NewGuid():N}");

    /// <summary>
    /// The app model in local-PostgreSQL mode on free ports. The services' OTLP export is switched off: tests run no
    /// dashboard, and exporting to nowhere makes every stop wait for the exporter's timeout.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(string dataDir, LogCapture? logs, CancellationToken ct, params string[] extra)
    {
        string[] args =
        [
            $"--ImageTagger:DataDir={dataDir}", "--ImageTagger:Postgres=local",
            "--ImageTagger:ApiPort=0", "--ImageTagger:WebPort=0", "--ImageTagger:PgPort=0", .. extra,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ImageTagger_AppHost>(args, ct);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(c => c.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        if (logs is not null)
        {
            builder.Services.AddLogging(l => l.AddProvider(logs));
        }

        return builder;
    }

    /// <summary>
    /// Processes that belong to the app on <paramref name="dataDir"/>: PostgreSQL (its data folder is on its command
    /// line) and every service (the thumbnail folder under it is in their environment).
    /// </summary>
    public static IReadOnlyList<int> ProcessesOf(string dataDir)
    {
        var marker = Path.Combine(dataDir, "");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (cmdline.Contains(marker, StringComparison.Ordinal) || environ.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or a kernel thread.
            }
        }

        return found;
    }

    /// <summary>The service's own process (not the `dotnet run` that DCP starts it through).</summary>
    public static int ServiceProcess(string dataDir, string assemblyName) =>
        ProcessesOf(dataDir).Single(pid =>
        {
            try
            {
                return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0')[0].EndsWith("/" + assemblyName, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });

    public static void DeleteDataDir(string dataDir)
    {
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }
}

/// <summary>The AppHost's own log messages (the console lines users see), collected for assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(formatter(state, exception));
    }
}
