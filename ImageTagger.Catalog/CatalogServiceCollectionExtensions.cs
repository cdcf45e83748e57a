using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ImageTagger.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>The connection string name, as Aspire passes it: <c>ConnectionStrings__imagetagger</c>.</summary>
    public const string ConnectionName = "imagetagger";

    /// <summary>Registers the data source, the EF context, the job queue and the embedding store.</summary>
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"Connection string '{ConnectionName}' is missing (set ConnectionStrings__{ConnectionName}).");
        builder.Configuration.AddCatalogSettings();
        builder.Services.AddCatalog(connectionString, builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddCatalog(this IServiceCollection services, string connectionString, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>()
            .Bind(configuration.GetSection(EmbeddingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(_ => CreateDataSource(connectionString));
        services.AddDbContext<CatalogDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")));
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobNotifications>();
        services.AddSingleton<EmbeddingStore>();
        services.AddOptions<Search.SearchOptions>().Bind(configuration.GetSection(Search.SearchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Search.ImageSearch>();
        services.AddScoped<CatalogMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.EnableDynamicJson();
        builder.ConnectionStringBuilder.ApplicationName ??= AppDomain.CurrentDomain.FriendlyName;
        return builder.Build();
    }
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
