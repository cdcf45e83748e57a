using ImageTagger.Ai.Resilience;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class OllamaStatusClientTests
{
    [Fact]
    public async Task Reachable_server_reports_version_models_and_presence_of_configured_models()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.Version = "0.12.9";
        var status = Status(Options(server));

        var result = await status.GetStatusAsync(Ct);

        Assert.True(result.Reachable);
        Assert.Equal("0.12.9", result.Version);
        Assert.Equal(["llava:7b", "nomic-embed-text:latest", "qwen2.5vl:7b"], result.Models.Select(m => m.Name));
        Assert.True(result.VisionModelInstalled);
        Assert.True(result.EmbeddingModelInstalled);                        // "nomic-embed-text" means ":latest"
        Assert.True(result.Ready);
        Assert.Null(result.Error);
        var model = result.Models.First(m => m.Name == "qwen2.5vl:7b");
        Assert.Equal("Q4_K_M", model.QuantizationLevel);
        Assert.NotNull(model.ModifiedAt);
        Assert.True(model.SizeBytes > 0);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Version));
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Tags));
    }

    [Fact]
    public async Task Missing_model_is_reported_not_thrown()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.RemoveModel("qwen2.5vl:7b");
        var status = Status(Options(server));

        var result = await status.GetStatusAsync(Ct);

        Assert.True(result.Reachable);
        Assert.False(result.VisionModelInstalled);
        Assert.True(result.EmbeddingModelInstalled);
        Assert.False(result.Ready);
    }

    [Fact]
    public async Task Unreachable_server_is_reported_with_the_reason()
    {
        var url = await ClosedUrlAsync();
        var status = Status(new OllamaOptions { Url = url.ToString() });

        var result = await status.GetStatusAsync(Ct);

        Assert.False(result.Reachable);
        Assert.False(result.Ready);
        Assert.Null(result.Version);
        Assert.Empty(result.Models);
        Assert.Contains("unreachable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hanging_server_is_reported_after_the_probe_timeout()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Version, LoopbackFault.Hang());
        var status = Status(Options(server, o => o.ProbeTimeout = TimeSpan.FromMilliseconds(200)));

        var result = await status.GetStatusAsync(Ct);

        Assert.False(result.Reachable);
        Assert.Contains("did not answer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_reports_capabilities_and_missing_models()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        var status = Status(Options(server));

        var vision = await status.ShowModelAsync("qwen2.5vl:7b", Ct);
        var embed = await status.ShowModelAsync("nomic-embed-text", Ct);
        var ex = await Assert.ThrowsAsync<OllamaException>(() => status.ShowModelAsync("ghost:1b", Ct));

        Assert.True(vision.SupportsVision);
        Assert.False(vision.SupportsEmbedding);
        Assert.Equal("qwen25vl", vision.Family);
        Assert.True(embed.SupportsEmbedding);
        Assert.False(embed.SupportsVision);
        Assert.Equal(OllamaFailureKind.ModelNotFound, ex.Kind);
    }

    [Fact]
    public async Task Probes_are_not_queued_behind_busy_slots()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Hang());
        await using var services = Services(server, new Dictionary<string, string?>
        {
            ["Ollama:MaxConcurrency"] = "1",
            ["Ollama:MaxRetries"] = "0",
            ["Ollama:RequestTimeout"] = "00:00:05",
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var busy = services.GetRequiredService<IChatClient>().GetResponseAsync("hang", cancellationToken: cts.Token);
        await Poll.UntilAsync(() => services.GetRequiredService<OllamaConcurrencyLimiter>().InFlight == 1, "the hanging call holds the slot");

        var result = await services.GetRequiredService<OllamaStatusClient>().GetStatusAsync(Ct);

        Assert.True(result.Ready);
        Assert.False(busy.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => busy);
    }

    [Theory]
    [InlineData(true, true, HealthStatus.Healthy)]
    [InlineData(false, true, HealthStatus.Degraded)]
    [InlineData(true, false, HealthStatus.Degraded)]
    public async Task Health_check_reflects_model_presence(bool vision, bool embedding, HealthStatus expected)
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        if (!vision)
        {
            server.RemoveModel(VisionModel);
        }

        if (!embedding)
        {
            server.RemoveModel(EmbeddingModel);
        }

        var result = await CheckAsync(Status(Options(server)));

        Assert.Equal(expected, result.Status);
        Assert.Equal(vision, result.Data["visionModelInstalled"]);
        if (expected == HealthStatus.Degraded)
        {
            Assert.Contains("missing model", result.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_check_is_unhealthy_when_unreachable()
    {
        var url = await ClosedUrlAsync();

        var result = await CheckAsync(Status(new OllamaOptions { Url = url.ToString() }));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Theory]
    [InlineData("llava", "llava:latest")]
    [InlineData("llava:7b", "llava:7b")]
    [InlineData("library/llava", "library/llava:latest")]
    [InlineData("host:5000/ns/model", "host:5000/ns/model:latest")]
    [InlineData("host:5000/ns/model:q4", "host:5000/ns/model:q4")]
    public void Model_names_without_a_tag_mean_latest(string name, string canonical) =>
        Assert.Equal(canonical, OllamaStatusClient.CanonicalName(name));

    private static Task<HealthCheckResult> CheckAsync(OllamaStatusClient status)
    {
        var check = new OllamaHealthCheck(status);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("ollama", check, HealthStatus.Unhealthy, null),
        };
        return check.CheckHealthAsync(context, Ct);
    }
}
