namespace ImageTagger.Processing.Crawling;

/// <summary>An image found on a page: the URL to fetch and what the page says about it.</summary>
public sealed record FoundImage(Uri Url, string? AltText, string? Title);

/// <summary>A link to follow (or not: <c>rel=nofollow</c>).</summary>
public sealed record FoundLink(Uri Url, bool NoFollow);

/// <summary>What the crawler needs from a page.</summary>
public sealed record ParsedPage(string? Title, Uri BaseUrl, bool NoFollow, bool NoIndex, IReadOnlyList<FoundLink> Links, IReadOnlyList<FoundImage> Images);

/// <summary>
/// Finds links and images in a page on top of <see cref="HtmlTokenizer"/>: <c>&lt;img src/srcset&gt;</c> (and the
/// common lazy-loading <c>data-src</c>/<c>data-srcset</c>), <c>&lt;picture&gt;&lt;source srcset&gt;</c>, <c>og:image</c>,
/// links to image files, <c>&lt;a&gt;</c>/<c>&lt;area&gt;</c>/frames as links, <c>&lt;base href&gt;</c>, the title, and
/// robots meta tags. From a srcset (or a picture) only the largest candidate is taken: one image, best quality.
/// </summary>
public static class HtmlPageParser
{
    private static readonly string[] s_ogImageProperties = ["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"];

    public static ParsedPage Parse(string html, Uri pageUrl, string robotsAgent = "imagetaggerbot")
    {
        var tokens = HtmlTokenizer.Tokenize(html).ToList();
        var baseUrl = pageUrl;
        string? title = null;
        var noFollow = false;
        var noIndex = false;

        // First pass: <base href> applies to every URL in the document, also those before it.
        foreach (var token in tokens)
        {
            if (token.Kind == HtmlTokenKind.StartTag && token.Name == "base" && token.Attribute("href") is { } href)
            {
                if (CrawlUrl.TryResolve(pageUrl, href, out var resolved))
                {
                    baseUrl = resolved;
                }

                break;
            }
        }

        var links = new List<FoundLink>();
        var images = new List<FoundImage>();
        var seenLinks = new HashSet<string>(StringComparer.Ordinal);
        var seenImages = new HashSet<string>(StringComparer.Ordinal);
        List<SrcsetCandidate>? pictureSources = null;
        var pictureHadImg = false;
        string? ogAlt = null;
        var ogImages = new List<Uri>();

        void AddImage(string? raw, string? alt, string? imageTitle)
        {
            if (CrawlUrl.TryResolve(baseUrl, raw, out var url) && seenImages.Add(CrawlUrl.Key(url)))
            {
                images.Add(new FoundImage(url, Clean(alt), Clean(imageTitle)));
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == HtmlTokenKind.EndTag)
            {
                if (token.Name == "picture" && pictureSources is { Count: > 0 } && !pictureHadImg)
                {
                    AddImage(SrcsetParser.Largest(pictureSources)?.Url, null, null);
                }

                if (token.Name == "picture")
                {
                    pictureSources = null;
                }

                continue;
            }

            if (token.Kind == HtmlTokenKind.Text)
            {
                continue;
            }

            switch (token.Name)
            {
                case "title" when title is null:
                    title = i + 1 < tokens.Count && tokens[i + 1].Kind == HtmlTokenKind.Text ? Clean(tokens[i + 1].Text) : null;
                    break;
                case "meta":
                    var name = (token.Attribute("name") ?? "").Trim().ToLowerInvariant();
                    var property = (token.Attribute("property") ?? name).Trim().ToLowerInvariant();
                    var content = token.Attribute("content") ?? "";
                    if (name == "robots" || string.Equals(name, robotsAgent, StringComparison.OrdinalIgnoreCase))
                    {
                        var directives = content.ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries);
                        noFollow |= directives.Contains("nofollow") || directives.Contains("none");
                        noIndex |= directives.Contains("noindex") || directives.Contains("none");
                    }
                    else if (s_ogImageProperties.Contains(property) && CrawlUrl.TryResolve(baseUrl, content, out var og))
                    {
                        ogImages.Add(og);
                    }
                    else if (property is "og:image:alt" or "twitter:image:alt")
                    {
                        ogAlt ??= content;
                    }

                    break;
                case "picture":
                    pictureSources = [];
                    pictureHadImg = false;
                    break;
                case "source" when pictureSources is not null:
                    if (IsFetchableType(token.Attribute("type")))
                    {
                        pictureSources.AddRange(SrcsetParser.Parse(token.Attribute("srcset") ?? token.Attribute("data-srcset")));
                    }

                    break;
                case "img":
                    var candidates = SrcsetParser.Parse(token.Attribute("srcset") ?? token.Attribute("data-srcset")).ToList();
                    var src = token.Attribute("src");
                    if (string.IsNullOrWhiteSpace(src) || src.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        src = token.Attribute("data-src") ?? src;
                    }

                    if (!string.IsNullOrWhiteSpace(src))
                    {
                        candidates.Add(new SrcsetCandidate(src.Trim(), null, null));
                    }

                    if (pictureSources is not null)
                    {
                        candidates.AddRange(pictureSources);
                        pictureHadImg = true;
                    }

                    AddImage(SrcsetParser.Largest(candidates)?.Url, token.Attribute("alt"), token.Attribute("title"));
                    break;
                case "a" or "area":
                    var target = token.Attribute("href");
                    if (!CrawlUrl.TryResolve(baseUrl, target, out var link))
                    {
                        break;
                    }

                    if (CrawlUrl.LooksLikeImage(link))
                    {
                        AddImage(target, null, token.Attribute("title"));
                    }
                    else if (seenLinks.Add(CrawlUrl.Key(link)))
                    {
                        var rel = (token.Attribute("rel") ?? "").ToLowerInvariant().Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);
                        links.Add(new FoundLink(link, rel.Contains("nofollow")));
                    }

                    break;
                case "iframe" or "frame":
                    if (CrawlUrl.TryResolve(baseUrl, token.Attribute("src"), out var frame) && seenLinks.Add(CrawlUrl.Key(frame)))
                    {
                        links.Add(new FoundLink(frame, false));
                    }

                    break;
            }
        }

        foreach (var og in ogImages)
        {
            if (seenImages.Add(CrawlUrl.Key(og)))
            {
                images.Add(new FoundImage(og, Clean(ogAlt), null));
            }
        }

        return new ParsedPage(title, baseUrl, noFollow, noIndex, links, images);
    }

    // AVIF and JPEG XL have no decoder here: a picture's other sources are preferred.
    private static bool IsFetchableType(string? type) =>
        string.IsNullOrWhiteSpace(type) || !(type.Contains("avif", StringComparison.OrdinalIgnoreCase) || type.Contains("jxl", StringComparison.OrdinalIgnoreCase));

    /// <summary>Collapses whitespace; empty becomes null; very long texts are cut (they are prompt hints).</summary>
    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var collapsed = string.Join(' ', text.Split((char[])[' ', '\t', '\n', '\r', '\f', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= 1000 ? collapsed : collapsed[..1000];
    }
}
