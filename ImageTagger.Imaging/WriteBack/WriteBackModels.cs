using ImageTagger.Imaging.Metadata;

namespace ImageTagger.Imaging.WriteBack;

/// <summary>What to write. It replaces what the file had: a null description or empty keyword list clears those tags.</summary>
public sealed record ImageAnnotation(string? Description, IReadOnlyList<string> Keywords);

/// <param name="Mode">What was actually done (Embedded falls back to Sidecar for formats that cannot hold metadata, e.g. BMP).</param>
/// <param name="WrittenPath">The file that now holds the annotation (the image, or its sidecar).</param>
public sealed record WriteBackResult(WriteBackMode Mode, string? WrittenPath, ImageFormat Format);

/// <summary>Description/keyword tags as exiftool reads them back, keyed "Group:Tag" (e.g. "IPTC:Keywords", "XMP-dc:Subject").</summary>
public sealed record EmbeddedAnnotation(IReadOnlyDictionary<string, IReadOnlyList<string>> Tags)
{
    public IReadOnlyList<string> Values(string key) => Tags.TryGetValue(key, out var values) ? values : [];

    /// <summary>XMP dc:description, else IPTC caption, else EXIF ImageDescription, else PNG Description.</summary>
    public string? Description =>
        s_descriptionTags.Select(k => Values(k) is { Count: > 0 } v ? v[0] : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static readonly string[] s_descriptionTags = ["XMP-dc:Description", "IPTC:Caption-Abstract", "IFD0:ImageDescription", "PNG:Description"];

    /// <summary>Union of XMP dc:subject, IPTC Keywords and EXIF XPKeywords, normalised like <see cref="KeywordList"/>.</summary>
    public IReadOnlyList<string> Keywords =>
        KeywordList.Normalize(Values("XMP-dc:Subject").Concat(Values("IPTC:Keywords")).Concat(Values("IFD0:XPKeywords")));
}
