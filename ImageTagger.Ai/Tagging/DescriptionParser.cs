using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImageTagger.Ai.Tagging;

/// <summary>
/// Reads a vision model's answer. We ask for JSON via Ollama's <c>format</c> schema, but older servers, some models
/// and cut-off answers still produce fenced JSON, JSON wrapped in prose, half a JSON object or plain prose with
/// "Tags:" lines and bullet lists. Tries those shapes from strictest to loosest; anything else is garbage.
/// </summary>
public static partial class DescriptionParser
{
    private const int MaxObjectCandidates = 10;

    private static readonly string[] DescriptionKeys = ["description", "caption", "summary", "desc", "alt_text", "alt", "text"];
    private static readonly string[] TagKeys = ["tags", "keywords", "labels", "tag_list", "tag", "keyword"];

    private static readonly JsonDocumentOptions LenientJson = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Parsed answer before tag normalisation.</summary>
    public sealed record Result(string Description, IReadOnlyList<string> Tags, DescriptionSource Source);

    /// <param name="answer">The model's text.</param>
    /// <param name="truncated">The model stopped at its output limit (done_reason "length"), for a better error.</param>
    /// <exception cref="ImageDescriptionException">No usable description or tags.</exception>
    public static Result Parse(string? answer, bool truncated = false)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            throw new ImageDescriptionException(ImageDescriptionFailure.EmptyAnswer, "The vision model returned an empty answer.", answer);
        }

        // Reasoning models may put their chain of thought in the content.
        var text = ThinkBlockRegex().Replace(answer, " ").Trim();

        if (TryParseJson(text, out var result))
        {
            return Finish(result, DescriptionSource.Json, answer);
        }

        foreach (Match fence in FenceRegex().Matches(text))
        {
            if (TryParseJson(fence.Groups["body"].Value, out result))
            {
                return Finish(result, DescriptionSource.EmbeddedJson, answer);
            }
        }

        foreach (var candidate in BalancedObjects(text).Take(MaxObjectCandidates))
        {
            if (TryParseJson(candidate, out result))
            {
                return Finish(result, DescriptionSource.EmbeddedJson, answer);
            }
        }

        if (TrySalvagePartialJson(text, out result))
        {
            return Finish(result, DescriptionSource.PartialJson, answer);
        }

        if (TryParseProse(text, out result))
        {
            return Finish(result, DescriptionSource.Prose, answer);
        }

        throw Failure(text, answer, truncated);
    }

    private static Result Finish((string Description, List<string> Tags) parsed, DescriptionSource source, string answer)
    {
        var description = Collapse(parsed.Description).Trim('"', '\'', '`', ' ');
        var tags = parsed.Tags.Select(t => Collapse(t).Trim('"', '\'', '`', '.', ',', ';', ' ', '*', '#')).Where(t => t.Length > 0).ToList();
        if (tags.Count == 0 && RefusalRegex().IsMatch(description))
        {
            throw new ImageDescriptionException(
                ImageDescriptionFailure.Refused, $"The vision model declined to describe the image: \"{Snippet(description)}\"", answer);
        }

        return new Result(description, tags, source);
    }

    private static ImageDescriptionException Failure(string text, string answer, bool truncated)
    {
        if (RefusalRegex().IsMatch(text))
        {
            return new ImageDescriptionException(
                ImageDescriptionFailure.Refused, $"The vision model declined to describe the image: \"{Snippet(text)}\"", answer);
        }

        return truncated
            ? new ImageDescriptionException(
                ImageDescriptionFailure.Truncated,
                $"The vision model hit its output limit before writing a usable description: \"{Snippet(text)}\"",
                answer)
            : new ImageDescriptionException(
                ImageDescriptionFailure.Unparseable,
                $"The vision model's answer is neither the requested JSON nor a readable description: \"{Snippet(text)}\"",
                answer);
    }

    // ---- JSON ----------------------------------------------------------------------------------------------

    private static bool TryParseJson(string candidate, out (string Description, List<string> Tags) result)
    {
        result = default;
        candidate = candidate.Trim();
        if (candidate.Length < 2 || (candidate[0] != '{' && candidate[0] != '['))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(candidate, LenientJson);
            return TryRead(document.RootElement, depth: 0, out result);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryRead(JsonElement element, int depth, out (string Description, List<string> Tags) result)
    {
        result = default;
        if (element.ValueKind == JsonValueKind.Array)
        {
            // A bare list of tags.
            var onlyTags = ReadTags(element);
            result = ("", onlyTags);
            return onlyTags.Count > 0;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? description = null;
        List<string>? tags = null;
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name.Trim().ToLowerInvariant();
            if (description is null && DescriptionKeys.Contains(name) && property.Value.ValueKind == JsonValueKind.String)
            {
                description = property.Value.GetString();
            }
            else if (tags is null && TagKeys.Contains(name))
            {
                tags = ReadTags(property.Value);
            }
        }

        if (!string.IsNullOrWhiteSpace(description) || tags is { Count: > 0 })
        {
            result = (description ?? "", tags ?? []);
            return true;
        }

        // Some models wrap the answer: {"image": {"description": ..., "tags": [...]}}.
        if (depth == 0)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && TryRead(property.Value, depth + 1, out result))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static List<string> ReadTags(JsonElement value)
    {
        var tags = new List<string>();
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                tags.AddRange(SplitTagList(value.GetString() ?? ""));
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    switch (item.ValueKind)
                    {
                        case JsonValueKind.String:
                            tags.Add(item.GetString() ?? "");
                            break;
                        case JsonValueKind.Number:
                            tags.Add(item.GetRawText());
                            break;
                        case JsonValueKind.Object:
                            foreach (var key in (string[])["name", "tag", "label", "keyword"])
                            {
                                if (item.TryGetProperty(key, out var inner) && inner.ValueKind == JsonValueKind.String)
                                {
                                    tags.Add(inner.GetString() ?? "");
                                    break;
                                }
                            }

                            break;
                    }
                }

                break;
        }

        return tags;
    }

    /// <summary>Every top-level-balanced {...} in the text, respecting strings, in order of appearance.</summary>
    private static IEnumerable<string> BalancedObjects(string text)
    {
        for (var start = text.IndexOf('{', StringComparison.Ordinal); start >= 0; start = text.IndexOf('{', start + 1))
        {
            var depth = 0;
            var inString = false;
            for (var i = start; i < text.Length; i++)
            {
                var c = text[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }
                }
                else if (c == '"')
                {
                    inString = true;
                }
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    yield return text[start..(i + 1)];
                    break;
                }
            }
        }
    }

    private static bool TrySalvagePartialJson(string text, out (string Description, List<string> Tags) result)
    {
        result = default;
        var descriptionMatch = PartialDescriptionRegex().Match(text);
        var tagsMatch = PartialTagsRegex().Match(text);
        if (!descriptionMatch.Success && !tagsMatch.Success)
        {
            return false;
        }

        var description = descriptionMatch.Success ? UnescapeJsonString(descriptionMatch.Groups["v"].Value) : "";
        var tags = new List<string>();
        if (tagsMatch.Success)
        {
            // Only complete strings: a tag cut in half is dropped.
            foreach (Match item in JsonStringRegex().Matches(tagsMatch.Groups["v"].Value))
            {
                tags.Add(UnescapeJsonString(item.Groups["v"].Value));
            }
        }

        result = (description, tags);
        return CountLetters(description) >= 3 || tags.Count > 0;
    }

    private static string UnescapeJsonString(string raw)
    {
        raw = raw.TrimEnd('\\');
        try
        {
            return JsonSerializer.Deserialize<string>("\"" + raw + "\"") ?? raw;
        }
        catch (JsonException)
        {
            return raw.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\n", " ", StringComparison.Ordinal);
        }
    }

    // ---- prose ---------------------------------------------------------------------------------------------

    private enum Section
    {
        None,
        Description,
        Tags,
    }

    private static bool TryParseProse(string text, out (string Description, List<string> Tags) result)
    {
        result = default;
        if (text.StartsWith('<') || text.StartsWith('{') || text.StartsWith('['))
        {
            return false;                                                  // HTML error pages, broken JSON
        }

        var explicitDescription = new StringBuilder();
        var prose = new List<string>();
        var tags = new List<string>();
        var looseBullets = new List<string>();
        var section = Section.None;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Replace("**", "", StringComparison.Ordinal).Replace("__", "", StringComparison.Ordinal).Trim();
            line = HeadingRegex().Replace(line, "");
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.Length == 0)
            {
                if (section == Section.Tags && tags.Count > 0)
                {
                    section = Section.None;
                }

                continue;
            }

            var header = SectionHeaderRegex().Match(line);
            if (header.Success)
            {
                var key = header.Groups["key"].Value.ToLowerInvariant();
                section = key is "description" or "caption" or "summary" ? Section.Description : Section.Tags;
                line = header.Groups["rest"].Value.Trim();
                if (line.Length == 0)
                {
                    continue;
                }
            }

            var bullet = BulletRegex().Match(line);
            var item = bullet.Success ? bullet.Groups["item"].Value.Trim() : line;
            switch (section)
            {
                case Section.Tags when bullet.Success || item.Contains(',', StringComparison.Ordinal) || WordCount(item) <= 4 || IsHashtagLine(item):
                    tags.AddRange(SplitTagList(item));
                    continue;
                case Section.Tags:
                    section = Section.None;                                // a sentence after the tag list is prose again
                    break;
                case Section.Description:
                    explicitDescription.Append(' ').Append(item);
                    continue;
            }

            if (IsHashtagLine(item))
            {
                tags.AddRange(SplitTagList(item));
            }
            else if (bullet.Success)
            {
                looseBullets.Add(item);
            }
            else
            {
                prose.Add(item);
            }
        }

        // "Sure! Here is a description of the image:" says nothing about the image.
        while (prose.Count > 0 && prose[0].Length < 120 && (prose[0].EndsWith(':') || IntroRegex().IsMatch(prose[0])))
        {
            prose.RemoveAt(0);
        }

        if (tags.Count == 0 && looseBullets.Count > 0 && looseBullets.All(b => WordCount(b) <= 4))
        {
            tags.AddRange(looseBullets.SelectMany(SplitTagList));
            looseBullets.Clear();
        }

        var description = explicitDescription.Length > 0
            ? explicitDescription.ToString()
            : string.Join(' ', prose.Concat(looseBullets));

        if (CountLetters(description) < 3 && tags.Count == 0)
        {
            return false;
        }

        if (tags.Count == 0 && LooksLikeGarbage(description))
        {
            return false;
        }

        result = (description, tags);
        return true;
    }

    private static bool LooksLikeGarbage(string text)
    {
        var visible = text.Count(c => !char.IsWhiteSpace(c));
        if (visible == 0)
        {
            return true;
        }

        var letters = CountLetters(text);
        if (letters * 2 < visible)
        {
            return true;                                                   // mostly symbols/digits
        }

        // Real prose has words of sane length; keyboard mash or base64 does not.
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length < 2 || words.Average(w => w.Length) > 15 || !text.Any(c => "aeiouAEIOU".Contains(c, StringComparison.Ordinal));
    }

    private static bool IsHashtagLine(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words.All(w => w.Length > 1 && w[0] == '#' && char.IsLetterOrDigit(w[1]));
    }

    private static IEnumerable<string> SplitTagList(string list)
    {
        var separators = IsHashtagLine(list) ? new[] { ' ', '#' } : new[] { ',', ';', '|', '\n', '•' };
        return list.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Trim('#', '-', '*', '.', ' '))
            .Where(t => t.Length > 0);
    }

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static int CountLetters(string text) => text.Count(char.IsLetter);

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Snippet(string text) => OllamaText.Snippet(text, 160);

    [GeneratedRegex(@"<think>.*?(</think>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ThinkBlockRegex();

    [GeneratedRegex(@"```[a-zA-Z]*[ \t]*\r?\n?(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FenceRegex();

    [GeneratedRegex(@"""(?:description|caption|summary)""\s*:\s*""(?<v>(?:[^""\\]|\\.)*)", RegexOptions.IgnoreCase)]
    private static partial Regex PartialDescriptionRegex();

    [GeneratedRegex(@"""(?:tags|keywords|labels)""\s*:\s*\[(?<v>[^\]]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PartialTagsRegex();

    [GeneratedRegex(@"""(?<v>(?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonStringRegex();

    [GeneratedRegex(@"^#{1,6}\s+")]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"^(?:[-*•+]\s*)?(?<key>tags|keywords|key\s*words|labels|hashtags|description|caption|summary)\b\s*(?:\([^)]*\))?\s*(?:[:：\-–—]\s*(?<rest>.*)|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SectionHeaderRegex();

    [GeneratedRegex(@"^(?:[-*•+]|\d{1,2}[.)])\s+(?<item>.+)$")]
    private static partial Regex BulletRegex();

    [GeneratedRegex(@"^(sure|certainly|of course|okay|ok|absolutely|here(?:'s| is| are))\b", RegexOptions.IgnoreCase)]
    private static partial Regex IntroRegex();

    [GeneratedRegex(@"^\W*(i'm sorry|i am sorry|sorry,|i cannot|i can't|i can not|i'm unable|i am unable|i'm not able|i am not able|as an ai)", RegexOptions.IgnoreCase)]
    private static partial Regex RefusalRegex();
}
