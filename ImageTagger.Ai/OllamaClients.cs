using ImageTagger.Ai.Ollama;
using ImageTagger.Ai.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageTagger.Ai;

/// <summary>
/// Composes the Ollama clients: OllamaSharp's <c>OllamaApiClient</c> as the <see cref="IChatClient"/> and
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, under Microsoft.Extensions.AI's
/// <c>UseOpenTelemetry()</c> (GenAI conventions, source <see cref="OllamaTelemetry.SourceName"/>) and
/// <c>UseLogging()</c>, with our <see cref="OllamaResilientChatClient"/> / <see cref="OllamaResilientEmbeddingGenerator"/>
/// innermost so telemetry sees one operation per call, retries included.
/// </summary>
public static class OllamaClients
{
    /// <summary>An HttpClient for Ollama: base address from the options, no HttpClient timeout (the pipeline owns timeouts), our error handler.</summary>
    public static HttpClient CreateHttpClient(OllamaOptions options, HttpMessageHandler? primaryHandler = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new HttpClient(CreateErrorHandler(logger, primaryHandler ?? CreatePrimaryHandler()))
        {
            BaseAddress = options.BaseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The clients are singletons holding one HttpClient; recycle connections so DNS changes are seen.</summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Reads Ollama's error text and checks answers before OllamaSharp sees them (see the handler's remarks).</summary>
    public static DelegatingHandler CreateErrorHandler(ILogger? logger = null, HttpMessageHandler? innerHandler = null)
    {
        var handler = new OllamaHttpHandler(logger);
        if (innerHandler is not null)
        {
            handler.InnerHandler = innerHandler;
        }

        return handler;
    }

    public static IChatClient CreateChatClient(
        HttpClient httpClient,
        OllamaOptions options,
        OllamaConcurrencyLimiter limiter,
        ResiliencePipeline? pipeline = null,
        ILoggerFactory? loggerFactory = null)
    {
        (pipeline, loggerFactory) = Defaults(httpClient, options, limiter, pipeline, loggerFactory);
        return new ChatClientBuilder(new OllamaSharpClient(httpClient, options.VisionModel))
            .UseOpenTelemetry(loggerFactory, OllamaTelemetry.SourceName, client => client.EnableSensitiveData = false)
            .UseLogging(new NoTraceLoggerFactory(loggerFactory))
            .Use(inner => new OllamaResilientChatClient(inner, options, pipeline, limiter))
            .Build();
    }

    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(
        HttpClient httpClient,
        OllamaOptions options,
        OllamaConcurrencyLimiter limiter,
        ResiliencePipeline? pipeline = null,
        ILoggerFactory? loggerFactory = null)
    {
        (pipeline, loggerFactory) = Defaults(httpClient, options, limiter, pipeline, loggerFactory);
        return new EmbeddingGeneratorBuilder<string, Embedding<float>>(new OllamaSharpClient(httpClient, options.EmbeddingModel))
            .UseOpenTelemetry(loggerFactory, OllamaTelemetry.SourceName, generator => generator.EnableSensitiveData = false)
            .UseLogging(new NoTraceLoggerFactory(loggerFactory))
            .Use(inner => new OllamaResilientEmbeddingGenerator(inner, options, pipeline))
            .Build();
    }

    /// <summary>Without DI: no logging and a pipeline of our own over the given limiter.</summary>
    private static (ResiliencePipeline Pipeline, ILoggerFactory LoggerFactory) Defaults(
        HttpClient httpClient, OllamaOptions options, OllamaConcurrencyLimiter limiter, ResiliencePipeline? pipeline, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        loggerFactory ??= NullLoggerFactory.Instance;
        return (pipeline ?? OllamaResilience.CreatePipeline(options, limiter, loggerFactory.CreateLogger(typeof(OllamaResilience).FullName!)), loggerFactory);
    }

    /// <summary>
    /// Microsoft.Extensions.AI's logging clients write whole messages (image bytes as base64 included) at Trace and only
    /// "invoked/completed" at Debug; capping their loggers at Debug keeps image bytes out of every log, whatever the
    /// configured level.
    /// </summary>
    private sealed class NoTraceLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new NoTraceLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The wrapped factory belongs to the host.
        }
    }

    private sealed class NoTraceLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel > LogLevel.Trace && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
