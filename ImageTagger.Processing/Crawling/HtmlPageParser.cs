using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace ImageTagger.Processing.Crawling;

/// <summary>An image found on a page: the URL to fetch and what the page says about it.</summary>
public sealed record FoundImage(Uri Url, string? AltText, string? Title);

/// <summary>A link to follow (or not: <c>rel=nofollow</c>).</summary>
public sealed record FoundLink(Uri Url, bool NoFollow);

/// <summary>What the crawler needs from a page.</summary>
public sealed record ParsedPage(string? Title, Uri BaseUrl, bool NoFollow, bool NoIndex, IReadOnlyList<FoundLink> Links, IReadOnlyList<FoundImage> Images);

/// <summary>
/// Finds links and images in a page parsed by AngleSharp (the HTML standard's tokenizer and tree builder, so the
/// page is read as a browser reads it): <c>&lt;img src/srcset&gt;</c> (and the common lazy-loading
/// <c>data-src</c>/<c>data-srcset</c>), <c>&lt;picture&gt;&lt;source srcset&gt;</c>, <c>og:image</c>, links to image
/// files, <c>&lt;a&gt;</c>/<c>&lt;area&gt;</c>/frames as links, <c>&lt;base href&gt;</c>, the title, and robots meta
/// tags. From a srcset (or a picture) only the largest candidate is taken: one image, best quality.
/// Parsed without scripting, as a crawler sees a page: <c>&lt;noscript&gt;</c> content is markup, and the inert
/// content of <c>&lt;template&gt;</c> is not part of the page.
/// </summary>
public static class HtmlPageParser
{
    private static readonly string[] s_ogImageProperties = ["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"];

    // Only the attributes read below are kept: a tag with thousands of attributes costs no more than one with ten
    // (AngleSharp checks each new attribute against the tag's others). "type" also steers the tree builder.
    private static readonly HashSet<string> s_keptAttributes = new(StringComparer.Ordinal)
    {
        "src", "srcset", "data-src", "data-srcset", "alt", "title", "href", "rel", "name", "property", "content", "type",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_keptLookup = s_keptAttributes.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HtmlParserOptions s_options = new()
    {
        IsScripting = false,
        SkipComments = true,
        DisableElementPositionTracking = true,
        ShouldEmitAttribute = static (ref _, name) => s_keptLookup.Contains(name.Span),
    };

    /// <summary>Parses <paramref name="html"/> (already cut to the page size limit); <paramref name="cancellationToken"/> stops the parse between tokens.</summary>
    public static async Task<ParsedPage> ParseAsync(string html, Uri pageUrl, string robotsAgent, CancellationToken cancellationToken)
    {
        var parser = new HtmlParser(s_options);
        using var document = await parser.ParseDocumentAsync(html, cancellationToken);
        return Extract(document, pageUrl, robotsAgent, cancellationToken);
    }

    private static ParsedPage Extract(IHtmlDocument document, Uri pageUrl, string robotsAgent, CancellationToken cancellationToken)
    {
        // The first <base href> in tree order applies to every URL in the document, also those before it.
        var baseUrl = pageUrl;
        if (document.QuerySelector("base[href]") is { } @base && CrawlUrl.TryResolve(pageUrl, @base.GetAttribute("href"), out var resolvedBase))
        {
            baseUrl = resolvedBase;
        }

        var noFollow = false;
        var noIndex = false;
        var links = new List<FoundLink>();
        var images = new List<FoundImage>();
        var seenLinks = new HashSet<string>(StringComparer.Ordinal);
        var seenImages = new HashSet<string>(StringComparer.Ordinal);
        string? ogAlt = null;
        var ogImages = new List<Uri>();

        void AddImage(string? raw, string? alt, string? imageTitle)
        {
            if (CrawlUrl.TryResolve(baseUrl, raw, out var url) && seenImages.Add(CrawlUrl.Key(url)))
            {
                images.Add(new FoundImage(url, Clean(alt), Clean(imageTitle)));
            }
        }

        void AddLink(Uri url, bool linkNoFollow)
        {
            if (seenLinks.Add(CrawlUrl.Key(url)))
            {
                links.Add(new FoundLink(url, linkNoFollow));
            }
        }

        // Tree order (AngleSharp walks with its own stack: deep nesting is no danger); template contents are not children.
        var visited = 0;
        foreach (var node in document.GetDescendants())
        {
            if (node is not IElement element || element.NamespaceUri != NamespaceNames.HtmlUri)
            {
                continue;
            }

            if (++visited % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            switch (element.LocalName)
            {
                case "meta":
                    var name = (element.GetAttribute("name") ?? "").Trim().ToLowerInvariant();
                    var property = (element.GetAttribute("property") ?? name).Trim().ToLowerInvariant();
                    var content = element.GetAttribute("content") ?? "";
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
                case "picture" when !element.Children.Any(c => c.LocalName == "img"):
                    // A picture without its img still names its image: the largest of its sources.
                    AddImage(SrcsetParser.Largest(PictureSources(element, null))?.Url, null, null);
                    break;
                case "img":
                    var candidates = SrcsetParser.Parse(element.GetAttribute("srcset") ?? element.GetAttribute("data-srcset")).ToList();
                    var src = element.GetAttribute("src");
                    if (string.IsNullOrWhiteSpace(src) || src.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        src = element.GetAttribute("data-src") ?? src;
                    }

                    if (!string.IsNullOrWhiteSpace(src))
                    {
                        candidates.Add(new SrcsetCandidate(src.Trim(), null, null));
                    }

                    if (element.ParentElement is { LocalName: "picture" } picture)
                    {
                        candidates.AddRange(PictureSources(picture, element));
                    }

                    AddImage(SrcsetParser.Largest(candidates)?.Url, element.GetAttribute("alt"), element.GetAttribute("title"));
                    break;
                case "a" or "area":
                    var target = element.GetAttribute("href");
                    if (!CrawlUrl.TryResolve(baseUrl, target, out var link))
                    {
                        break;
                    }

                    if (CrawlUrl.LooksLikeImage(link))
                    {
                        AddImage(target, null, element.GetAttribute("title"));
                    }
                    else
                    {
                        var rel = (element.GetAttribute("rel") ?? "").ToLowerInvariant().Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);
                        AddLink(link, rel.Contains("nofollow"));
                    }

                    break;
                case "iframe" or "frame":
                    if (CrawlUrl.TryResolve(baseUrl, element.GetAttribute("src"), out var frame))
                    {
                        AddLink(frame, false);
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

        return new ParsedPage(Clean(document.Title), baseUrl, noFollow, noIndex, links, images);
    }

    /// <summary>The candidates of a picture's <c>&lt;source&gt;</c> children before its img (as the standard selects them), fetchable types only.</summary>
    private static IEnumerable<SrcsetCandidate> PictureSources(IElement picture, IElement? img)
    {
        foreach (var child in picture.Children)
        {
            if (child == img)
            {
                yield break;
            }

            if (child.LocalName == "source" && IsFetchableType(child.GetAttribute("type")))
            {
                foreach (var candidate in SrcsetParser.Parse(child.GetAttribute("srcset") ?? child.GetAttribute("data-srcset")))
                {
                    yield return candidate;
                }
            }
        }
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
