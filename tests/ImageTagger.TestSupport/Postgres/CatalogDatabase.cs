using ImageTagger.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>
/// A fresh, fully migrated database per test class (use as <c>IClassFixture</c>), cloned from a template
/// that is migrated once per build of the catalog (<c>CREATE DATABASE x TEMPLATE t</c> takes milliseconds).
/// Dropped at the end.
/// </summary>
public class CatalogDatabase : IAsyncLifetime
{
    private const long TemplateLockKey = 0x1AA6E7A66E7;
    private static readonly SemaphoreSlim s_templateGate = new(1, 1);
    private static string? s_templateName;

    private string? _adminConnectionString;
    private ServiceProvider? _services;

    public string DatabaseName { get; } = "it_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The embedding dimension the catalog is configured with in this database.</summary>
    public virtual int EmbeddingDimensions => 768;

    public virtual async ValueTask InitializeAsync()
    {
        _adminConnectionString = await PostgresServer.GetAdminConnectionStringAsync();
        var template = await EnsureTemplateAsync(_adminConnectionString);
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\" TEMPLATE \"{template}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = DatabaseName }.ConnectionString;
        _services = CreateServices();
        DataSource = _services.GetRequiredService<NpgsqlDataSource>();
        if (EmbeddingDimensions != 768)
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            await Catalog.Embeddings.EmbeddingIndex.EnsureAsync(connection, EmbeddingDimensions);
        }
    }

    /// <summary>Configuration as the services read it, pointing at this database.</summary>
    public IConfiguration CreateConfiguration(IEnumerable<KeyValuePair<string, string?>>? extra = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{CatalogServiceCollectionExtensions.ConnectionName}"] = ConnectionString,
                ["Embedding:Dimensions"] = EmbeddingDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .AddInMemoryCollection(extra ?? [])
            .Build();

    /// <summary>A service provider with the catalog registered against this database.</summary>
    public ServiceProvider CreateServices(Action<IServiceCollection>? configure = null) =>
        CatalogServices.Build(ConnectionString, EmbeddingSettings, configure);

    public CatalogDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<CatalogDbContext>().UseNpgsql(DataSource, CatalogDbContext.ConfigureNpgsql).Options);

    private Dictionary<string, string?> EmbeddingSettings => new()
    {
        ["Embedding:Dimensions"] = EmbeddingDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_adminConnectionString is not null)
        {
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Creates an empty database (no migrations), for tests of the migrations themselves.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string name)
    {
        var admin = await PostgresServer.GetAdminConnectionStringAsync();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        var admin = await PostgresServer.GetAdminConnectionStringAsync();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<string> EnsureTemplateAsync(string adminConnectionString)
    {
        if (s_templateName is not null)
        {
            return s_templateName;
        }

        await s_templateGate.WaitAsync();
        try
        {
            if (s_templateName is not null)
            {
                return s_templateName;
            }

            // One template per build of the catalog assembly, so a changed migration is never served stale.
            var version = typeof(CatalogDbContext).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
            var name = "it_template_" + version;
            await using var admin = new NpgsqlConnection(adminConnectionString);
            await admin.OpenAsync();

            // Other test processes may be creating the same template right now.
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({TemplateLockKey})", admin))
            {
                await lockCommand.ExecuteNonQueryAsync();
            }

            try
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
                exists.Parameters.AddWithValue("name", name);
                if (await exists.ExecuteScalarAsync() is null)
                {
                    await using (var dropStale = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}_build\" WITH (FORCE)", admin))
                    {
                        await dropStale.ExecuteNonQueryAsync();
                    }

                    await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}_build\"", admin))
                    {
                        await create.ExecuteNonQueryAsync();
                    }

                    var templateConnection = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name + "_build", Pooling = false }.ConnectionString;
                    await using (var provider = CatalogServices.Build(templateConnection))
                    await using (var scope = provider.CreateAsyncScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<CatalogMigrator>().MigrateAsync();
                    }

                    // Renamed only when complete, so a crashed build never leaves a half-migrated template.
                    await using var rename = new NpgsqlCommand($"ALTER DATABASE \"{name}_build\" RENAME TO \"{name}\"", admin);
                    await rename.ExecuteNonQueryAsync();
                }
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({TemplateLockKey})", admin);
                await unlock.ExecuteNonQueryAsync();
            }

            s_templateName = name;
            return name;
        }
        finally
        {
            s_templateGate.Release();
        }
    }
}
