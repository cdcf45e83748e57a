using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageTagger.Ai.Ollama;
using Microsoft.Extensions.AI;

namespace ImageTagger.Ai;

/// <summary>
/// Spans and metrics for Ollama calls, following the OpenTelemetry GenAI semantic conventions
/// (the Microsoft.Extensions.AI OpenTelemetry wrappers are not available here). Register
/// <see cref="SourceName"/> as an activity source and meter with the OpenTelemetry SDK to export them.
/// </summary>
public static class OllamaTelemetry
{
    public const string SourceName = "ImageTagger.Ai";

    internal static readonly ActivitySource Source = new(SourceName);
    internal static readonly Meter Meter = new(SourceName);

    private static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Duration of Ollama chat and embedding calls");

    private static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Tokens used by Ollama calls");

    internal static Activity? Start(string operation, string model, Uri endpoint)
    {
        var activity = Source.StartActivity($"{operation} {model}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", operation);
            activity.SetTag("gen_ai.provider.name", OllamaChatClient.ProviderName);
            activity.SetTag("gen_ai.request.model", model);
            activity.SetTag("server.address", endpoint.Host);
            activity.SetTag("server.port", endpoint.Port);
        }

        return activity;
    }

    internal static void SetRequest(Activity? activity, OllamaChatRequest request)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("gen_ai.request.temperature", request.Options?.Temperature);
        activity.SetTag("gen_ai.request.max_tokens", request.Options?.NumPredict);
        activity.SetTag("gen_ai.output.type", request.Format is null ? "text" : "json");
    }

    internal static void Succeeded(Activity? activity, string operation, string requestModel, string? responseModel, UsageDetails? usage,
        ChatFinishReason? finishReason, long startTimestamp)
    {
        var model = responseModel ?? requestModel;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.response.model", model);
            activity.SetTag("gen_ai.usage.input_tokens", usage?.InputTokenCount);
            activity.SetTag("gen_ai.usage.output_tokens", usage?.OutputTokenCount);
            if (finishReason is { } reason)
            {
                activity.SetTag("gen_ai.response.finish_reasons", new[] { reason.Value });
            }
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", operation },
            { "gen_ai.provider.name", OllamaChatClient.ProviderName },
            { "gen_ai.request.model", requestModel },
            { "gen_ai.response.model", model },
        };
        OperationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        if (usage?.InputTokenCount is { } input)
        {
            var inputTags = tags;
            inputTags.Add("gen_ai.token.type", "input");
            TokenUsage.Record(input, inputTags);
        }

        if (usage?.OutputTokenCount is { } output)
        {
            var outputTags = tags;
            outputTags.Add("gen_ai.token.type", "output");
            TokenUsage.Record(output, outputTags);
        }
    }

    internal static void Failed(Activity? activity, string operation, string requestModel, Exception exception, long startTimestamp)
    {
        var errorType = exception switch
        {
            OllamaException o => o.Kind.ToString(),
            OperationCanceledException => "canceled",
            _ => exception.GetType().Name,
        };
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.SetTag("error.type", errorType);
        OperationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new TagList
        {
            { "gen_ai.operation.name", operation },
            { "gen_ai.provider.name", OllamaChatClient.ProviderName },
            { "gen_ai.request.model", requestModel },
            { "error.type", errorType },
        });
    }
}
