using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;
using Polly;

namespace ImageTagger.Ai.Resilience;

/// <summary>
/// Our middleware over OllamaSharp's chat client: rejects what Ollama cannot take (instead of OllamaSharp silently
/// dropping it), applies the configured defaults (keep_alive, num_ctx), and runs every call through the resilience
/// pipeline — retry with backoff (transient kinds only) → concurrency slot → per-attempt timeout — with failures
/// mapped to <see cref="OllamaFailureKind"/>s. Streaming calls hold a slot for the whole stream, bounded by
/// <see cref="OllamaOptions.RequestTimeout"/>, and are not retried: tokens may already have reached the caller.
/// </summary>
public sealed class OllamaResilientChatClient(
    IChatClient innerClient,
    OllamaOptions settings,
    ResiliencePipeline pipeline,
    OllamaConcurrencyLimiter limiter) : DelegatingChatClient(innerClient)
{
    private const string ChatPath = "api/chat";

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var chatOptions = WithDefaults(list, options);
        var response = await OllamaFailures.ExecuteAsync(
            pipeline, settings, ChatPath, ct => base.GetResponseAsync(list, chatOptions, ct), cancellationToken).ConfigureAwait(false);
        AddDurations(response.RawRepresentation, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var chatOptions = WithDefaults(list, options);

        using var lease = await limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(settings.RequestTimeout);
        await using var updates = base.GetStreamingResponseAsync(list, chatOptions, attempt.Token).GetAsyncEnumerator(attempt.Token);
        var sawDone = false;
        while (true)
        {
            // Exceptions cannot be caught around a yield, so only the MoveNext is guarded.
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = updates.Current;
            }
            catch (Exception ex) when (StreamFailure(ex, cancellationToken) is { } mapped)
            {
                OllamaFailures.Tag(mapped);
                throw mapped;
            }

            if (update.RawRepresentation is ChatDoneResponseStream)
            {
                sawDone = true;
                update.FinishReason ??= ChatFinishReason.Stop;
                AddDurations(update.RawRepresentation, update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details);
            }

            yield return update;
        }

        // OllamaSharp stops reading quietly when its token fires between lines.
        cancellationToken.ThrowIfCancellationRequested();
        if (!sawDone)
        {
            var failure = attempt.IsCancellationRequested
                ? StreamTimeout(null)
                : new OllamaException(OllamaFailureKind.TruncatedResponse, $"Ollama {ChatPath} stream ended before the final \"done\": true line.");
            OllamaFailures.Tag(failure);
            throw failure;
        }
    }

    private OllamaException? StreamFailure(Exception exception, CancellationToken callerToken) => exception switch
    {
        OllamaException o => o,
        OperationCanceledException when callerToken.IsCancellationRequested => null,
        OperationCanceledException => StreamTimeout(exception),
        _ => OllamaFailures.Map(exception, ChatPath, callerToken),
    };

    private OllamaException StreamTimeout(Exception? inner) =>
        new(OllamaFailureKind.Timeout, $"Ollama {ChatPath} stream did not finish within {settings.RequestTimeout}.", innerException: inner);

    /// <summary>Fails fast on input Ollama cannot take; adds keep_alive and num_ctx from the settings unless the call set them.</summary>
    private ChatOptions WithDefaults(IList<ChatMessage> messages, ChatOptions? callOptions)
    {
        if (callOptions?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("ImageTagger's Ollama chat client does not support tool calling; it only needs plain and structured answers.");
        }

        foreach (var content in messages.SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case DataContent d when !d.HasTopLevelMediaType("image"):
                    throw new NotSupportedException($"Ollama chat accepts only image attachments, not '{d.MediaType}'.");
                case UriContent u:
                    throw new NotSupportedException($"Ollama cannot fetch images by URL ({u.Uri}); send the bytes as DataContent.");
            }
        }

        var result = callOptions?.Clone() ?? new ChatOptions();
        var extra = result.AdditionalProperties ??= [];
        OllamaKeepAlive.Apply(extra, settings.KeepAlive);

        if (settings.ContextLength is { } numCtx)
        {
            extra.TryAdd("num_ctx", numCtx);
        }

        return result;
    }

    /// <summary>Ollama's timings (nanoseconds) as usage counts, as our hand client reported them.</summary>
    private static void AddDurations(object? raw, UsageDetails? usage)
    {
        if (raw is not ChatDoneResponseStream done || usage is null)
        {
            return;
        }

        usage.AdditionalCounts ??= [];
        usage.AdditionalCounts["total_duration_ns"] = done.TotalDuration;
        usage.AdditionalCounts["load_duration_ns"] = done.LoadDuration;
        usage.AdditionalCounts["prompt_eval_duration_ns"] = done.PromptEvalDuration;
        usage.AdditionalCounts["eval_duration_ns"] = done.EvalDuration;
    }
}

internal static class OllamaKeepAlive
{
    /// <summary>Sets keep_alive from the settings unless the call gave one; a TimeSpan from the call becomes Ollama's string.</summary>
    public static void Apply(AdditionalPropertiesDictionary extra, TimeSpan? configured)
    {
        if (extra.TryGetValue("keep_alive", out var keepAlive) && keepAlive is TimeSpan span)
        {
            extra["keep_alive"] = Format(span);
        }
        else if (!extra.ContainsKey("keep_alive") && Format(configured) is { } value)
        {
            extra["keep_alive"] = value;
        }
    }

    /// <summary>Go duration string for keep_alive: Ollama accepts "600s"; negative means keep loaded.</summary>
    public static string? Format(TimeSpan? keepAlive) => keepAlive switch
    {
        null => null,
        { } t when t < TimeSpan.Zero => "-1s",
        { } t => ((long)Math.Ceiling(t.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s",
    };
}
