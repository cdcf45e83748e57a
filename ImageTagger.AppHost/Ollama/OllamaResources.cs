using Aspire.Hosting.ApplicationModel;
using ImageTagger.AppHost.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Ollama;

/// <summary>The <c>ollama</c> resource, and the URL services get as <c>Ollama__Url</c> (a string or an endpoint).</summary>
internal sealed record OllamaServer(IResourceBuilder<IResource> Resource, object Url);

internal static class OllamaResources
{
    public const string Name = "ollama";
    private const string HealthCheckName = "ollama-models";

    /// <summary>
    /// A container with a model volume when a runtime answers; else <c>ollama serve</c> when the binary is on PATH and
    /// nothing answers at the (loopback) URL yet; else the URL as an external service. Nothing waits for it: a missing
    /// server or model shows on its health (and is printed once with what to run) while AI jobs wait in the queue.
    /// </summary>
    public static OllamaServer AddImageTaggerOllama(this IDistributedApplicationBuilder builder, AppHostSettings settings, Func<bool> containerRuntimeAnswers)
    {
        string[] models = [settings.VisionModel, settings.EmbeddingModel];
        if (containerRuntimeAnswers())
        {
            var container = builder.AddContainer(Name, "ollama/ollama")
                .WithVolume("imagetagger-ollama", "/root/.ollama")
                .WithHttpEndpoint(targetPort: 11434, name: "http");
            var endpoint = container.GetEndpoint("http");
            AddHealthCheck(builder, () => new Uri(endpoint.Url), models, pullMissing: true);
            return new(container.WithHealthCheck(HealthCheckName), endpoint);
        }

        var url = settings.OllamaUrl;
        if (url.IsLoopback && ContainerRuntime.FindOnPath("ollama") is { } binary && !OllamaClient.AnswersAsync(url, CancellationToken.None).GetAwaiter().GetResult())
        {
            AddHealthCheck(builder, () => url, models, pullMissing: false);
            var serve = builder.AddExecutable(Name, binary, settings.DataDir, "serve")
                .WithEnvironment("OLLAMA_HOST", url.Authority)
                .WithHealthCheck(HealthCheckName);
            return new(serve, url.ToString());
        }

        AddHealthCheck(builder, () => url, models, pullMissing: false);
        var external = builder.AddExternalService(Name, url).WithHealthCheck(HealthCheckName);
        return new(external, url.ToString());
    }

    /// <summary>One check instance for the app's lifetime, so each distinct problem is printed once.</summary>
    private static void AddHealthCheck(IDistributedApplicationBuilder builder, Func<Uri> url, string[] models, bool pullMissing)
    {
        OllamaHealthCheck? check = null;
        builder.Services.AddHealthChecks().Add(new(
            HealthCheckName,
            services => check ??= new OllamaHealthCheck(url, models, pullMissing, services.GetRequiredService<ILoggerFactory>().CreateLogger("ImageTagger.AppHost.Ollama")),
            failureStatus: null,
            tags: null,
            timeout: TimeSpan.FromSeconds(10)));
    }
}
