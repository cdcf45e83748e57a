namespace ImageTagger.GraphQL.Validation;

/// <summary>"Did you mean" helpers with the same ranking as graphql-js (Damerau-Levenshtein, 40% threshold).</summary>
internal static class Suggestions
{
    public static IReadOnlyList<string> SuggestionList(string input, IEnumerable<string> options)
    {
        var threshold = (int)Math.Floor(input.Length * 0.4) + 1;
        var inputLower = input.ToLowerInvariant();
        var found = new List<(string Option, int Distance)>();
        foreach (var option in options)
        {
            int? d = option == input ? 0 : string.Equals(option, input, StringComparison.OrdinalIgnoreCase) ? 1 : Distance(option.ToLowerInvariant(), inputLower, threshold);
            if (d is not null) found.Add((option, d.Value));
        }
        return found.OrderBy(f => f.Distance).ThenBy(f => f.Option, StringComparer.Ordinal).Select(f => f.Option).ToList();
    }

    private static int? Distance(string a, string b, int threshold)
    {
        if (a.Length < b.Length) (a, b) = (b, a);
        if (a.Length - b.Length > threshold) return null;
        var rows = new int[3][];
        for (var i = 0; i < 3; i++) rows[i] = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) rows[0][j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var up = rows[(i - 1) % 3];
            var current = rows[i % 3];
            var smallest = current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(up[j] + 1, current[j - 1] + 1), up[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, rows[(i - 2) % 3][j - 2] + 1);
                }
                if (value < smallest) smallest = value;
                current[j] = value;
            }
            if (smallest > threshold) return null;
        }
        var distance = rows[a.Length % 3][b.Length];
        return distance <= threshold ? distance : null;
    }

    public static string DidYouMean(IReadOnlyList<string> suggestions, string? subMessage = null)
    {
        if (suggestions.Count == 0) return "";
        var message = subMessage is null ? " Did you mean " : $" Did you mean {subMessage} ";
        var selected = suggestions.Take(5).Select(s => $"\"{s}\"").ToList();
        return selected.Count switch
        {
            1 => message + selected[0] + "?",
            2 => message + selected[0] + " or " + selected[1] + "?",
            _ => message + string.Join(", ", selected.Take(selected.Count - 1)) + ", or " + selected[^1] + "?",
        };
    }
}
