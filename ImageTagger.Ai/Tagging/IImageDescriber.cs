namespace ImageTagger.Ai.Tagging;

/// <summary>Describes and tags one image; <see cref="ImageDescriber"/> is the Ollama implementation.</summary>
public interface IImageDescriber
{
    /// <exception cref="OllamaException">Ollama could not be reached or failed; check <see cref="OllamaException.IsTransient"/>.</exception>
    /// <exception cref="ImageDescriptionException">The model answered with nothing usable.</exception>
    Task<ImageDescription> DescribeAsync(ReadOnlyMemory<byte> image, string mediaType, ImageHints? hints, CancellationToken cancellationToken = default);
}
