namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// The offline models' rows in image_embeddings (issue 21): names and fixed dimensions, beside the configured
/// Ollama embedding model. The same names are the model classes' constants in ImageTagger.Ai.Offline (a test keeps
/// them equal); the catalog does not depend on the AI project.
/// </summary>
public static class OfflineEmbeddingModels
{
    /// <summary>all-MiniLM-L6-v2 over the image's text (OCR, names, keywords, tags, description).</summary>
    public const string Text = "offline:all-minilm-l6-v2";
    public const int TextDimensions = 384;

    /// <summary>ResNet18 image features: similar images, near-duplicates, tag suggestions.</summary>
    public const string Image = "offline:resnet18";
    public const int ImageDimensions = 512;

    public static int DimensionsOf(string model, int configured) => model switch
    {
        Text => TextDimensions,
        Image => ImageDimensions,
        _ => configured,
    };
}
