using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Postgres;

/// <summary>
/// PostgreSQL 15 + pgvector through scripts/pg.sh (initdb on first use, pg_ctl start -w, pg_ctl stop -m fast).
/// As root the cluster runs as the <c>postgres</c> user, so the data folder must be reachable by that user.
/// </summary>
internal sealed class PostgresServer(AppHostOptions options, int port, ILogger logger)
{
    private const string PostgresUser = "postgres";

    private string Script => Path.Combine(options.RepositoryRoot, "scripts", "pg.sh");

    private string DataDir => options.PgDataDir;

    public int Port { get; } = port;

    public bool Started { get; private set; }

    public static bool RunningAsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    /// <summary>The postmaster's pid, from postmaster.pid.</summary>
    public int? Pid
    {
        get
        {
            try
            {
                var first = File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).FirstOrDefault();
                return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>Creates the data folder and checks the postgres user can reach it; throws with the fix when not.</summary>
    public async Task PrepareDataDirAsync(CancellationToken cancellationToken)
    {
        var created = !Directory.Exists(options.DataDir);
        // 0755: PostgreSQL (another user when we are root) must traverse it to reach pgdata; pgdata itself is 0700.
        Directory.CreateDirectory(options.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (created)
        {
            Log.CreatedDataDir(logger, options.DataDir);
        }

        if (!RunningAsRoot)
        {
            return;
        }

        // Ask the postgres user itself: permissions, ACLs and mount options all count, not just mode bits.
        if (await CanPostgresTraverseAsync(options.DataDir, cancellationToken))
        {
            return;
        }

        var blocking = options.DataDir;
        for (var dir = new DirectoryInfo(options.DataDir); dir is not null; dir = dir.Parent)
        {
            if (await CanPostgresTraverseAsync(dir.FullName, cancellationToken))
            {
                break;
            }

            blocking = dir.FullName;
        }

        throw new InvalidOperationException(
            $"PostgreSQL runs as user '{PostgresUser}' (it refuses to run as root), and that user cannot reach {DataDir}: " +
            $"'{blocking}' is not traversable for it (mode {DescribeMode(blocking)}). " +
            $"Fix: `chmod o+x {blocking}`, or choose a --data-dir under a folder every user can enter (e.g. /var/tmp/imagetagger).");
    }

    /// <summary>Starts the cluster (creating it on first use) and returns the connection string.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        // A cluster left running by a killed AppHost may listen on another port: restart it on ours.
        if (File.Exists(Path.Combine(DataDir, "postmaster.pid")) && (await RunScriptAsync("status", cancellationToken)).ExitCode == 0)
        {
            Log.PostgresStillRunning(logger, DataDir);
            await RunScriptAsync("stop", cancellationToken);
        }

        if (Processes.FreePort.IsInUse(Port))
        {
            throw new InvalidOperationException($"Port {Port} is already in use on 127.0.0.1: pass another --pg-port (0 picks a free one).");
        }

        var firstRun = !File.Exists(Path.Combine(DataDir, "PG_VERSION"));
        Log.PostgresStarting(logger, DataDir, Port, firstRun ? " (first run: initdb)" : "");
        var result = await RunScriptAsync("start", cancellationToken);
        if (result.ExitCode != 0)
        {
            var serverLog = ReadServerLogTail();
            throw new InvalidOperationException(
                $"PostgreSQL did not start (scripts/pg.sh exit code {result.ExitCode}): {result.Error.Trim()}{result.Output.Trim()}" +
                (serverLog.Length > 0 ? $"{Environment.NewLine}server.log:{Environment.NewLine}{serverLog}" : ""));
        }

        Started = true;
        var connectionString = result.Output.Trim().Split('\n')[^1].Trim();
        await EnsureDatabaseAsync(connectionString, cancellationToken);
        return connectionString;
    }

    /// <summary>
    /// Creates the application database, as Aspire's AddDatabase does: EF would create it too, but only after
    /// logging a failed connection, which reads like an error on every first run.
    /// </summary>
    private async Task EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        const string createdb = "/usr/lib/postgresql/15/bin/createdb";
        var settings = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(createdb) || !settings.TryGetValue("Database", out var database))
        {
            return;
        }

        var info = new ProcessStartInfo(createdb)
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", settings.GetValueOrDefault("Username", "postgres"), database },
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PGPASSWORD"] = settings.GetValueOrDefault("Password", "");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start createdb");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !error.Contains("already exists", StringComparison.Ordinal))
        {
            Log.CreateDatabaseFailed(logger, database, error.Trim());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!Started)
        {
            return;
        }

        var result = await RunScriptAsync("stop", cancellationToken);
        if (result.ExitCode != 0)
        {
            Log.PostgresStopFailed(logger, result.ExitCode, result.Error.Trim());
        }
        else
        {
            Started = false;
            Log.PostgresStopped(logger);
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Script, command, "--data-dir", DataDir, "--port", Port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start scripts/pg.sh");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        // Not cancellable on purpose: a half-done initdb or stop is worse than waiting for it.
        await process.WaitForExitAsync(CancellationToken.None);
        return (process.ExitCode, await output, await error);
    }

    private string ReadServerLogTail()
    {
        try
        {
            var path = Path.Combine(DataDir, "server.log");
            return File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(20)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static async Task<bool> CanPostgresTraverseAsync(string path, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("runuser") { ArgumentList = { "-u", PostgresUser, "--", "test", "-x", path }, UseShellExecute = false, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start runuser");
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0;
    }

    private static string DescribeMode(string path)
    {
        try
        {
            var mode = (int)File.GetUnixFileMode(path);
            return Convert.ToString(mode, 8).PadLeft(4, '0');
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
