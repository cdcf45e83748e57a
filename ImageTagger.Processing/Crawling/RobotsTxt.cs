using System.Globalization;
using System.Text;

namespace ImageTagger.Processing.Crawling;

/// <summary>
/// robots.txt after RFC 9309: groups of <c>User-agent</c> lines with <c>Allow</c>/<c>Disallow</c> rules; the group
/// naming our product token wins (several such groups merge), else the <c>*</c> group; the longest matching
/// rule decides and <c>Allow</c> wins a tie; <c>*</c> and a final <c>$</c> are wildcards. <c>Crawl-delay</c> is read too.
/// </summary>
public sealed class RobotsTxt
{
    private readonly List<Group> _groups;

    private RobotsTxt(List<Group> groups) => _groups = groups;

    /// <summary>No robots.txt (404 and other client errors): everything is allowed.</summary>
    public static RobotsTxt AllowAll { get; } = new([]);

    /// <summary>robots.txt unreachable (server errors): assume everything is disallowed, as RFC 9309 asks.</summary>
    public static RobotsTxt DisallowAll { get; } = new([new Group(["*"], [new Rule(false, "/")], null)]);

    public static RobotsTxt Parse(string content)
    {
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "useragent":
                    if (current is null || !lastWasAgent)
                    {
                        current = new Group([], [], null);
                        groups.Add(current);
                    }

                    current.Agents.Add(ProductToken(value));
                    lastWasAgent = true;
                    continue;
                case "allow" or "disallow" when current is not null:
                    if (value.Length > 0)
                    {
                        current.Rules.Add(new Rule(key == "allow", NormalizePath(value)));
                    }

                    break;
                case "crawldelay" when current is not null:
                    if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                    {
                        current.CrawlDelay = TimeSpan.FromSeconds(Math.Min(seconds, 3600));
                    }

                    break;
            }

            lastWasAgent = false;
        }

        return new RobotsTxt(groups);
    }

    /// <summary>The rules that apply to <paramref name="agent"/>: its own groups merged, else the <c>*</c> groups.</summary>
    public RobotsRules For(string agent)
    {
        var token = ProductToken(agent);
        var own = _groups.Where(g => g.Agents.Contains(token)).ToList();
        if (own.Count == 0)
        {
            own = _groups.Where(g => g.Agents.Contains("*")).ToList();
        }

        return new RobotsRules(own.SelectMany(g => g.Rules).ToList(), own.Select(g => g.CrawlDelay).Where(d => d is not null).Max());
    }

    /// <summary>"ImageTaggerBot/1.0 (+...)" → "imagetaggerbot".</summary>
    private static string ProductToken(string agent)
    {
        var end = 0;
        while (end < agent.Length && (char.IsAsciiLetterOrDigit(agent[end]) || agent[end] is '-' or '_' or '*'))
        {
            end++;
        }

        return agent[..end].ToLowerInvariant();
    }

    /// <summary>Percent-encodes what is not already encoded and upper-cases escapes, so rules and paths compare alike.</summary>
    internal static string NormalizePath(string path)
    {
        var builder = new StringBuilder(path.Length);
        var bytes = Encoding.UTF8.GetBytes(path);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '%' && i + 2 < bytes.Length && Uri.IsHexDigit((char)bytes[i + 1]) && Uri.IsHexDigit((char)bytes[i + 2]))
            {
                var value = Convert.ToByte(Encoding.ASCII.GetString(bytes, i + 1, 2), 16);

                // Unreserved characters are the same encoded or not: decode them; keep everything else encoded.
                if (char.IsAsciiLetterOrDigit((char)value) || value is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    builder.Append((char)value);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant((char)bytes[i + 1])).Append(char.ToUpperInvariant((char)bytes[i + 2]));
                }

                i += 2;
            }
            else if (b > 0x20 && b < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private sealed record Group(List<string> Agents, List<Rule> Rules, TimeSpan? CrawlDelay)
    {
        public TimeSpan? CrawlDelay { get; set; } = CrawlDelay;
    }

    internal sealed record Rule(bool Allow, string Pattern);
}

/// <summary>The rules of one group, ready to answer "may I fetch this path?".</summary>
public sealed class RobotsRules
{
    private readonly IReadOnlyList<RobotsTxt.Rule> _rules;

    internal RobotsRules(IReadOnlyList<RobotsTxt.Rule> rules, TimeSpan? crawlDelay)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
    }

    public TimeSpan? CrawlDelay { get; }

    public RobotsRules WithCrawlDelay(TimeSpan? crawlDelay) => new(_rules, crawlDelay);

    public bool IsAllowed(Uri url)
    {
        var path = url.PathAndQuery;
        if (path == "/robots.txt")
        {
            return true;
        }

        return IsAllowed(path);
    }

    public bool IsAllowed(string pathAndQuery)
    {
        var path = RobotsTxt.NormalizePath(pathAndQuery.Length == 0 ? "/" : pathAndQuery);
        var bestLength = -1;
        var allowed = true;
        foreach (var rule in _rules)
        {
            if (rule.Pattern.Length < bestLength || !Matches(rule.Pattern, path))
            {
                continue;
            }

            if (rule.Pattern.Length > bestLength || rule.Allow)
            {
                allowed = rule.Allow || (rule.Pattern.Length == bestLength && allowed);
                bestLength = rule.Pattern.Length;
            }
        }

        return allowed;
    }

    /// <summary>Prefix match with <c>*</c> (any run) and a final <c>$</c> (end of path); linear, no backtracking blow-up.</summary>
    internal static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        if (anchored)
        {
            pattern = pattern[..^1];
        }

        var parts = pattern.Split('*');
        var pos = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == 0)
            {
                if (!path.StartsWith(part, StringComparison.Ordinal))
                {
                    return false;
                }

                pos = part.Length;
                continue;
            }

            if (i == parts.Length - 1 && anchored)
            {
                // The last part must sit at the very end (and after what matched so far).
                return path.Length - part.Length >= pos && path.EndsWith(part, StringComparison.Ordinal);
            }

            var found = path.IndexOf(part, pos, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            pos = found + part.Length;
        }

        return !anchored || pos == path.Length;
    }
}
