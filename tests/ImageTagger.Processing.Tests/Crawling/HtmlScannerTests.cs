using ImageTagger.Processing.Crawling;

namespace ImageTagger.Processing.Tests.Crawling;

public sealed class HtmlScannerTests
{
    private static readonly Uri s_page = new("http://example.test/dir/page.html");

    private static List<string> ImageUrls(string html) => HtmlPageParser.Parse(html, s_page).Images.Select(i => i.Url.AbsoluteUri).ToList();

    [Fact]
    public void Attributes_are_read_quoted_unquoted_valueless_uppercase_and_entity_decoded()
    {
        var tag = Assert.Single(HtmlTokenizer.Tokenize("<IMG SRC=a.jpg alt='it&#39;s &amp; ok' data-x title=\"t\" src=\"second.jpg\">"), t => t.Kind == HtmlTokenKind.StartTag);
        Assert.Equal("img", tag.Name);
        Assert.Equal("a.jpg", tag.Attribute("src")); // the first of duplicate attributes wins
        Assert.Equal("it's & ok", tag.Attribute("alt"));
        Assert.Equal("", tag.Attribute("data-x"));
        Assert.Equal("t", tag.Attribute("title"));
    }

    [Fact]
    public void Markup_inside_comments_scripts_styles_and_cdata_is_not_seen()
    {
        var html = """
            <!-- <img src="comment.jpg"> -->
            <script>var s = "<img src='script.jpg'>"; if (a < b) {}</script>
            <style>/* <img src="style.jpg"> */</style>
            <![CDATA[ <img src="cdata.jpg"> ]]>
            <!DOCTYPE html><?xml version="1.0"?>
            <SCRIPT type="text/template"><img src="template.jpg"></ScRiPt >
            <img src="real.jpg">
            """;
        Assert.Equal(["http://example.test/dir/real.jpg"], ImageUrls(html));
    }

    [Fact]
    public void Messy_html_does_not_throw_and_keeps_what_a_browser_keeps()
    {
        var html = "<p>1 < 2 and 3 > 2</p><img src=one.jpg/><img\nsrc\n=\n\"two.jpg\"\n><img src=\"three.jpg\" alt=\"unclosed><img src=\"lost.jpg\">";
        Assert.Equal(["http://example.test/dir/one.jpg/", "http://example.test/dir/two.jpg"], ImageUrls(html).Take(2));
        Assert.DoesNotContain("http://example.test/dir/lost.jpg", ImageUrls(html));
        foreach (var garbage in new[] { "<", "<a", "<a href=", "<a href='x", "<!--", "</", "<img src=\"x.jpg", "<<<>>>", "<script>", "<title>never closed" })
        {
            _ = HtmlPageParser.Parse(garbage, s_page);
        }
    }

    [Fact]
    public void Base_href_srcset_picture_og_image_and_linked_images_are_found_with_alt_text()
    {
        var html = """
            <html><head><title> My  Gallery </title>
            <base href="/assets/">
            <meta property="og:image" content="https://cdn.example.test/og.jpg"><meta property="og:image:alt" content="Open graph">
            </head><body>
            <img src="small.jpg" srcset="small.jpg 320w, large.jpg 1280w, medium.jpg 640w" alt="A  red
              barn" title="Barn">
            <picture><source type="image/avif" srcset="pic.avif 2000w"><source srcset="pic-1x.webp 1x, pic-2x.webp 2x"><img src="pic.jpg" alt="Picture"></picture>
            <a href="photos/full.JPG" title="Full size">full</a>
            <a href="next.html">next</a><a href="ads.html" rel="external NoFollow">ad</a>
            <a href="javascript:alert(1)">js</a><a href="mailto:x@y.z">mail</a><a href="#top">top</a>
            <img src="data:image/gif;base64,R0lGOD" data-src="lazy.jpg" alt="Lazy">
            </body></html>
            """;
        var page = HtmlPageParser.Parse(html, s_page);
        Assert.Equal("My Gallery", page.Title);
        Assert.Equal("http://example.test/assets/", page.BaseUrl.AbsoluteUri);
        var images = page.Images.ToDictionary(i => i.Url.AbsoluteUri);
        Assert.Equal("A red barn", images["http://example.test/assets/large.jpg"].AltText);
        Assert.Equal("Barn", images["http://example.test/assets/large.jpg"].Title);
        Assert.DoesNotContain("http://example.test/assets/small.jpg", images.Keys);
        Assert.Equal("Picture", images["http://example.test/assets/pic-2x.webp"].AltText);
        Assert.DoesNotContain(images.Keys, k => k.EndsWith(".avif", StringComparison.Ordinal));
        Assert.Equal("Full size", images["http://example.test/assets/photos/full.JPG"].Title);
        Assert.Equal("Open graph", images["https://cdn.example.test/og.jpg"].AltText);
        Assert.Equal("Lazy", images["http://example.test/assets/lazy.jpg"].AltText);
        Assert.Equal(5, images.Count);
        Assert.Equal(2, page.Links.Count);
        Assert.False(page.Links.Single(l => l.Url.AbsolutePath == "/assets/next.html").NoFollow);
        Assert.True(page.Links.Single(l => l.Url.AbsolutePath == "/assets/ads.html").NoFollow);
        Assert.False(page.NoFollow);
    }

    [Fact]
    public void Hostile_markup_is_scanned_in_linear_time()
    {
        var manyAttributes = "<img " + string.Concat(Enumerable.Range(0, 50_000).Select(i => $"a{i}=x ")) + "src=last.jpg alt=ok>";
        var manyLinks = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"<div><a href='p{i % 100}.html'>"));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var page = HtmlPageParser.Parse(manyAttributes + manyLinks + string.Concat(Enumerable.Repeat("<!--", 10_000)) + "<img src=hidden.jpg>", s_page);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal("http://example.test/dir/last.jpg", Assert.Single(page.Images).Url.AbsoluteUri);
        Assert.Equal(100, page.Links.Count); // de-duplicated by URL
    }

    [Theory]
    [InlineData("<meta name=\"robots\" content=\"noindex, nofollow\">", true)]
    [InlineData("<META NAME=ROBOTS CONTENT=NONE>", true)]
    [InlineData("<meta name=\"ImageTaggerBot\" content=\"nofollow\">", true)]
    [InlineData("<meta name=\"googlebot\" content=\"nofollow\">", false)]
    [InlineData("<meta name=\"robots\" content=\"index, follow\">", false)]
    public void Robots_meta_nofollow_is_recognised(string meta, bool noFollow) =>
        Assert.Equal(noFollow, HtmlPageParser.Parse($"<head>{meta}</head><a href=x.html>x</a>", s_page).NoFollow);

    [Fact]
    public void Srcset_follows_the_standard_algorithm()
    {
        var candidates = SrcsetParser.Parse(" a.jpg 1x,b.jpg 2x , data:image/png;base64,iVBO,AAA= 3x, c,d.jpg 640w, bad.jpg 12q, e.jpg (x, y) 1x, f.jpg,");
        Assert.Equal(["a.jpg", "b.jpg", "data:image/png;base64,iVBO,AAA=", "c,d.jpg", "f.jpg"], candidates.Select(c => c.Url).Take(4).Append(candidates[^1].Url));
        Assert.Equal(2, candidates[1].Density);
        Assert.Equal(640, candidates[3].Width);
        Assert.DoesNotContain(candidates, c => c.Url == "bad.jpg");
        Assert.Equal("c,d.jpg", SrcsetParser.Largest(candidates)!.Url);
        Assert.Empty(SrcsetParser.Parse("  ,, "));
        Assert.Equal("only.jpg", Assert.Single(SrcsetParser.Parse("only.jpg")).Url);
    }
}
