namespace ImageTagger.Web.Components.Pages.Images;

/// <summary>
/// What the user typed into the tag box, made into tag names: split on commas, trimmed, single spaces, lower case;
/// duplicates within the input and tags the image already has are set aside (the Api applies its full normalisation on top).
/// </summary>
public sealed record TagInput(IReadOnlyList<string> ToAdd, IReadOnlyList<string> AlreadyPresent, IReadOnlyList<string> TooLong)
{
    public const int MaxLength = 100;

    public static TagInput Parse(string? typed, IEnumerable<string> existing)
    {
        var have = new HashSet<string>(existing.Select(Normalize).OfType<string>(), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string> add = [], present = [], tooLong = [];
        foreach (var part in (typed ?? "").Split([',', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Normalize(part) is not { } name)
            {
                continue;
            }

            if (name.Length > MaxLength)
            {
                tooLong.Add(name[..20] + "…");
            }
            else if (have.Contains(name))
            {
                present.Add(name);
            }
            else if (seen.Add(name))
            {
                add.Add(name);
            }
        }

        return new TagInput(add, present, tooLong);
    }

    /// <summary>Trimmed, inner whitespace collapsed to one space, lower case; null when nothing is left.</summary>
    public static string? Normalize(string? name)
    {
        var clean = string.Join(' ', (name ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return clean.Length == 0 ? null : clean;
    }

    public bool IsEmpty => ToAdd.Count == 0 && AlreadyPresent.Count == 0 && TooLong.Count == 0;

    /// <summary>Why some of the input was not added, for the user; null when everything was taken.</summary>
    public string? Remark()
    {
        var parts = new List<string>();
        if (IsEmpty)
        {
            parts.Add("Enter a tag.");
        }

        if (AlreadyPresent.Count > 0)
        {
            parts.Add($"Already tagged: {string.Join(", ", AlreadyPresent)}.");
        }

        if (TooLong.Count > 0)
        {
            parts.Add($"Longer than {MaxLength} characters: {string.Join(", ", TooLong)}.");
        }

        return parts.Count == 0 ? null : string.Join(" ", parts);
    }
}
