extern alias processing;
extern alias web;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using WebEntryPoint = web::ImageTagger.Web.Api.ImageTaggerApiClient;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.Web.Tests;

/// <summary>
/// The product as a browser sees it, all in this process on loopback ports: a fresh PostgreSQL database, the loopback
/// Ollama server, the real Api and Web (WebApplicationFactory + Kestrel), and optionally the real Processing service.
/// </summary>
public class WebStack : CatalogDatabase
{
    private IHost? _processing;

    public LoopbackOllamaServer Ollama { get; private set; } = null!;
    public TempImageDirectory Root { get; } = new("web-root-");
    public TempImageDirectory Thumbnails { get; } = new("web-thumbs-");
    public TempImageDirectory Crawls { get; } = new("web-crawls-");
    public WebApplicationFactory<Program> ApiFactory { get; private set; } = null!;
    public WebApplicationFactory<WebEntryPoint> WebFactory { get; private set; } = null!;
    public Uri ApiUrl { get; private set; } = null!;
    public Uri WebUrl { get; private set; } = null!;
    public HttpClient ApiClient { get; private set; } = null!;

    /// <summary>The Api's loopback port; 0 lets the OS choose (a test that restarts the Api picks it).</summary>
    public int ApiPort { get; init; }

    /// <summary>The GraphQL operations the Web sent to the Api.</summary>
    public ApiCallLog ApiCalls { get; } = new();

    /// <summary>Runs the Processing service too (scan, analyze, describe, embed) against the same database.</summary>
    protected virtual bool WithProcessing => false;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Ollama = await LoopbackOllamaServer.StartAsync();
        ApiFactory = new KestrelApp<Program>(ApiPort, web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in SharedSettings())
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("Search:MinSimilarity", "0.2");
            web.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        ApiFactory.StartServer();
        ApiUrl = ServerUrl(ApiFactory.Services);
        ApiClient = new HttpClient { BaseAddress = ApiUrl };

        if (WithProcessing)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(SharedSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Processing:PollInterval"] = "00:00:00.200",
                ["Processing:RetryBaseDelay"] = "00:00:00.050",
                ["Processing:RetryMaxDelay"] = "00:00:00.200",
                ["Processing:LeaseDuration"] = "00:00:05",
                ["Processing:WatchDebounce"] = "00:00:00.300",
                ["Processing:RescanInterval"] = "00:00:00",
                ["Processing:AiRecoveryInterval"] = "00:00:00.300",
                ["Processing:WorkerId"] = "web-test-" + Guid.NewGuid().ToString("N")[..6],
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            processing::ImageTagger.Processing.ProcessingServiceExtensions.AddApplicationServices(builder);
            _processing = builder.Build();
            await _processing.StartAsync();
        }

        WebFactory = CreateWeb(ApiUrl, ApiCalls);
        WebUrl = ServerUrl(WebFactory.Services);
    }

    /// <summary>A Web on its own port talking to <paramref name="apiUrl"/> (also used with an address where nothing listens).</summary>
    public static WebApplicationFactory<WebEntryPoint> CreateWeb(Uri apiUrl, ApiCallLog? calls = null)
    {
        var factory = new KestrelApp<WebEntryPoint>(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("services:api:http:0", apiUrl.ToString());

            // Static assets as published (precompressed, cacheable) instead of development's hot-reload mode.
            web.UseSetting("ReloadStaticAssetsAtRuntime", "false");
            web.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            if (calls is not null)
            {
                web.ConfigureServices(services => services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new ApiCallLog.Handler(calls))));
            }
        });
        factory.StartServer();
        return factory;
    }

    public static Uri ServerUrl(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    private Dictionary<string, string?> SharedSettings() => new()
    {
        ["ConnectionStrings:imagetagger"] = ConnectionString,
        ["Embedding:Dimensions"] = EmbeddingDimensions.ToString(CultureInfo.InvariantCulture),
        ["Ollama:Url"] = Ollama.Url.ToString(),
        ["Ollama:VisionModel"] = "llava:7b",
        ["Ollama:EmbeddingModel"] = "nomic-embed-text",
        ["Ollama:MaxRetries"] = "0",
        ["Ollama:RetryBaseDelay"] = "00:00:00.010",
        ["Ollama:RequestTimeout"] = "00:00:05",
        ["Folders:AllowedRoots:0"] = Root.Path,
        ["Storage:ThumbnailRoot"] = Thumbnails.Path,
        ["Crawl:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Crawl:Root"] = Crawls.Path,
        ["Crawl:StateCheckInterval"] = "00:00:00.200",
        // A test may hold a crawl's image requests at its site for as long as it looks at the page.
        ["Crawl:RequestTimeout"] = "00:02:00",
    };

    /// <summary>The data of a GraphQL request to the Api that must succeed.</summary>
    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null)
    {
        using var response = await ApiClient.PostAsJsonAsync("/graphql", new { query, variables });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.TryGetProperty("errors", out var errors), $"GraphQL errors: {errors}");
        return json.RootElement.GetProperty("data").Clone();
    }

    public async Task<List<string>> TagsOfAsync(long imageId)
    {
        var data = await GraphQLAsync("query($id: ID!) { image(id: $id) { tags { name } } }", new { id = imageId.ToString(CultureInfo.InvariantCulture) });
        return data.GetProperty("image").GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    public override async ValueTask DisposeAsync()
    {
        ApiClient?.Dispose();
        if (WebFactory is not null)
        {
            await WebFactory.DisposeAsync();
        }

        if (_processing is not null)
        {
            await _processing.StopAsync();
            _processing.Dispose();
        }

        if (ApiFactory is not null)
        {
            await ApiFactory.DisposeAsync();
        }

        if (Ollama is not null)
        {
            await Ollama.DisposeAsync();
        }

        Root.Dispose();
        Thumbnails.Dispose();
        Crawls.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>A WebApplicationFactory whose app listens on a real loopback port (Kestrel, port chosen by the OS), for a browser.</summary>
public sealed class KestrelApp<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly Action<IWebHostBuilder> _configure;

    public KestrelApp(Action<IWebHostBuilder> configure)
        : this(0, configure)
    {
    }

    public KestrelApp(int port, Action<IWebHostBuilder> configure)
    {
        _configure = configure;
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => _configure(builder);
}
