using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.AppHost.Postgres;

/// <summary>
/// The database the services use (connection string <c>imagetagger</c>) and the resource to wait for before using it:
/// a connection-string resource counts as healthy at once, so dependents wait for the server itself.
/// </summary>
internal sealed record ImageTaggerDatabase(IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResource> Server, PostgresMode Mode);

internal static class PostgresResources
{
    public const string DatabaseName = "imagetagger";
    public const string ServerName = "postgres";

    /// <summary>PostgreSQL 15 + pgvector in the mode chosen (auto: container when a runtime answers, else local).</summary>
    public static ImageTaggerDatabase AddImageTaggerDatabase(this IDistributedApplicationBuilder builder, AppHostSettings settings, Func<bool> containerRuntimeAnswers)
    {
        var mode = settings.Postgres == PostgresMode.Auto
            ? (containerRuntimeAnswers() ? PostgresMode.Container : PostgresMode.Local)
            : settings.Postgres;
        return mode switch
        {
            PostgresMode.Local => builder.AddLocalPostgres(settings),
            PostgresMode.Container => builder.AddContainerPostgres(settings),
            _ => builder.AddExternalPostgres(),
        };
    }

    /// <summary>The Debian binaries through scripts/pg.sh run: initdb on first use, data in &lt;data-dir&gt;/pgdata.</summary>
    private static ImageTaggerDatabase AddLocalPostgres(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var port = settings.PgPort == 0 ? FreeTcpPort() : settings.PgPort;
        var connectionString = $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password=postgres;Database={DatabaseName}";
        var script = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "scripts", "pg.sh"));
        var healthCheck = $"{ServerName}-connects";
        builder.Services.AddHealthChecks().AddNpgSql(
            connectionString + ";Timeout=3;Pooling=false", name: healthCheck, timeout: TimeSpan.FromSeconds(5));

        var server = builder.AddExecutable(ServerName, "bash", settings.DataDir, script, "run", "--data-dir", settings.PgDataDir, "--port", port.ToString(CultureInfo.InvariantCulture))
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck);
        var database = builder.AddConnectionString(DatabaseName, b => b.AppendLiteral(connectionString));
        return new(database, server, PostgresMode.Local);
    }

    /// <summary>Aspire's PostgreSQL container with pgvector, its data in a named volume.</summary>
    private static ImageTaggerDatabase AddContainerPostgres(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var server = builder.AddPostgres(ServerName, port: settings.PgPort == 0 ? null : settings.PgPort)
            .WithImage("pgvector/pgvector", "pg15")
            .WithDataVolume("imagetagger-pgdata");
        var database = server.AddDatabase(DatabaseName);
        return new(database, server, PostgresMode.Container);
    }

    /// <summary>ConnectionStrings:imagetagger from configuration, for a server managed elsewhere.</summary>
    private static ImageTaggerDatabase AddExternalPostgres(this IDistributedApplicationBuilder builder)
    {
        var database = builder.AddConnectionString(DatabaseName);
        return new(database, database, PostgresMode.External);
    }

    /// <summary>A port nothing listens on right now (port 0 in the flags means "pick one").</summary>
    internal static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
