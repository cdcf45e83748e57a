using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace ImageTagger.Ai.Tagging;

/// <summary>
/// Turns whatever a vision model calls tags into a clean, stable tag set: lower-case, trimmed, single spaces,
/// punctuation stripped (inner hyphens kept), last word singular, leading articles and filler tags dropped,
/// over-long "tags" (sentences) dropped, de-duplicated in first-seen order, capped. Pure and deterministic.
/// </summary>
public sealed class TagNormalizer
{
    public const int DefaultMaxTagLength = 40;
    public const int DefaultMaxWords = 4;

    // Tags that say nothing about the content.
    private static readonly FrozenSet<string> StopTags = new[]
    {
        "a", "an", "the", "and", "or", "of", "in", "on", "at", "with", "for", "to", "is", "it", "this", "that", "there",
        "image", "photo", "photograph", "picture", "pic", "img", "jpeg", "jpg", "png", "file", "tag", "keyword", "label",
        "none", "null", "nil", "na", "n a", "etc", "misc", "other", "unknown", "various", "thing", "stuff", "object",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> LeadingArticles = new[] { "a", "an", "the" }.ToFrozenSet(StringComparer.Ordinal);

    // Words that end in "s" but are already singular or have no useful singular.
    private static readonly FrozenSet<string> Invariant = new[]
    {
        "glass", "glasses", "sunglasses", "eyeglasses", "bus", "grass", "people", "series", "species", "news", "jeans",
        "sheep", "fish", "deer", "moose", "aircraft", "clothes", "scissors", "pants", "shorts", "trousers", "tights",
        "pajamas", "pyjamas", "stairs", "binoculars", "headphones", "earphones", "goggles", "gas", "lens", "canvas", "atlas",
        "christmas", "mars", "paris", "athens", "wales", "texas", "swiss", "chaos", "kudos", "bias", "iris", "tennis",
        "outdoors", "indoors", "upstairs", "downstairs", "overseas", "always", "its", "his", "this", "yes", "angeles",
        "analysis", "basis", "oasis", "axis", "thesis", "crisis", "bonus", "campus", "cactus", "circus", "virus", "status",
        "octopus", "walrus", "hippopotamus", "platypus", "asparagus", "hummus", "citrus", "lotus", "venus", "uranus",
        "dress", "moss", "chess", "cross", "boss", "class", "address", "business", "wilderness", "darkness", "mattress",
        "congress", "fortress", "princess", "goddess", "compass", "cypress", "ibis", "chassis", "corps", "dice", "billiards",
        "darts", "diabetes", "measles", "mathematics", "physics", "gymnastics", "athletics", "aerobics", "electronics",
        "graphics", "politics", "economics", "ethics", "logistics", "optics", "acoustics", "robotics", "statistics",
        "ceramics", "overalls", "leggings", "sweatpants", "gallows", "barracks",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Irregular = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["children"] = "child", ["men"] = "man", ["women"] = "woman", ["mice"] = "mouse", ["geese"] = "goose",
        ["feet"] = "foot", ["teeth"] = "tooth", ["oxen"] = "ox", ["lice"] = "louse", ["dice"] = "dice",
        ["leaves"] = "leaf", ["wolves"] = "wolf", ["knives"] = "knife", ["wives"] = "wife", ["lives"] = "life",
        ["shelves"] = "shelf", ["halves"] = "half", ["calves"] = "calf", ["loaves"] = "loaf", ["scarves"] = "scarf",
        ["thieves"] = "thief", ["elves"] = "elf", ["selves"] = "self", ["hooves"] = "hoof", ["wharves"] = "wharf",
        ["tomatoes"] = "tomato", ["potatoes"] = "potato", ["heroes"] = "hero", ["volcanoes"] = "volcano",
        ["mangoes"] = "mango", ["echoes"] = "echo", ["dominoes"] = "domino", ["torpedoes"] = "torpedo",
        ["mosquitoes"] = "mosquito", ["buses"] = "bus", ["gases"] = "gas", ["lenses"] = "lens", ["canvases"] = "canvas",
        ["cacti"] = "cactus", ["fungi"] = "fungus", ["octopi"] = "octopus", ["cactuses"] = "cactus", ["octopuses"] = "octopus",
        ["quizzes"] = "quiz", ["criteria"] = "criterion", ["phenomena"] = "phenomenon", ["indices"] = "index",
        ["matrices"] = "matrix", ["vertices"] = "vertex", ["analyses"] = "analysis", ["crises"] = "crisis",
        ["oases"] = "oasis", ["axes"] = "axe", ["movies"] = "movie", ["cookies"] = "cookie", ["pies"] = "pie",
        ["ties"] = "tie", ["lies"] = "lie", ["brownies"] = "brownie", ["zombies"] = "zombie", ["selfies"] = "selfie",
        ["hippies"] = "hippie", ["calories"] = "calorie", ["rookies"] = "rookie", ["smoothies"] = "smoothie",
        ["hoodies"] = "hoodie", ["goalies"] = "goalie", ["headaches"] = "headache", ["moustaches"] = "moustache",
        ["mustaches"] = "mustache", ["niches"] = "niche", ["avalanches"] = "avalanche", ["caches"] = "cache",
        ["quiches"] = "quiche", ["cliches"] = "cliche", ["persons"] = "person",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly int _maxTagLength;
    private readonly int _maxWords;

    public TagNormalizer(int maxTags = 15, int maxTagLength = DefaultMaxTagLength, int maxWords = DefaultMaxWords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTags, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        MaxTags = maxTags;
        _maxTagLength = maxTagLength;
        _maxWords = maxWords;
    }

    public TagNormalizer(IOptions<OllamaOptions> options)
        : this(options?.Value.MaxTags ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public int MaxTags { get; }

    /// <summary>Normalises, drops empties and fillers, de-duplicates (first wins) and caps at <see cref="MaxTags"/>.</summary>
    public IReadOnlyList<string> Normalize(IEnumerable<string?> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var raw in tags)
        {
            var tag = NormalizeTag(raw);
            if (tag is not null && seen.Add(tag))
            {
                result.Add(tag);
                if (result.Count == MaxTags)
                {
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>One tag, or null when nothing useful is left.</summary>
    public string? NormalizeTag(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var text = tag.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture)
            .Replace('’', '\'').Replace('‘', '\'');

        var words = Clean(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        while (words.Count > 1 && LeadingArticles.Contains(words[0]))
        {
            words.RemoveAt(0);
        }

        if (words.Count == 0 || words.Count > _maxWords)
        {
            return null;
        }

        words[^1] = Singularize(words[^1]);
        var result = string.Join(' ', words);
        if (result.Length < 2 || result.Length > _maxTagLength || StopTags.Contains(result) || !result.Any(char.IsLetter))
        {
            return null;
        }

        return result;
    }

    /// <summary>Simple English singular of one lower-case word; leaves unknown shapes alone rather than guess badly.</summary>
    public static string Singularize(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains('-', StringComparison.Ordinal))
        {
            return SingularizeCompound(word);                              // t-shirts → t-shirt
        }

        if (word.Length <= 3 || Invariant.Contains(word) || !word.All(char.IsLetter))
        {
            return word;
        }

        if (Irregular.TryGetValue(word, out var irregular))
        {
            return irregular;
        }

        if (!word.EndsWith('s') ||
            word.EndsWith("ss", StringComparison.Ordinal) ||
            word.EndsWith("us", StringComparison.Ordinal) ||
            word.EndsWith("is", StringComparison.Ordinal) ||
            word.EndsWith("ics", StringComparison.Ordinal))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";                                       // berries → berry
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) ||
            word.EndsWith("shes", StringComparison.Ordinal) ||
            word.EndsWith("ches", StringComparison.Ordinal) ||
            word.EndsWith("xes", StringComparison.Ordinal) ||
            word.EndsWith("zzes", StringComparison.Ordinal))
        {
            return word[..^2];                                             // dresses, dishes, beaches, boxes
        }

        return word[..^1];                                                 // dogs, trees, houses, photos
    }

    private static string SingularizeCompound(string word)
    {
        var dash = word.LastIndexOf('-');
        var tail = word[(dash + 1)..];
        return tail.Length == 0 ? word : word[..(dash + 1)] + Singularize(tail);
    }

    /// <summary>Keeps letters, digits, inner hyphens; drops possessive 's; everything else becomes a space.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (c == '\'')
            {
                // "children's" → "children", "don't" → "dont".
                if (i + 1 < text.Length && text[i + 1] == 's' && (i + 2 == text.Length || !char.IsLetterOrDigit(text[i + 2])))
                {
                    i++;
                }
            }
            else if (c == '-' && i > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1]))
            {
                builder.Append('-');
            }
            else
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }
}
