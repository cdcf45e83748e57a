using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ImageTagger.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>The connection string name, as Aspire passes it: <c>ConnectionStrings__imagetagger</c>.</summary>
    public const string ConnectionName = "imagetagger";

    /// <summary>
    /// Registers the catalog through Aspire's client integrations, both reading <c>ConnectionStrings:imagetagger</c>:
    /// the pooled <see cref="CatalogDbContext"/> (retries, health check, Npgsql traces and metrics) and the
    /// <see cref="NpgsqlDataSource"/> that hand-written SQL uses (job queue, LISTEN/NOTIFY, COPY, search).
    /// Services and tests register the catalog only through here.
    /// </summary>
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            throw new InvalidOperationException($"Connection string '{ConnectionName}' is missing (set ConnectionStrings__{ConnectionName}).");
        }

        builder.Configuration.AddCatalogSettings();
        builder.AddNpgsqlDataSource(
            ConnectionName,
            // One health check per database is enough: the DbContext's below.
            settings => settings.DisableHealthChecks = true,
            ConfigureDataSource);
        builder.AddNpgsqlDbContext<CatalogDbContext>(
            ConnectionName,
            // EF builds its own data source from the connection string: it needs the same type setup as the raw one
            // (jsonb columns such as images.exif are read as dictionaries only with dynamic JSON).
            configureDbContextOptions: options => options.UseNpgsql(npgsql =>
            {
                CatalogDbContext.ConfigureNpgsql(npgsql);
                npgsql.ConfigureDataSource(ConfigureDataSource);
            }));

        var services = builder.Services;
        services.AddOptions<EmbeddingOptions>()
            .Bind(builder.Configuration.GetSection(EmbeddingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobNotifications>();
        services.AddSingleton<EmbeddingStore>();
        services.AddSingleton<Similarity.VisualSimilarity>();
        services.AddOptions<Search.SearchOptions>().Bind(builder.Configuration.GetSection(Search.SearchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Search.ImageSearch>();
        services.AddScoped<CatalogMigrator>();
        return builder;
    }

    /// <summary>What the raw data source needs beyond the connection string: pgvector, jsonb for POCOs, a name in pg_stat_activity.</summary>
    public static void ConfigureDataSource(NpgsqlDataSourceBuilder builder)
    {
        builder.UseVector();
        builder.EnableDynamicJson();
        builder.ConnectionStringBuilder.ApplicationName ??= AppDomain.CurrentDomain.FriendlyName;
    }
}
