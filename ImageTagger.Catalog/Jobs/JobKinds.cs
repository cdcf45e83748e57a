namespace ImageTagger.Catalog.Jobs;

/// <summary>The stages of the pipeline, one job kind each, so each has its own concurrency and retries.</summary>
public static class JobKinds
{
    /// <summary>Walk a folder: new, changed, moved and deleted files. Payload: folderId.</summary>
    public const string ScanFolder = "scan-folder";

    /// <summary>Sniff, fingerprint, decode, thumbnails, EXIF/GPS, embedded keywords. Payload: imageId.</summary>
    public const string Analyze = "analyze";

    /// <summary>Ask the vision model for a description and tags. Payload: imageId.</summary>
    public const string Describe = "describe";

    /// <summary>Embed description + tags with the embedding model. Payload: imageId.</summary>
    public const string Embed = "embed";

    /// <summary>Write description and keywords into the file or a sidecar. Payload: imageId.</summary>
    public const string WriteBack = "writeback";

    /// <summary>Read text in the picture with the offline OCR model (issue 21). Payload: imageId.</summary>
    public const string Ocr = "ocr";

    /// <summary>Offline ResNet18 image features: similar images, near-duplicates, suggestions. Payload: imageId.</summary>
    public const string Features = "features";

    /// <summary>Embed the image's text (OCR, names, keywords, tags, description) with the offline MiniLM model. Payload: imageId.</summary>
    public const string TextEmbed = "text-embed";

    /// <summary>Crawl a website for images. Payload: crawlId.</summary>
    public const string Crawl = "crawl";

    public static string DedupeKey(string kind, long id) => $"{kind}:{id}";

    /// <summary>
    /// The pipeline's own priority for a stage: later stages before earlier ones, so images are finished before
    /// new ones are started. Work in progress stays small, the first images are done early, and write-back
    /// (exiftool) runs beside analysis (libvips) instead of all at the end, when the CPU would sit half idle.
    /// </summary>
    public static int StagePriority(string kind) => kind switch
    {
        WriteBack or Embed or TextEmbed => 1,
        _ => 0,
    };
}
