using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ImageTagger.Catalog.Settings;

/// <summary>
/// Makes settings users changed in the UI (the <c>settings</c> table: configuration key → JSON string) part of
/// a service's configuration, above appsettings and environment. Loaded at start and reloaded periodically,
/// so IOptionsMonitor consumers see changes; singletons built from IOptions see them on the next restart.
/// A database that is not reachable yet (or not migrated) simply contributes nothing.
/// </summary>
public sealed class CatalogSettingsConfigurationSource(string connectionString, TimeSpan reloadInterval) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new CatalogSettingsConfigurationProvider(connectionString, reloadInterval);
}

internal sealed class CatalogSettingsConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly string _connectionString;
    private readonly Timer? _timer;

    public CatalogSettingsConfigurationProvider(string connectionString, TimeSpan reloadInterval)
    {
        _connectionString = connectionString;
        if (reloadInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => Reload(), null, reloadInterval, reloadInterval);
        }
    }

    public override void Load() => Data = Read() ?? Data;

    private void Reload()
    {
        var data = Read();
        if (data is not null && !data.OrderBy(p => p.Key).SequenceEqual(Data.OrderBy(p => p.Key)))
        {
            Data = data;
            OnReload();
        }
    }

    private Dictionary<string, string?>? Read()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Timeout = 3, Pooling = false };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT key, value #>> '{}' FROM settings", connection);
            using var reader = command.ExecuteReader();
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            while (reader.Read())
            {
                var key = reader.GetString(0);
                var value = reader.IsDBNull(1) ? null : reader.GetString(1);
                if (value is not null && key.EndsWith("Sizes", StringComparison.OrdinalIgnoreCase) && value.Contains(',', StringComparison.Ordinal))
                {
                    // Lists are stored as "256,1024"; configuration binds arrays from indexed keys.
                    var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    for (var i = 0; i < parts.Length; i++)
                    {
                        data[$"{key}:{i}"] = parts[i];
                    }
                }
                else
                {
                    data[key] = value;
                }
            }

            return data;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return null;
        }
    }

    public void Dispose() => _timer?.Dispose();
}

public static class CatalogSettingsConfigurationExtensions
{
    /// <summary>Adds the user's stored settings (if the catalog connection string is configured).</summary>
    public static IConfigurationManager AddCatalogSettings(this IConfigurationManager configuration, TimeSpan? reloadInterval = null)
    {
        var connectionString = configuration.GetConnectionString(CatalogServiceCollectionExtensions.ConnectionName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            ((IConfigurationBuilder)configuration).Add(new CatalogSettingsConfigurationSource(connectionString, reloadInterval ?? TimeSpan.FromSeconds(30)));
        }

        return configuration;
    }
}
