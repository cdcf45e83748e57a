namespace ImageTagger.Processing.Crawling;

/// <summary>URL handling for the crawler: resolving, normalising (the frontier's key) and the schemes it fetches.</summary>
public static class CrawlUrl
{
    public const int MaxLength = 2048;

    private static readonly HashSet<string> s_imageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif",
    };

    /// <summary>
    /// Resolves <paramref name="raw"/> against <paramref name="baseUri"/> to an absolute http(s) URL without fragment
    /// or credentials; false for other schemes (javascript:, mailto:, data:), bare fragments and garbage.
    /// </summary>
    public static bool TryResolve(Uri baseUri, string? raw, out Uri result)
    {
        result = null!;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        // Browsers strip leading/trailing C0 controls and spaces, and remove tabs and newlines anywhere.
        var cleaned = raw.Trim().Replace("\t", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        if (cleaned.Length == 0 || cleaned[0] == '#' || cleaned.Length > MaxLength)
        {
            return false;
        }

        if (!Uri.TryCreate(baseUri, cleaned, out var resolved))
        {
            return false;
        }

        return TryNormalize(resolved, out result);
    }

    /// <summary>Parses a user-entered absolute URL.</summary>
    public static bool TryParseAbsolute(string? raw, out Uri result)
    {
        result = null!;
        return !string.IsNullOrWhiteSpace(raw) && Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) && TryNormalize(uri, out result);
    }

    public static bool TryNormalize(Uri uri, out Uri result)
    {
        result = null!;
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        result = new Uri(uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));
        return result.AbsoluteUri.Length <= MaxLength;
    }

    /// <summary>The frontier key of a URL.</summary>
    public static string Key(Uri uri) => uri.AbsoluteUri;

    /// <summary>Whether a link points at an image file by its extension (<c>&lt;a href="photo.jpg"&gt;</c>).</summary>
    public static bool LooksLikeImage(Uri uri) => s_imageExtensions.Contains(Path.GetExtension(uri.AbsolutePath));

    public static bool SameHost(Uri a, Uri b) => string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);
}
