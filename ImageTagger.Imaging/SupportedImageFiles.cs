namespace ImageTagger.Imaging;

/// <summary>The file extensions the scanner picks up (case-insensitive). Content is still sniffed before decoding.</summary>
public static class SupportedImageFiles
{
    public static IReadOnlyList<string> Extensions { get; } =
        [".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".heif"];

    private static readonly HashSet<string> s_extensions = new(Extensions, StringComparer.OrdinalIgnoreCase);

    public static bool IsSupported(string path) => s_extensions.Contains(Path.GetExtension(path));

    /// <summary>The format an extension claims; used only to report "wrong extension", never to pick a decoder.</summary>
    public static ImageFormat FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => ImageFormat.Jpeg,
        ".png" => ImageFormat.Png,
        ".gif" => ImageFormat.Gif,
        ".bmp" => ImageFormat.Bmp,
        ".webp" => ImageFormat.WebP,
        ".tif" or ".tiff" => ImageFormat.Tiff,
        ".heic" or ".heif" => ImageFormat.Heif,
        _ => ImageFormat.Unknown,
    };
}
