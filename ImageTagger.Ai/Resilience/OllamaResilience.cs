using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ImageTagger.Ai.Resilience;

/// <summary>
/// Builds the pipeline every non-streaming Ollama call runs through:
/// retry (transient only, exponential backoff with jitter) → concurrency slot → per-attempt timeout.
/// The slot is taken inside the retry so backoff delays do not hold it, and outside the timeout so
/// waiting in the queue does not count against an attempt.
/// </summary>
public static partial class OllamaResilience
{
    /// <summary>DI key of the <see cref="ResiliencePipeline"/> used by the Ollama clients.</summary>
    public const string PipelineKey = "ImageTagger.Ollama";

    public static ResiliencePipeline CreatePipeline(
        OllamaOptions options,
        OllamaConcurrencyLimiter limiter,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        logger ??= NullLogger.Instance;

        var builder = new ResiliencePipelineBuilder { Name = PipelineKey, TimeProvider = timeProvider ?? TimeProvider.System };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<OllamaException>(static e => e.IsTransient)
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        }

        builder.AddStrategy(_ => new ConcurrencyLimitStrategy(limiter));
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.RequestTimeout });
        return builder.Build();
    }

    /// <summary>True when the exception is one the pipeline would retry.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is TimeoutRejectedException || exception is OllamaException { IsTransient: true };

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning,
        Message = "Ollama call failed (attempt {Attempt}), retrying in {Delay}: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, string? reason);

    private sealed class ConcurrencyLimitStrategy(OllamaConcurrencyLimiter limiter) : ResilienceStrategy
    {
        protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
            ResilienceContext context,
            TState state)
        {
            OllamaConcurrencyLimiter.Lease lease;
            try
            {
                lease = await limiter.AcquireAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (OperationCanceledException ex)
            {
                return Outcome.FromException<TResult>(ex);
            }

            using (lease)
            {
                return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }
    }
}
