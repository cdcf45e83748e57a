using ImageTagger.Catalog.Folders;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests;

internal static class ProcessingTestHost
{
    /// <summary>The real Processing service composition against a test database, with options overridden for speed.</summary>
    public static IHost Build(CatalogDatabase database, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null) =>
        Build(database.ConnectionString, database.EmbeddingDimensions, settings, configure);

    public static IHost Build(string connectionString, int embeddingDimensions, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:imagetagger"] = connectionString,
            ["Embedding:Dimensions"] = embeddingDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Processing:PollInterval"] = "00:00:00.200",
            ["Processing:RetryBaseDelay"] = "00:00:00.050",
            ["Processing:RetryMaxDelay"] = "00:00:00.200",
            ["Processing:LeaseDuration"] = "00:00:03",
            ["Processing:WatchDebounce"] = "00:00:00.300",
            ["Processing:RescanInterval"] = "00:00:00",
            ["Processing:WorkerId"] = "test-" + Guid.NewGuid().ToString("N")[..6],

            // The offline models are tested with the pipeline in Offline/ (which turns them on); elsewhere they would
            // only add seconds of CPU per image to tests about other things, on a shared 2-core machine.
            ["OfflineAi:Ocr"] = "false",
            ["OfflineAi:Features"] = "false",
            ["OfflineAi:TextEmbeddings"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddApplicationServices();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Settings for a pipeline run against the loopback Ollama: no client-side retries (the job queue retries), no watcher.</summary>
    public static Dictionary<string, string?> PipelineSettings(Uri ollama, string thumbnails, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ollama:Url"] = ollama.ToString(),
            ["Ollama:VisionModel"] = "llava:7b",
            ["Ollama:EmbeddingModel"] = "nomic-embed-text",
            ["Ollama:MaxRetries"] = "0",
            ["Processing:ThumbnailRoot"] = thumbnails,
            ["Processing:WatchFolders"] = "false",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<Folder> AddFolderAsync(CatalogDatabase database, string path, bool recursive = true, CancellationToken ct = default)
    {
        await using var db = database.CreateDbContext();
        var folder = new Folder { Path = path, Recursive = recursive };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(ct);
        return folder;
    }
}
