namespace ImageTagger.Imaging;

public enum ImageDecodeFailure
{
    /// <summary>The file does not exist (or vanished while being read).</summary>
    NotFound,

    /// <summary>Zero-byte file.</summary>
    Empty,

    /// <summary>The content is not one of the supported image formats (whatever the extension says).</summary>
    UnsupportedFormat,

    /// <summary>The header declares more pixels than <see cref="ImagingOptions.MaxPixels"/>: refused before decoding.</summary>
    TooLarge,

    /// <summary>The file ends before the image data does.</summary>
    Truncated,

    /// <summary>The decoder found invalid data.</summary>
    Corrupt,

    /// <summary>The file could not be read (permissions, I/O error).</summary>
    Unreadable,
}

/// <summary>An image could not be decoded; <see cref="Reason"/> says why, <see cref="Detail"/> carries the decoder's text.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string path, ImageDecodeFailure reason, string detail, Exception? innerException = null)
        : base($"Cannot decode '{path}': {Describe(reason)}{(string.IsNullOrWhiteSpace(detail) ? "" : $" ({detail})")}", innerException)
    {
        Path = path;
        Reason = reason;
        Detail = detail;
    }

    public string Path { get; }

    public ImageDecodeFailure Reason { get; }

    public string Detail { get; }

    private static string Describe(ImageDecodeFailure reason) => reason switch
    {
        ImageDecodeFailure.NotFound => "file not found",
        ImageDecodeFailure.Empty => "file is empty",
        ImageDecodeFailure.UnsupportedFormat => "not a supported image format",
        ImageDecodeFailure.TooLarge => "image is larger than the configured pixel limit",
        ImageDecodeFailure.Truncated => "file is truncated",
        ImageDecodeFailure.Corrupt => "image data is corrupt",
        ImageDecodeFailure.Unreadable => "file cannot be read",
        _ => reason.ToString(),
    };
}
