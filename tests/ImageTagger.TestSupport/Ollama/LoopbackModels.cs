using System.Text.Json;

namespace ImageTagger.TestSupport.Ollama;

/// <summary>Ollama endpoints the loopback server speaks.</summary>
public enum LoopbackEndpoint
{
    Chat,
    Embed,
    Tags,
    Version,
    Show,
    Other,
}

/// <summary>An installed model as the loopback server reports it.</summary>
public sealed record LoopbackModel(string Name, IReadOnlyList<string> Capabilities, string Family = "test", string ParameterSize = "7B")
{
    public static LoopbackModel Vision(string name) => new(name, ["completion", "vision"], "qwen25vl", "8.3B");

    public static LoopbackModel Embedding(string name) => new(name, ["embedding"], "nomic-bert", "137M");
}

/// <summary>One message of a received /api/chat request.</summary>
public sealed record LoopbackMessage(string Role, string Content, IReadOnlyList<string> Images)
{
    /// <summary>The images decoded from base64.</summary>
    public IReadOnlyList<byte[]> ImageBytes => Images.Select(Convert.FromBase64String).ToList();
}

/// <summary>A received /api/chat request, as Ollama would see it.</summary>
public sealed record LoopbackChatRequest(
    string Model,
    IReadOnlyList<LoopbackMessage> Messages,
    bool Stream,
    JsonElement? Format,
    JsonElement? Options,
    JsonElement? KeepAlive,
    JsonElement Raw)
{
    /// <summary>The last user message's text (where the prompt lives).</summary>
    public string LastUserText => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";

    public IReadOnlyList<string> AllImages => Messages.SelectMany(m => m.Images).ToList();

    /// <summary>True when <c>format</c> is a JSON schema object (structured outputs) rather than "json" or absent.</summary>
    public bool HasSchemaFormat => Format is { ValueKind: JsonValueKind.Object };

    /// <summary>A Modelfile parameter from <c>options</c>, or null.</summary>
    public JsonElement? Option(string name) =>
        Options is { ValueKind: JsonValueKind.Object } options && options.TryGetProperty(name, out var value) ? value : null;
}

/// <summary>A received /api/embed request.</summary>
public sealed record LoopbackEmbedRequest(string Model, IReadOnlyList<string> Input, bool InputWasArray, int? Dimensions, bool? Truncate, JsonElement Raw);

/// <summary>What the scripted model answers.</summary>
public sealed record LoopbackChatReply(string Content)
{
    public string DoneReason { get; init; } = "stop";

    public int PromptEvalCount { get; init; } = 42;

    /// <summary>Null: one per streamed chunk (word).</summary>
    public int? EvalCount { get; init; }

    public string? Thinking { get; init; }

    public static implicit operator LoopbackChatReply(string content) => new(content);

    public static LoopbackChatReply FromString(string content) => new(content);
}

/// <summary>A scripted failure for the next request(s) to an endpoint.</summary>
public abstract record LoopbackFault
{
    /// <summary>HTTP error with Ollama's <c>{"error": "..."}</c> body.</summary>
    public static LoopbackFault Status(int statusCode, string error) => new StatusFault(statusCode, error);

    /// <summary>Close the connection without any response (like a crashed server).</summary>
    public static LoopbackFault DropConnection() => new DropFault();

    /// <summary>Send part of the answer (a few NDJSON lines, or half the JSON body) and then close the connection.</summary>
    public static LoopbackFault HalfAnswer(int streamedChunks = 2) => new HalfAnswerFault(streamedChunks);

    /// <summary>200 with a body that is not Ollama's JSON (a proxy page, random bytes...).</summary>
    public static LoopbackFault Garbage(string body = "<html><body><h1>502 Bad Gateway</h1></body></html>", string contentType = "application/json") =>
        new GarbageFault(body, contentType);

    /// <summary>Streaming: one good line, then this line verbatim (e.g. not JSON), then the rest of the answer.</summary>
    public static LoopbackFault GarbageLine(string line = "this is not json") => new GarbageLineFault(line);

    /// <summary>Streaming: one good line, then Ollama's mid-stream <c>{"error": "..."}</c> line.</summary>
    public static LoopbackFault StreamError(string error) => new StreamErrorFault(error);

    /// <summary>Never answer; wait until the client gives up.</summary>
    public static LoopbackFault Hang() => new HangFault();

    internal sealed record StatusFault(int StatusCode, string Error) : LoopbackFault;

    internal sealed record DropFault : LoopbackFault;

    internal sealed record HalfAnswerFault(int StreamedChunks) : LoopbackFault;

    internal sealed record GarbageFault(string Body, string ContentType) : LoopbackFault;

    internal sealed record GarbageLineFault(string Line) : LoopbackFault;

    internal sealed record StreamErrorFault(string Error) : LoopbackFault;

    internal sealed record HangFault : LoopbackFault;
}
