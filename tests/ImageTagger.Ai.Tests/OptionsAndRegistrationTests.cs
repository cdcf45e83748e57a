using ImageTagger.Ai.Resilience;
using ImageTagger.Ai.Tagging;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OllamaSharp;
using Polly;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class OptionsAndRegistrationTests
{
    [Fact]
    public async Task Defaults_are_valid_and_the_host_starts()
    {
        using var host = BuildHost([]);

        await host.StartAsync(Ct);
        var options = host.Services.GetRequiredService<IOptions<OllamaOptions>>().Value;
        await host.StopAsync(Ct);

        Assert.Equal("http://localhost:11434", options.Url);
        Assert.Equal("nomic-embed-text", options.EmbeddingModel);
        Assert.Equal(2, options.MaxConcurrency);
        Assert.Equal(1024, options.ImageLongSide);
        Assert.Equal(15, options.MaxTags);
        Assert.Contains("tags", options.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_keys_bind()
    {
        using var host = BuildHost(new()
        {
            ["Ollama:Url"] = "http://gpu-box:11434",
            ["Ollama:VisionModel"] = "llava:13b",
            ["Ollama:EmbeddingModel"] = "mxbai-embed-large",
            ["Ollama:Prompt"] = "Describe.",
            ["Ollama:Temperature"] = "0.5",
            ["Ollama:ContextLength"] = "8192",
            ["Ollama:RequestTimeout"] = "00:05:00",
            ["Ollama:ProbeTimeout"] = "00:00:03",
            ["Ollama:MaxConcurrency"] = "4",
            ["Ollama:MaxRetries"] = "5",
            ["Ollama:RetryBaseDelay"] = "00:00:02",
            ["Ollama:ImageLongSide"] = "768",
            ["Ollama:MaxTags"] = "10",
            ["Ollama:KeepAlive"] = "01:00:00",
            ["Ollama:EmbeddingBatchSize"] = "8",
            ["Ollama:EmbeddingDocumentPrefix"] = "",
            ["Ollama:EmbeddingQueryPrefix"] = "query: ",
        });

        var o = host.Services.GetRequiredService<IOptions<OllamaOptions>>().Value;

        Assert.Equal(("http://gpu-box:11434", "llava:13b", "mxbai-embed-large", "Describe."), (o.Url, o.VisionModel, o.EmbeddingModel, o.Prompt));
        Assert.Equal((0.5, 8192, 4, 5, 768, 10, 8), (o.Temperature, o.ContextLength!.Value, o.MaxConcurrency, o.MaxRetries, o.ImageLongSide, o.MaxTags, o.EmbeddingBatchSize));
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromHours(1)),
            (o.RequestTimeout, o.ProbeTimeout, o.RetryBaseDelay, o.KeepAlive!.Value));
        Assert.Equal(("", "query: "), (o.EmbeddingDocumentPrefix, o.EmbeddingQueryPrefix));
        Assert.Equal(4, host.Services.GetRequiredService<OllamaConcurrencyLimiter>().MaxConcurrency);
        Assert.Equal(10, host.Services.GetRequiredService<TagNormalizer>().MaxTags);
    }

    [Theory]
    [InlineData("Ollama:Url", "not a url")]
    [InlineData("Ollama:Url", "ftp://host:11434")]
    [InlineData("Ollama:Url", "http://host:11434/?x=1")]
    [InlineData("Ollama:Url", "")]
    [InlineData("Ollama:VisionModel", " ")]
    [InlineData("Ollama:EmbeddingModel", "")]
    [InlineData("Ollama:Prompt", "")]
    [InlineData("Ollama:MaxConcurrency", "0")]
    [InlineData("Ollama:MaxRetries", "-1")]
    [InlineData("Ollama:MaxRetries", "11")]
    [InlineData("Ollama:RequestTimeout", "00:00:00")]
    [InlineData("Ollama:Temperature", "3")]
    [InlineData("Ollama:MaxTags", "0")]
    [InlineData("Ollama:ImageLongSide", "10")]
    [InlineData("Ollama:EmbeddingBatchSize", "0")]
    public async Task Invalid_settings_fail_at_start(string key, string value)
    {
        using var host = BuildHost(new() { [key] = value });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Equal(typeof(OllamaOptions), ex.OptionsType);
        Assert.NotEmpty(ex.Failures);
    }

    [Fact]
    public async Task AddOllamaAi_registers_everything_against_the_configured_endpoint()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        await using var services = Services(server);

        var chat = services.GetRequiredService<IChatClient>();
        var embeddings = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.NotNull(chat.GetService<OllamaApiClient>());                 // OllamaSharp under our middleware
        Assert.NotNull(embeddings.GetService<OllamaApiClient>());
        Assert.Same(chat, services.GetRequiredService<IChatClient>());      // one singleton
        Assert.NotNull(services.GetRequiredKeyedService<ResiliencePipeline>(OllamaResilience.PipelineKey));
        Assert.NotNull(services.GetRequiredService<TagNormalizer>());
        Assert.Same(services.GetRequiredService<ImageDescriber>(), services.GetRequiredService<IImageDescriber>());
        Assert.Equal(server.Url, chat.GetService<ChatClientMetadata>()!.ProviderUri);

        await chat.GetResponseAsync("hi", cancellationToken: Ct);
        await embeddings.GenerateAsync(["hi"], cancellationToken: Ct);
        Assert.True((await services.GetRequiredService<OllamaStatusClient>().GetStatusAsync(Ct)).Ready);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task The_resilience_pipeline_can_be_replaced()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "boom"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ollama:Url"] = server.Url.ToString(),
            ["Ollama:VisionModel"] = VisionModel,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        // A host that parks jobs itself wants no retries at all.
        services.AddKeyedSingleton(OllamaResilience.PipelineKey, ResiliencePipeline.Empty);
        services.AddOllamaAi(configuration);
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OllamaException>(() =>
            provider.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: Ct));

        Assert.True(OllamaResilience.IsTransient(ex));
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOllamaAi(builder.Configuration);
        return builder.Build();
    }
}
