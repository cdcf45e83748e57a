namespace ImageTagger.Imaging.Metadata;

public enum MetadataReadFailure
{
    NotFound,
    Unreadable,
    UnsupportedFormat,
    Corrupt,
}

/// <summary>The file as a whole could not be parsed for metadata (a bad individual tag never throws).</summary>
public sealed class ImageMetadataException(string path, MetadataReadFailure reason, string detail, Exception? innerException = null)
    : Exception($"Cannot read metadata of '{path}': {reason} ({detail})", innerException)
{
    public string Path { get; } = path;

    public MetadataReadFailure Reason { get; } = reason;

    public string Detail { get; } = detail;
}
