using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace PipelineBench;

/// <summary>Shared plumbing: a fresh database per run, child processes, medians.</summary>
internal static class Bench
{
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("IMAGETAGGER_BENCH_PG") ?? "Host=127.0.0.1;Port=55433;Username=postgres;Password=postgres;Database=postgres";

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, MaxPoolSize = 50 }.ConnectionString;

    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = ConnectionString(name);
        await MigrateAsync(connectionString);
        return connectionString;
    }

    public static async Task MigrateAsync(string connectionString)
    {
        await using var provider = ImageTagger.TestSupport.Postgres.CatalogServices.Build(connectionString);
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(provider);
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ImageTagger.Catalog.CatalogMigrator>(scope.ServiceProvider).MigrateAsync();
    }

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ImageTagger.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("ImageTagger.sln not found");
        }
    }

    public const string ServiceDirSetting = "BENCH_SERVICE_DIR";

    /// <summary>Starts a built service (ImageTagger.Processing / ImageTagger.Api) as a child process.</summary>
    public static Process StartService(string project, IReadOnlyDictionary<string, string> environment)
    {
        // Services run from their own Release build output (bench/run.sh builds them), as they would be deployed.
        // BENCH_SERVICE_DIR (a setting, not passed on) runs another build of it instead, e.g. a ReadyToRun publish.
        var folder = environment.TryGetValue(ServiceDirSetting, out var other) ? other : Path.Combine(RepoRoot, project, "bin", "Release", "net10.0");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(folder, project + ".dll")]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment.Where(e => e.Key != ServiceDirSetting))
        {
            info.Environment[k] = v;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("fail", StringComparison.OrdinalIgnoreCase)) { Console.Error.WriteLine($"[{project}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Starts a built service on a free loopback port and returns once its /health answers, so start-up (JIT,
    /// connection pools) is not counted as work.
    /// </summary>
    public static async Task<(Process Process, Uri Url)> StartServiceAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        var process = StartService(project, new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/') });
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return (process, url);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{project} did not become healthy");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Peak resident memory of a live process (VmHWM), in MiB.</summary>
    public static double PeakMemoryMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
