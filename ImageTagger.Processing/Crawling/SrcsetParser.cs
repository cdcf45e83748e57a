using System.Globalization;

namespace ImageTagger.Processing.Crawling;

/// <summary>One <c>srcset</c> candidate: a URL with an optional width (<c>800w</c>) or density (<c>2x</c>) descriptor.</summary>
public sealed record SrcsetCandidate(string Url, int? Width, double? Density);

/// <summary>
/// Parses <c>srcset</c> after the HTML standard's algorithm: URLs may contain commas (only a trailing comma
/// ends a URL), descriptors may contain parentheses, and a candidate with invalid descriptors is dropped.
/// </summary>
public static class SrcsetParser
{
    public static IReadOnlyList<SrcsetCandidate> Parse(string? srcset)
    {
        var candidates = new List<SrcsetCandidate>();
        if (string.IsNullOrWhiteSpace(srcset))
        {
            return candidates;
        }

        var s = srcset;
        var pos = 0;
        while (true)
        {
            while (pos < s.Length && (IsSpace(s[pos]) || s[pos] == ','))
            {
                pos++;
            }

            if (pos >= s.Length)
            {
                return candidates;
            }

            var urlStart = pos;
            while (pos < s.Length && !IsSpace(s[pos]))
            {
                pos++;
            }

            var url = s[urlStart..pos];
            var descriptors = new List<string>();
            if (url.EndsWith(','))
            {
                url = url.TrimEnd(',');
            }
            else
            {
                // Descriptors run to the next comma outside parentheses.
                var current = new System.Text.StringBuilder();
                var inParens = false;
                for (; pos < s.Length; pos++)
                {
                    var c = s[pos];
                    if (inParens)
                    {
                        current.Append(c);
                        inParens = c != ')';
                    }
                    else if (c == ',')
                    {
                        pos++;
                        break;
                    }
                    else if (IsSpace(c))
                    {
                        Flush(current, descriptors);
                    }
                    else
                    {
                        current.Append(c);
                        inParens = c == '(';
                    }
                }

                Flush(current, descriptors);
            }

            if (url.Length > 0 && TryParseDescriptors(descriptors, out var width, out var density))
            {
                candidates.Add(new SrcsetCandidate(url, width, density));
            }
        }
    }

    /// <summary>The candidate with the most pixels: the largest width, else the highest density, else the first.</summary>
    public static SrcsetCandidate? Largest(IEnumerable<SrcsetCandidate> candidates)
    {
        SrcsetCandidate? best = null;
        foreach (var candidate in candidates)
        {
            if (best is null || Rank(candidate) > Rank(best))
            {
                best = candidate;
            }
        }

        return best;
    }

    // Widths beat densities (a width is a real pixel count); 1x is what a candidate without descriptors means.
    private static double Rank(SrcsetCandidate c) => c.Width is { } w ? 1_000_000 + w : c.Density ?? 1;

    private static bool TryParseDescriptors(List<string> descriptors, out int? width, out double? density)
    {
        width = null;
        density = null;
        int? height = null;
        foreach (var d in descriptors)
        {
            if (d.Length < 2)
            {
                return false;
            }

            var number = d[..^1];
            switch (d[^1])
            {
                case 'w' when width is null && density is null && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0:
                    width = w;
                    break;
                case 'x' when width is null && density is null && height is null
                    && double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var x) && x >= 0:
                    density = x;
                    break;
                case 'h' when height is null && density is null && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0:
                    height = h;
                    break;
                default:
                    return false;
            }
        }

        return height is null || width is not null;
    }

    private static void Flush(System.Text.StringBuilder current, List<string> descriptors)
    {
        if (current.Length > 0)
        {
            descriptors.Add(current.ToString());
            current.Clear();
        }
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';
}
