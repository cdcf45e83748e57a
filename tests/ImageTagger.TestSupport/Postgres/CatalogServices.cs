using ImageTagger.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>
/// Services with the catalog registered exactly as the services register it (<see cref="CatalogServiceCollectionExtensions.AddCatalog"/>
/// on a host builder: Aspire's DbContext and data source), without running a host.
/// </summary>
public static class CatalogServices
{
    public static ServiceProvider Build(string connectionString, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{CatalogServiceCollectionExtensions.ConnectionName}"] = connectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddLogging();
        builder.AddCatalog();
        // The configuration (with the stored-settings source and its reload timer) goes when the services go.
        builder.Services.AddSingleton(_ => new ConfigurationLifetime(builder.Configuration));
        configure?.Invoke(builder.Services);
        var provider = builder.Services.BuildServiceProvider();
        provider.GetRequiredService<ConfigurationLifetime>();
        return provider;
    }

    private sealed class ConfigurationLifetime(ConfigurationManager configuration) : IDisposable
    {
        public void Dispose() => configuration.Dispose();
    }
}
