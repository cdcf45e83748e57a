using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageTagger.Ai.Ollama;

// Wire shapes of Ollama's HTTP API (docs/api.md in github.com/ollama/ollama). Only what we use or surface.

internal sealed class OllamaChatRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("messages")] public required List<OllamaMessage> Messages { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; set; }
    [JsonPropertyName("format")] public JsonElement? Format { get; set; }
    [JsonPropertyName("options")] public OllamaRequestOptions? Options { get; set; }
    [JsonPropertyName("keep_alive")] public string? KeepAlive { get; set; }
    [JsonPropertyName("think")] public bool? Think { get; set; }
}

internal sealed class OllamaMessage
{
    [JsonPropertyName("role")] public string Role { get; set; } = "";
    [JsonPropertyName("content")] public string? Content { get; set; }
    [JsonPropertyName("thinking")] public string? Thinking { get; set; }
    [JsonPropertyName("images")] public List<string>? Images { get; set; }
}

/// <summary>Modelfile parameters; unknown ones from ChatOptions.AdditionalProperties ride in <see cref="Extra"/>.</summary>
internal sealed class OllamaRequestOptions
{
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("num_predict")] public int? NumPredict { get; set; }
    [JsonPropertyName("num_ctx")] public int? NumCtx { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    [JsonPropertyName("stop")] public List<string>? Stop { get; set; }
    [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; set; }
    [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore]
    public bool IsEmpty => Temperature is null && TopP is null && TopK is null && NumPredict is null && NumCtx is null &&
                           Seed is null && Stop is null && FrequencyPenalty is null && PresencePenalty is null &&
                           (Extra is null || Extra.Count == 0);
}

internal sealed class OllamaChatResponse
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; set; }
    [JsonPropertyName("message")] public OllamaMessage? Message { get; set; }
    [JsonPropertyName("done")] public bool Done { get; set; }
    [JsonPropertyName("done_reason")] public string? DoneReason { get; set; }
    [JsonPropertyName("total_duration")] public long? TotalDuration { get; set; }
    [JsonPropertyName("load_duration")] public long? LoadDuration { get; set; }
    [JsonPropertyName("prompt_eval_count")] public int? PromptEvalCount { get; set; }
    [JsonPropertyName("prompt_eval_duration")] public long? PromptEvalDuration { get; set; }
    [JsonPropertyName("eval_count")] public int? EvalCount { get; set; }
    [JsonPropertyName("eval_duration")] public long? EvalDuration { get; set; }

    /// <summary>Ollama reports failures inside a stream as a line <c>{"error": "..."}</c>.</summary>
    [JsonPropertyName("error")] public string? Error { get; set; }
}

internal sealed class OllamaEmbedRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("input")] public required List<string> Input { get; init; }
    [JsonPropertyName("truncate")] public bool? Truncate { get; set; }
    [JsonPropertyName("dimensions")] public int? Dimensions { get; set; }
    [JsonPropertyName("keep_alive")] public string? KeepAlive { get; set; }
    [JsonPropertyName("options")] public OllamaRequestOptions? Options { get; set; }
}

internal sealed class OllamaEmbedResponse
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("embeddings")] public List<float[]>? Embeddings { get; set; }
    [JsonPropertyName("total_duration")] public long? TotalDuration { get; set; }
    [JsonPropertyName("load_duration")] public long? LoadDuration { get; set; }
    [JsonPropertyName("prompt_eval_count")] public int? PromptEvalCount { get; set; }
}

internal sealed class OllamaVersionResponse
{
    [JsonPropertyName("version")] public string? Version { get; set; }
}

internal sealed class OllamaTagsResponse
{
    [JsonPropertyName("models")] public List<OllamaTagModel>? Models { get; set; }
}

internal sealed class OllamaTagModel
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("modified_at")] public string? ModifiedAt { get; set; }
    [JsonPropertyName("size")] public long? Size { get; set; }
    [JsonPropertyName("digest")] public string? Digest { get; set; }
    [JsonPropertyName("details")] public OllamaModelDetailsWire? Details { get; set; }
}

internal sealed class OllamaModelDetailsWire
{
    [JsonPropertyName("parent_model")] public string? ParentModel { get; set; }
    [JsonPropertyName("format")] public string? Format { get; set; }
    [JsonPropertyName("family")] public string? Family { get; set; }
    [JsonPropertyName("families")] public List<string>? Families { get; set; }
    [JsonPropertyName("parameter_size")] public string? ParameterSize { get; set; }
    [JsonPropertyName("quantization_level")] public string? QuantizationLevel { get; set; }
}

internal sealed class OllamaShowRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
}

internal sealed class OllamaShowResponse
{
    [JsonPropertyName("details")] public OllamaModelDetailsWire? Details { get; set; }
    [JsonPropertyName("capabilities")] public List<string>? Capabilities { get; set; }
    [JsonPropertyName("model_info")] public Dictionary<string, JsonElement>? ModelInfo { get; set; }
    [JsonPropertyName("modified_at")] public string? ModifiedAt { get; set; }
}

internal sealed class OllamaErrorResponse
{
    [JsonPropertyName("error")] public string? Error { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaChatResponse))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbedResponse))]
[JsonSerializable(typeof(OllamaVersionResponse))]
[JsonSerializable(typeof(OllamaTagsResponse))]
[JsonSerializable(typeof(OllamaShowRequest))]
[JsonSerializable(typeof(OllamaShowResponse))]
[JsonSerializable(typeof(OllamaErrorResponse))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;

internal static class OllamaWire
{
    /// <summary>Ollama (Go) writes nanosecond timestamps; .NET parses at most 7 fractional digits.</summary>
    public static DateTimeOffset? ParseTimestamp(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < value.Length && char.IsAsciiDigit(value[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                value = string.Concat(value.AsSpan(0, dot + 8), value.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>Go duration string for keep_alive: Ollama accepts "600s"; negative means keep loaded.</summary>
    public static string? FormatKeepAlive(TimeSpan? keepAlive) => keepAlive switch
    {
        null => null,
        { } t when t < TimeSpan.Zero => "-1s",
        { } t => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
    };
}
