namespace ImageTagger.Ai.Tagging;

/// <summary>
/// Builds the text that gets embedded. Images and queries must be embedded the same way for cosine similarity
/// to mean anything, so every producer goes through here. nomic-embed-text wants task prefixes
/// ("search_document: " / "search_query: "); they come from <see cref="OllamaOptions"/>.
/// </summary>
public static class EmbeddingText
{
    /// <summary>Keeps requests well below nomic-embed-text's 2048-token context even with verbose models.</summary>
    public const int MaxChars = 4000;

    /// <summary>"{prefix}{description}\nTags: a, b, c", whitespace collapsed, capped at <see cref="MaxChars"/>.</summary>
    public static string ForImage(string? description, IEnumerable<string>? tags, string? prefix = null)
    {
        var body = Collapse(description);
        var tagList = tags?.Select(Collapse).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (tagList.Count > 0)
        {
            body = body.Length == 0 ? "Tags: " + string.Join(", ", tagList) : body + "\nTags: " + string.Join(", ", tagList);
        }

        return Cap((prefix ?? "") + body);
    }

    public static string ForImage(ImageDescription description, OllamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(options);
        return ForImage(description.Description, description.Tags, options.EmbeddingDocumentPrefix);
    }

    /// <summary>"{prefix}{query}" with whitespace collapsed.</summary>
    public static string ForQuery(string query, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Cap((prefix ?? "") + Collapse(query));
    }

    public static string ForQuery(string query, OllamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ForQuery(query, options.EmbeddingQueryPrefix);
    }

    private static string Collapse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "" : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Cap(string text) => text.Length <= MaxChars ? text : text[..MaxChars];
}
