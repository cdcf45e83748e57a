using System.Diagnostics;
using Npgsql;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>
/// The real PostgreSQL + pgvector server the tests run against. CI starts it and passes
/// <c>IMAGETAGGER_TEST_PG</c>; otherwise the first test starts a private cluster with scripts/pg.sh.
/// </summary>
public static class PostgresServer
{
    private const string DefaultDataDir = "/tmp/imagetagger-test-pg";
    private const int DefaultPort = 55433;
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_adminConnectionString;

    /// <summary>A superuser connection string to the <c>postgres</c> maintenance database.</summary>
    public static async Task<string> GetAdminConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        if (s_adminConnectionString is not null)
        {
            return s_adminConnectionString;
        }

        await s_gate.WaitAsync(cancellationToken);
        try
        {
            s_adminConnectionString ??= await StartAsync(cancellationToken);
            return s_adminConnectionString;
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("IMAGETAGGER_TEST_PG");
        string connectionString;
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            connectionString = fromEnvironment;
        }
        else
        {
            // Several test processes may start at once: one starts the cluster, the others wait on the lock.
            await using var fileLock = await AcquireFileLockAsync(DefaultDataDir + ".lock", cancellationToken);
            connectionString = await RunPgScriptAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = true, MaxPoolSize = 20 };
        return builder.ConnectionString;
    }

    private static async Task<string> RunPgScriptAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "pg.sh");
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { script, "start", "--data-dir", DefaultDataDir, "--port", DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["IMAGETAGGER_PG_FSYNC"] = "off";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start scripts/pg.sh");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh start failed ({process.ExitCode}): {error}{output}");
        }

        return output.Trim().Split('\n')[^1];
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
