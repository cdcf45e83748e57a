namespace ImageTagger.Imaging.Metadata;

/// <summary>One rule for keyword lists on read and write, so a written list reads back identically.</summary>
public static class KeywordList
{
    private static readonly char[] s_separators = [';', ','];

    /// <summary>Splits on ';' and ',', trims, drops empties and control characters, de-duplicates case-insensitively (first spelling wins).</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string?> keywords)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var raw in keywords)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            foreach (var part in raw.Split(s_separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var clean = new string(part.Where(c => !char.IsControl(c)).ToArray()).Trim();
                if (clean.Length > 0 && seen.Add(clean))
                {
                    result.Add(clean);
                }
            }
        }

        return result;
    }
}
