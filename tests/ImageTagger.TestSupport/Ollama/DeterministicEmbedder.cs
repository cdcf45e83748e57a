using System.Text;

namespace ImageTagger.TestSupport.Ollama;

/// <summary>
/// A stand-in for a text embedding model: hashed bag of (lightly stemmed) words plus character trigrams,
/// signed feature hashing into <c>dimensions</c> buckets, L2-normalised. Deterministic across processes and
/// machines (FNV-1a, not string.GetHashCode), and texts sharing words or word pieces score a higher cosine
/// similarity, so search-relevance tests can reason about rankings without a real model.
/// </summary>
public static class DeterministicEmbedder
{
    /// <summary>nomic-embed-text's size.</summary>
    public const int DefaultDimensions = 768;

    private const float WordWeight = 1.0f;
    private const float TrigramWeight = 0.35f;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "is", "are", "was",
        "were", "be", "been", "it", "its", "this", "that", "these", "those", "there", "as", "into", "over", "some",
        "image", "photo", "picture", "tags", "tag", "shows", "showing", "depicts",
    };

    // nomic-style task prefixes are the same for every document, so they must not create similarity.
    private static readonly string[] TaskPrefixes = ["search_document:", "search_query:", "clustering:", "classification:"];

    public static float[] Embed(string text, int dimensions = DefaultDimensions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);

        var vector = new float[dimensions];
        var any = false;
        foreach (var word in Tokens(StripPrefix(text)))
        {
            Add(vector, "w:" + word, WordWeight);
            var padded = " " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                Add(vector, string.Concat("t:", padded.AsSpan(i, 3)), TrigramWeight);
            }

            any = true;
        }

        if (!any)
        {
            // Empty text still gets a valid unit vector (cosine with a zero vector is undefined).
            vector[(int)(Fnv1a("<empty>") % (uint)dimensions)] = 1f;
            return vector;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm == 0f)
        {
            vector[0] = 1f;
            return vector;
        }

        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    public static double CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors differ in length ({a.Length} vs {b.Length}).", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>Lower-cased alphanumeric words without stop words, crudely stemmed so "dogs"/"dog" and "running"/"run" meet.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 0)
            {
                var token = word.ToString();
                word.Clear();
                if (!StopWords.Contains(token))
                {
                    yield return Stem(token);
                }
            }
        }
    }

    private static string Stem(string word)
    {
        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            word = word[..^3];
            // "running" → "runn" → "run"
            return word.Length > 2 && word[^1] == word[^2] ? word[..^1] : word;
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        return word;
    }

    private static string StripPrefix(string text)
    {
        var trimmed = text.TrimStart();
        foreach (var prefix in TaskPrefixes)
        {
            if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return trimmed[prefix.Length..];
            }
        }

        return text;
    }

    private static void Add(float[] vector, string feature, float weight)
    {
        var hash = Fnv1a(feature);
        var index = (int)(hash % (uint)vector.Length);
        // A second, independent bit chooses the sign so collisions cancel out on average.
        var sign = (Fnv1a("s:" + feature) & 1) == 0 ? 1f : -1f;
        vector[index] += sign * weight;
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }
}
