namespace ImageTagger.Imaging;

/// <summary>Image container format, detected from content (magic bytes), never from the file name.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Jpeg,
    Png,
    Gif,
    Bmp,
    WebP,
    Tiff,
    Heif,
}

public enum ThumbnailFormat
{
    WebP,
    Jpeg,
}

/// <summary>How strict decoding is: libvips' <c>fail_on</c>. Higher levels also fail on the lower ones.</summary>
public enum DecodeStrictness
{
    /// <summary>Decode whatever is there (a truncated JPEG comes out partly grey).</summary>
    None = 0,

    /// <summary>Fail on truncated files.</summary>
    Truncated = 1,

    /// <summary>Fail on truncated files and decoder errors (default).</summary>
    Error = 2,

    /// <summary>Fail on any decoder warning (rejects many real camera files; HEIF warns on nclx profiles).</summary>
    Warning = 3,
}
