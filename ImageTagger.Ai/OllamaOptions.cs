using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Ai;

/// <summary>Settings for talking to Ollama, bound from the <c>Ollama</c> configuration section.</summary>
public sealed class OllamaOptions
{
    public const string SectionName = "Ollama";

    public const string DefaultPrompt =
        "Describe this image for a searchable photo library. " +
        "Write one factual paragraph (2-4 sentences) about what is visibly in the image: the main subjects, " +
        "setting, actions, notable objects, colours, lighting and, if obvious, the kind of image (photo, drawing, screenshot). " +
        "Do not guess names of people, do not invent details and do not mention that you are looking at an image. " +
        "Then give 5 to {MaxTags} short tags (one or two words each, lower case, nouns or adjectives) " +
        "that someone might type to find this image. " +
        "Answer only with JSON of the form {\"description\": \"...\", \"tags\": [\"...\", \"...\"]}.";

    /// <summary>Base address of the Ollama server.</summary>
    [Required]
    public string Url { get; set; } = "http://localhost:11434";

    /// <summary>Vision-capable model used to describe images.</summary>
    [Required(AllowEmptyStrings = false)]
    public string VisionModel { get; set; } = "qwen2.5vl:7b";

    /// <summary>Text embedding model used for semantic search.</summary>
    [Required(AllowEmptyStrings = false)]
    public string EmbeddingModel { get; set; } = "nomic-embed-text";

    /// <summary>Instruction sent with every image; "{MaxTags}" is replaced by <see cref="MaxTags"/>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Prompt { get; set; } = DefaultPrompt;

    /// <summary>Sampling temperature; low keeps descriptions factual and repeatable.</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; set; } = 0.2;

    /// <summary>Context window (num_ctx) requested for vision calls; null keeps the model's default.</summary>
    [Range(512, 1_048_576)]
    public int? ContextLength { get; set; }

    /// <summary>Time allowed for one attempt of one request, not counting queueing for a slot (for streaming: the whole stream).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Time allowed for the quick status probes (/api/version, /api/tags, /api/show).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests allowed in flight to the Ollama endpoint at once; Ollama serialises work per GPU anyway.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Retries after the first attempt for transient failures (connection refused, 5xx, 429, timeouts).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; later ones grow exponentially with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Long side, in pixels, the caller downscales images to before sending them.</summary>
    [Range(64, 8192)]
    public int ImageLongSide { get; set; } = 1024;

    /// <summary>Maximum number of tags kept per image after normalisation.</summary>
    [Range(1, 100)]
    public int MaxTags { get; set; } = 15;

    /// <summary>How long Ollama keeps the model loaded after a request; null leaves Ollama's default (5m), negative keeps it loaded.</summary>
    public TimeSpan? KeepAlive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Inputs per /api/embed call.</summary>
    [Range(1, 1024)]
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Task prefix prepended to texts embedded as documents (nomic-embed-text expects "search_document: ").</summary>
    public string EmbeddingDocumentPrefix { get; set; } = "search_document: ";

    /// <summary>Task prefix prepended to search queries (nomic-embed-text expects "search_query: ").</summary>
    public string EmbeddingQueryPrefix { get; set; } = "search_query: ";

    internal Uri BaseUri => OllamaUris.Normalize(Url);
}
