using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ImageTagger.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>
/// A PostgreSQL cluster of a test's own (scripts/pg.sh, own data folder and port), for tests that must
/// restart or stop the server without disturbing the shared one.
/// </summary>
public sealed class PrivatePostgresServer : IAsyncDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "it-pg-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly int _port = FreePort();

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _port, Username = "postgres", Password = "postgres", Database = database }.ConnectionString;

    public static async Task<PrivatePostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new PrivatePostgresServer();
        await server.RunAsync("start", cancellationToken);
        return server;
    }

    /// <summary>Creates a database with the current schema and returns its connection string.</summary>
    public async Task<string> CreateCatalogAsync(string name, int embeddingDimensions = 768, CancellationToken cancellationToken = default)
    {
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var connectionString = ConnectionString(name);
        await using var provider = CatalogServices.Build(connectionString, new Dictionary<string, string?> { ["Embedding:Dimensions"] = embeddingDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CatalogMigrator>().MigrateAsync(cancellationToken);
        return connectionString;
    }

    /// <summary>A fast shutdown and start, as an administrator restarting the database would do.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync("stop", cancellationToken);
        await RunAsync("start", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => RunAsync("stop", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop", CancellationToken.None);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task RunAsync(string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepositoryPaths.Root, "scripts", "pg.sh"), command, "--data-dir", _dataDir, "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["IMAGETAGGER_PG_FSYNC"] = "off";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run scripts/pg.sh");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh {command} failed: {error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
