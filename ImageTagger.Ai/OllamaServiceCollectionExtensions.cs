using ImageTagger.Ai.Resilience;
using ImageTagger.Ai.Tagging;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace ImageTagger.Ai;

public static class OllamaServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client used for Ollama.</summary>
    public const string HttpClientName = "ImageTagger.Ollama";

    /// <summary>
    /// Registers <see cref="OllamaOptions"/> (section "Ollama", validated on start), the Ollama HTTP client, one
    /// <see cref="OllamaConcurrencyLimiter"/> and resilience pipeline (keyed <see cref="OllamaResilience.PipelineKey"/>)
    /// shared by all calls, the <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{String, Embedding}"/>
    /// composed by <see cref="OllamaClients"/> (OllamaSharp under telemetry, logging and our resilience middleware),
    /// <see cref="OllamaStatusClient"/>, <see cref="TagNormalizer"/> and <see cref="ImageDescriber"/> (also as <see cref="IImageDescriber"/>).
    /// Existing registrations of these types win (TryAdd), so tests and hosts can substitute any of them.
    /// </summary>
    public static IServiceCollection AddOllamaAi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<OllamaOptions>()
            .Bind(configuration.GetSection(OllamaOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OllamaOptions>, OllamaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = Options(sp).BaseUri;
                client.Timeout = Timeout.InfiniteTimeSpan;                              // Polly owns timeouts
            })
            .ConfigurePrimaryHttpMessageHandler(OllamaClients.CreatePrimaryHandler)
            .AddHttpMessageHandler(sp => OllamaClients.CreateErrorHandler(
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OllamaClients).FullName!)));

        services.TryAddSingleton(sp => new OllamaConcurrencyLimiter(Options(sp).MaxConcurrency));
        services.TryAddKeyedSingleton(OllamaResilience.PipelineKey, (sp, _) => OllamaResilience.CreatePipeline(
            Options(sp),
            sp.GetRequiredService<OllamaConcurrencyLimiter>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OllamaResilience).FullName!),
            sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp => OllamaClients.CreateChatClient(
            CreateHttpClient(sp),
            Options(sp),
            sp.GetRequiredService<OllamaConcurrencyLimiter>(),
            Pipeline(sp),
            sp.GetRequiredService<ILoggerFactory>()));

        services.TryAddSingleton(sp => OllamaClients.CreateEmbeddingGenerator(
            CreateHttpClient(sp),
            Options(sp),
            sp.GetRequiredService<OllamaConcurrencyLimiter>(),
            Pipeline(sp),
            sp.GetRequiredService<ILoggerFactory>()));

        services.TryAddSingleton(sp => new OllamaStatusClient(
            CreateHttpClient(sp), Options(sp), sp.GetRequiredService<ILogger<OllamaStatusClient>>()));

        services.TryAddSingleton(sp => new TagNormalizer(sp.GetRequiredService<IOptions<OllamaOptions>>()));
        services.TryAddSingleton(sp => new ImageDescriber(
            sp.GetRequiredService<IChatClient>(),
            sp.GetRequiredService<TagNormalizer>(),
            sp.GetRequiredService<IOptions<OllamaOptions>>(),
            sp.GetRequiredService<ILogger<ImageDescriber>>()));
        services.TryAddSingleton<IImageDescriber>(sp => sp.GetRequiredService<ImageDescriber>());

        return services;
    }

    /// <summary>Adds an "ollama" health check: healthy when reachable with both models installed, degraded when a model is missing.</summary>
    public static IHealthChecksBuilder AddOllama(this IHealthChecksBuilder builder, string name = "ollama", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new OllamaHealthCheck(sp.GetRequiredService<OllamaStatusClient>()),
            HealthStatus.Unhealthy,
            tags));
    }

    private static OllamaOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<OllamaOptions>>().Value;

    private static ResiliencePipeline Pipeline(IServiceProvider sp) =>
        sp.GetRequiredKeyedService<ResiliencePipeline>(OllamaResilience.PipelineKey);

    private static HttpClient CreateHttpClient(IServiceProvider sp) =>
        sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
}

/// <summary>Health check over <see cref="OllamaStatusClient.GetStatusAsync"/>.</summary>
public sealed class OllamaHealthCheck(OllamaStatusClient statusClient) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await statusClient.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["endpoint"] = status.Endpoint.ToString(),
            ["version"] = status.Version ?? "",
            ["visionModel"] = status.VisionModel,
            ["visionModelInstalled"] = status.VisionModelInstalled,
            ["embeddingModel"] = status.EmbeddingModel,
            ["embeddingModelInstalled"] = status.EmbeddingModelInstalled,
        };

        if (!status.Reachable)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, status.Error, data: data);
        }

        if (!status.Ready)
        {
            var missing = string.Join(", ", new[]
            {
                status.VisionModelInstalled ? null : status.VisionModel,
                status.EmbeddingModelInstalled ? null : status.EmbeddingModel,
            }.OfType<string>());
            return HealthCheckResult.Degraded($"Ollama {status.Version} is up but missing model(s): {missing}", data: data);
        }

        return HealthCheckResult.Healthy($"Ollama {status.Version}", data);
    }
}
