using System.Text.RegularExpressions;
using ImageTagger.Catalog.Crawling;

namespace ImageTagger.Processing.Crawling;

/// <summary>
/// Which URLs belong to a crawl: the host rule (same host as the start URL, when asked), include patterns
/// (pages only: images often live elsewhere on the site) and exclude patterns (pages and images).
/// A pattern matches when it occurs anywhere in the URL, <c>*</c> standing for any run of characters.
/// </summary>
public sealed class CrawlScope
{
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromMilliseconds(200);

    private readonly Uri _start;
    private readonly bool _sameHostOnly;
    private readonly IReadOnlyList<Regex> _include;
    private readonly IReadOnlyList<Regex> _exclude;

    public CrawlScope(Uri start, bool sameHostOnly, IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _start = start;
        _sameHostOnly = sameHostOnly;
        _include = include.Where(p => !string.IsNullOrWhiteSpace(p)).Select(Compile).ToList();
        _exclude = exclude.Where(p => !string.IsNullOrWhiteSpace(p)).Select(Compile).ToList();
    }

    public static CrawlScope For(CrawlJob crawl) =>
        new(new Uri(crawl.StartUrl), crawl.SameHostOnly, crawl.IncludePatterns, crawl.ExcludePatterns);

    /// <summary>Null when a page may be visited, else why not.</summary>
    public string? RejectPage(Uri url)
    {
        if (HostReason(url) is { } host)
        {
            return host;
        }

        if (_exclude.Any(r => IsMatch(r, url)))
        {
            return "excluded by pattern";
        }

        // The start page is always visited: include patterns describe where to go from it.
        if (_include.Count > 0 && url != _start && !_include.Any(r => IsMatch(r, url)))
        {
            return "not matched by an include pattern";
        }

        return null;
    }

    /// <summary>Null when an image may be downloaded, else why not.</summary>
    public string? RejectImage(Uri url) =>
        HostReason(url) ?? (_exclude.Any(r => IsMatch(r, url)) ? "excluded by pattern" : null);

    /// <summary>The host rule alone: what every redirect hop must pass.</summary>
    public string? HostReason(Uri url) =>
        _sameHostOnly && !CrawlUrl.SameHost(url, _start) ? $"other host ({url.Host})" : null;

    /// <summary>Checks a pattern compiles to something usable (for input validation).</summary>
    public static bool IsValidPattern(string pattern) => pattern.Length is > 0 and <= 500;

    private static Regex Compile(string glob) =>
        new(string.Join(".*", glob.Trim().Split('*').Select(Regex.Escape)), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, s_matchTimeout);

    private static bool IsMatch(Regex regex, Uri url)
    {
        try
        {
            return regex.IsMatch(url.AbsoluteUri);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
