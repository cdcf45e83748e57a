using ImageTagger.AppHost.Ollama;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageTagger.AppHost.Tests;

public sealed class OllamaHealthTests
{
    [Fact]
    public async Task A_missing_model_is_unhealthy_and_printed_once_with_the_pull_command()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        ollama.RemoveModel("qwen2.5vl:7b");
        var logs = new LogCapture();
        var check = new OllamaHealthCheck(() => ollama.Url, ["qwen2.5vl:7b", "nomic-embed-text"], pullMissing: false, logs.CreateLogger("ollama"));

        var first = await check.CheckHealthAsync(new HealthCheckContext(), ct);
        var second = await check.CheckHealthAsync(new HealthCheckContext(), ct);

        Assert.Equal(HealthStatus.Unhealthy, first.Status);
        Assert.Contains("`ollama pull qwen2.5vl:7b`", first.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("nomic-embed-text", first.Description, StringComparison.Ordinal);
        Assert.Equal(first.Description, second.Description);
        Assert.Single(logs.Lines);

        ollama.AddModel(LoopbackModel.Vision("qwen2.5vl:7b"));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), ct)).Status);
    }

    [Fact]
    public async Task No_server_is_unhealthy_with_what_to_run()
    {
        var url = new Uri($"http://127.0.0.1:{Postgres.PostgresResources.FreeTcpPort()}/");
        var check = new OllamaHealthCheck(() => url, ["qwen2.5vl:7b"], pullMissing: false, new LogCapture().CreateLogger("ollama"));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("ollama serve", result.Description, StringComparison.Ordinal);
        Assert.Contains(url.ToString(), result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nomic-embed-text", true)]
    [InlineData("nomic-embed-text:latest", true)]
    [InlineData("qwen2.5vl:7b", true)]
    [InlineData("qwen2.5vl", false)]
    public void Matches_model_names_like_ollama(string model, bool expected) =>
        Assert.Equal(expected, OllamaClient.HasModel(["nomic-embed-text:latest", "qwen2.5vl:7b"], model));
}
