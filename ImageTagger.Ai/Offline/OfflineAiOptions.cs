using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Ai.Offline;

/// <summary>
/// The offline models (issue 21): OCR, image features and text embeddings that run in-process on the CPU,
/// with no AI server. Section "OfflineAi"; the stage switches are user settings (the settings table).
/// </summary>
public sealed class OfflineAiOptions
{
    public const string SectionName = "OfflineAi";

    /// <summary>Read text in photos (PaddleOCR PP-OCRv4).</summary>
    public bool Ocr { get; set; } = true;

    /// <summary>Compute ResNet18 image features: similar images, near-duplicates, tag suggestions.</summary>
    public bool Features { get; set; } = true;

    /// <summary>Embed each image's text with MiniLM for meaning-based search without an embedding server.</summary>
    public bool TextEmbeddings { get; set; } = true;

    /// <summary>Where the model files are; defaults to the application's folder (the build copies them there).</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// Threads one model run may use. One keeps the CPU budget predictable: libvips decodes beside it, and
    /// the offline lane's concurrency (not threads per run) decides how many cores the models take.
    /// </summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Model runs in flight per process (all offline models together): bounds CPU and memory.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// A model whose sessions no run has used for this long is unloaded, giving its memory back (a few hundred MiB
    /// each); the next use loads it again (a second or so). Zero keeps the models loaded for the life of the process.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan IdleUnloadAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>OCR lines below this recognition confidence are dropped (noise read from textures).</summary>
    [Range(0.0, 1.0)]
    public double OcrMinConfidence { get; set; } = 0.6;

    /// <summary>Cosine similarity of ResNet18 features above which two images count as near-duplicates.</summary>
    [Range(0.5, 1.0)]
    public double NearDuplicateSimilarity { get; set; } = 0.95;

    /// <summary>Lowest feature similarity of a neighbour whose tags are offered as suggestions.</summary>
    [Range(0.0, 1.0)]
    public double SuggestionMinSimilarity { get; set; } = 0.6;

    /// <summary>How many visually nearest tagged images are asked for suggestions.</summary>
    [Range(1, 100)]
    public int SuggestionNeighbours { get; set; } = 8;
}
