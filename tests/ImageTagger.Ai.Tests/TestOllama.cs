using ImageTagger.Ai.Resilience;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Ai.Tests;

/// <summary>Builds clients pointed at a loopback Ollama server, with test-friendly timings.</summary>
internal static class TestOllama
{
    public const string VisionModel = "qwen2.5vl:7b";
    public const string EmbeddingModel = "nomic-embed-text";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static OllamaOptions Options(LoopbackOllamaServer server, Action<OllamaOptions>? configure = null)
    {
        var options = new OllamaOptions
        {
            Url = server.Url.ToString(),
            VisionModel = VisionModel,
            EmbeddingModel = EmbeddingModel,
            RequestTimeout = TimeSpan.FromSeconds(20),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetries = 3,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The real DI wiring (<see cref="OllamaServiceCollectionExtensions.AddOllamaAi"/>) from configuration keys.</summary>
    public static ServiceProvider Services(LoopbackOllamaServer server, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Ollama:Url"] = server.Url.ToString(),
            ["Ollama:VisionModel"] = VisionModel,
            ["Ollama:EmbeddingModel"] = EmbeddingModel,
            ["Ollama:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOllamaAi(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static IChatClient Chat(LoopbackOllamaServer server, Action<OllamaOptions>? configure = null) =>
        Chat(Options(server, configure));

    /// <summary>The composed chat client (OllamaSharp + telemetry + logging + our middleware) with its own limiter.</summary>
    public static IChatClient Chat(OllamaOptions options, HttpClient? httpClient = null) =>
        OllamaClients.CreateChatClient(httpClient ?? OllamaClients.CreateHttpClient(options), options, new OllamaConcurrencyLimiter(options.MaxConcurrency));

    public static IEmbeddingGenerator<string, Embedding<float>> Embeddings(LoopbackOllamaServer server, Action<OllamaOptions>? configure = null)
    {
        var options = Options(server, configure);
        return OllamaClients.CreateEmbeddingGenerator(
            OllamaClients.CreateHttpClient(options), options, new OllamaConcurrencyLimiter(options.MaxConcurrency));
    }

    public static OllamaStatusClient Status(OllamaOptions options) => new(OllamaClients.CreateHttpClient(options), options);

    /// <summary>A URL where nothing listens: a server's port right after it stopped.</summary>
    public static async Task<Uri> ClosedUrlAsync()
    {
        var server = await LoopbackOllamaServer.StartAsync(Ct);
        var url = server.Url;
        await server.DisposeAsync();
        return url;
    }
}
