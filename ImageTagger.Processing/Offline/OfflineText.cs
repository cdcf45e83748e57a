using System.Text;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// The text an image is embedded from by the offline text model: what it says (OCR), what it is called (file and
/// folder names), what its file says about it (embedded description and keywords), where it was found (crawl
/// alt text, title, page title), what the user and the vision model said (tags, description). One line per
/// source, each cut to a sensible length so no single source drowns the others.
/// </summary>
public static class OfflineText
{
    private const int MaxPerPart = 400;

    public static string Compose(IEnumerable<string?> parts)
    {
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in parts)
        {
            var part = raw?.Trim();
            if (string.IsNullOrEmpty(part) || !seen.Add(part))
            {
                continue;
            }

            text.Append(part.Length > MaxPerPart ? part[..MaxPerPart] : part).Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>"IMG_2041 beach-day.jpg" → "IMG 2041 beach day": separators become spaces, the extension goes.</summary>
    public static string Words(string name)
    {
        var words = new StringBuilder(name.Length);
        foreach (var c in Path.GetFileNameWithoutExtension(name))
        {
            words.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        return string.Join(' ', words.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The last two folders of a path, as words ("/photos/2024/Paris trip/x.jpg" → "2024 Paris trip").</summary>
    public static string FolderWords(string path)
    {
        var folders = (Path.GetDirectoryName(path) ?? "").Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', folders.TakeLast(2).Select(f => Words(f + ".x")));
    }
}
