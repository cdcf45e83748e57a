using System.Text.Json;

namespace ImageTagger.TestSupport.Images;

/// <summary>Reads files back with the real <c>exiftool</c> command (Debian package libimage-exiftool-perl).</summary>
public static class ExifToolCli
{
    /// <summary>Every tag exiftool finds, keyed "Group:Tag" (group family 0: EXIF, XMP, IPTC, Composite, ...), one object per file.</summary>
    /// <param name="arguments">Extra exiftool options, then files or folders.</param>
    public static IReadOnlyList<Dictionary<string, string>> ReadTags(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = ToolProcess.Run("exiftool", ["-j", "-a", "-G0", "-q", "-q", "-charset", "filename=utf8", .. arguments]);
        if (string.IsNullOrWhiteSpace(stdout))
        {
            throw new InvalidOperationException($"exiftool printed nothing ({exitCode}): {stderr}");
        }

        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.EnumerateArray()
            .Select(file => file.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal))
            .ToArray();
    }

    /// <summary>
    /// The tags that give away where, when or with what a photo was taken: anything in the EXIF, XMP, IPTC,
    /// Photoshop or MakerNotes groups, and any GPS tag of any group (Composite:GPSPosition included).
    /// </summary>
    public static IReadOnlyList<string> RevealingTags(string path) => ReadTags(path)[0].Keys.Where(IsRevealing).ToArray();

    /// <summary>Whether a "Group:Tag" key from <see cref="ReadTags"/> is one of the revealing ones.</summary>
    public static bool IsRevealing(string key) =>
        key.StartsWith("EXIF:", StringComparison.Ordinal)
        || key.StartsWith("XMP:", StringComparison.Ordinal)
        || key.StartsWith("IPTC:", StringComparison.Ordinal)
        || key.StartsWith("Photoshop:", StringComparison.Ordinal)
        || key.StartsWith("MakerNotes:", StringComparison.Ordinal)
        || key.Contains(":GPS", StringComparison.Ordinal);

    /// <summary>The sample files (any format) in which exiftool finds a GPS position.</summary>
    public static IReadOnlyList<string> SamplesWithGps() =>
        ReadTags("-r", "-GPSLatitude", "-FileName", "-Directory", SampleImages.Root)
            .Where(file => file.ContainsKey("EXIF:GPSLatitude") || file.Keys.Any(k => k.EndsWith(":GPSLatitude", StringComparison.Ordinal)))
            .Select(file => Path.Combine(file["File:Directory"], file["File:FileName"]))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
