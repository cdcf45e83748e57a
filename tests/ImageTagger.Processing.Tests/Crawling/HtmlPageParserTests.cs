using ImageTagger.Processing.Crawling;

namespace ImageTagger.Processing.Tests.Crawling;

public sealed class HtmlPageParserTests
{
    private static readonly Uri s_page = new("http://example.test/dir/page.html");

    private static ParsedPage Parse(string html) =>
        HtmlPageParser.ParseAsync(html, s_page, "ImageTaggerBot", TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    private static List<string> ImageUrls(string html) => Parse(html).Images.Select(i => i.Url.AbsoluteUri).ToList();

    [Fact]
    public void Attributes_are_read_quoted_unquoted_valueless_uppercase_and_entity_decoded()
    {
        var image = Assert.Single(Parse("<IMG SRC=a.jpg alt='it&#39;s &amp; ok' data-x title=\"t\" src=\"second.jpg\">").Images);
        Assert.Equal("http://example.test/dir/a.jpg", image.Url.AbsoluteUri); // the first of duplicate attributes wins
        Assert.Equal("it's & ok", image.AltText);
        Assert.Equal("t", image.Title);
    }

    [Fact]
    public void Unquoted_attributes_and_entities_in_urls_are_decoded_as_a_browser_decodes_them()
    {
        var page = Parse("""
            <img src=photo.php?id=7&amp;size=large alt=Unquoted>
            <img src="num.jpg?x=1&#38y=2" alt="Fish &amp chips">
            <a href="list.html?a=1&copy=2">legacy name before "=" stays as written</a>
            <a href=next.html?p=2&amp;q=3 rel=nofollow>unquoted nofollow</a>
            """);
        var images = page.Images.ToDictionary(i => i.Url.AbsoluteUri);
        Assert.Equal("Unquoted", images["http://example.test/dir/photo.php?id=7&size=large"].AltText);

        // "&#38" without its semicolon is still "&" (the hand tokenizer left it, so "#38y=2" became a fragment and was cut off),
        // and "&amp" before a space is "&" in an attribute.
        Assert.Equal("Fish & chips", images["http://example.test/dir/num.jpg?x=1&y=2"].AltText);
        Assert.Equal(2, images.Count);
        Assert.Equal(["http://example.test/dir/list.html?a=1&copy=2", "http://example.test/dir/next.html?p=2&q=3"], page.Links.Select(l => l.Url.AbsoluteUri));
        Assert.Equal([false, true], page.Links.Select(l => l.NoFollow));
    }

    [Fact]
    public void Character_references_without_semicolons_in_text_are_decoded()
    {
        // Old pages write "&amp" and "&copy" without the semicolon; browsers show "&" and "©" (the hand tokenizer kept them raw).
        Assert.Equal("Tom & Jerry © 2024 Café", Parse("<title>Tom &amp Jerry &copy 2024 Caf&eacute;</title>").Title);
    }

    [Fact]
    public void Markup_inside_comments_scripts_styles_and_cdata_is_not_seen()
    {
        var html = """
            <!-- <img src="comment.jpg"> -->
            <!-- a gallery <img src="c1.jpg"> <a href="c2.html"> -- still a comment --!> <img src="after-bang.jpg">
            <script>var s = "<img src='script.jpg'>"; if (a < b) {}</script>
            <style>/* <img src="style.jpg"> */</style>
            <![CDATA[ <img src="cdata.jpg"> ]]>
            <!DOCTYPE html><?xml version="1.0"?>
            <SCRIPT type="text/template"><img src="template.jpg"></ScRiPt >
            <textarea><img src="textarea.jpg"></textarea>
            <img src="real.jpg">
            """;
        Assert.Equal(["http://example.test/dir/after-bang.jpg", "http://example.test/dir/real.jpg"], ImageUrls(html));
        Assert.Empty(Parse(html).Links);
    }

    [Fact]
    public void An_escaped_script_that_writes_a_script_does_not_end_at_the_inner_closing_tag()
    {
        // Inside "<!--" in a script, a nested "<script>" makes its "</script>" part of the script (the standard's
        // double-escaped state). The hand tokenizer ended the script there and took the rest for markup.
        var html = """
            <script><!--
              document.write("<script src='x.js'></script>");
              var lightbox = '<img src="in-script.jpg">';
            --></script>
            <img src="after.jpg">
            """;
        Assert.Equal(["http://example.test/dir/after.jpg"], ImageUrls(html));
    }

    [Fact]
    public void A_cdata_section_in_html_is_a_bogus_comment_that_ends_at_the_first_greater_than_sign()
    {
        // In HTML (not SVG/MathML) "<![CDATA[" opens a bogus comment up to the first ">", so the image after it is
        // on the page for a browser; the hand tokenizer skipped to "]]>" and missed it.
        Assert.Equal(["http://example.test/dir/shown.jpg"], ImageUrls("<![CDATA[ x > <img src=\"shown.jpg\"> ]]><svg><![CDATA[<img src=\"svg-cdata.jpg\">]]></svg>"));
    }

    [Fact]
    public void Noscript_content_is_page_content_for_a_crawler_and_template_content_is_not()
    {
        // Without scripting (a crawler runs none) <noscript> is markup: lazy-loading pages put the real <img> there.
        // A <template> is inert: a browser neither shows nor fetches what it holds.
        var page = Parse("""
            <head><noscript><link rel="stylesheet" href="x.css"></noscript></head>
            <img src="placeholder.gif" data-src="lazy.jpg" class="lazy" alt="Lazy">
            <noscript><img src="full.jpg" alt="Without script"></noscript>
            <template id="row"><img src="template.jpg"><a href="template.html">x</a></template>
            """);
        Assert.Equal(["http://example.test/dir/placeholder.gif", "http://example.test/dir/full.jpg"], page.Images.Select(i => i.Url.AbsoluteUri));
        Assert.Equal("Without script", page.Images[1].AltText);
        Assert.Empty(page.Links);
    }

    [Fact]
    public void Srcset_descriptors_pick_the_largest_candidate_and_picture_sources_come_before_the_img()
    {
        var page = Parse("""
            <img srcset="w-small.jpg 480w, w-huge.jpg 2400w, w-mid.jpg 1200w" sizes="(max-width: 600px) 480px, 800px" src="w-fallback.jpg" alt="Widths">
            <img srcset="d-1.jpg, d-3.jpg 3x, d-2.jpg 2x" alt="Densities">
            <img srcset="data:image/png;base64,iVBO,AAA= 1x, https://cdn.example.test/a,b.jpg 2x" alt="Comma in URL">
            <picture>
              <source media="(min-width: 800px)" srcset="p-wide.webp 1600w" type="image/webp">
              <source srcset="p-next.jxl 4000w" type="image/jxl">
              <img src="p.jpg" srcset="p-800.jpg 800w" alt="Picture">
              <source srcset="p-after-img.jpg 9000w">
            </picture>
            <video><source src="clip.mp4"></video>
            """);
        Assert.Equal(
            ["http://example.test/dir/w-huge.jpg", "http://example.test/dir/d-3.jpg", "https://cdn.example.test/a,b.jpg", "http://example.test/dir/p-wide.webp"],
            page.Images.Select(i => i.Url.AbsoluteUri));
        Assert.Equal(["Widths", "Densities", "Comma in URL", "Picture"], page.Images.Select(i => i.AltText));
    }

    [Fact]
    public void Messy_html_does_not_throw_and_keeps_what_a_browser_keeps()
    {
        var html = "<p>1 < 2 and 3 > 2</p><img src=one.jpg/><img\nsrc\n=\n\"two.jpg\"\n><img src=\"three.jpg\" alt=\"unclosed><img src=\"lost.jpg\">";
        Assert.Equal(["http://example.test/dir/one.jpg/", "http://example.test/dir/two.jpg", "http://example.test/dir/three.jpg"], ImageUrls(html));
        foreach (var garbage in new[] { "", "<", "<a", "<a href=", "<a href='x", "<!--", "</", "<img src=\"x.jpg", "<<<>>>", "<script>", "<title>never closed", "\0<img src=\0a.jpg>" })
        {
            _ = Parse(garbage);
        }

        Assert.Equal("never closed", Parse("<title>never closed").Title);
        Assert.Empty(ImageUrls("<img src=\"x.jpg")); // a tag cut off at the end of the document is dropped
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
            <base href="/ignored/">
            </body></html>
            """;
        var page = Parse(html);
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
    public void A_base_href_after_the_first_urls_still_applies_to_them_and_frames_are_links()
    {
        var page = Parse("<img src=early.jpg><base href=\"http://other.test/root/\"><iframe src=\"frame.html\"></iframe><area href=\"map.html\">");
        Assert.Equal("http://other.test/root/early.jpg", Assert.Single(page.Images).Url.AbsoluteUri);
        Assert.Equal(["http://other.test/root/frame.html", "http://other.test/root/map.html"], page.Links.Select(l => l.Url.AbsoluteUri));
    }

    [Fact]
    public void Hostile_markup_is_parsed_without_work_growing_with_the_square_of_its_size()
    {
        // 200,000 attributes on one tag (only the ones read are kept: checking each new attribute against all the
        // others would be 2·10¹⁰ comparisons), 20,000 links, 10,000 comment openers. Linear work takes well under a
        // second here; the bound only guards against a hang, so a busy machine does not fail the test.
        var manyAttributes = "<img " + string.Concat(Enumerable.Range(0, 200_000).Select(i => $"a{i}=x ")) + "src=last.jpg alt=ok>";
        var manyLinks = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"<p><a href='p{i % 100}.html'>link</a> and <b>bold</b></p>"));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var page = Parse(manyAttributes + manyLinks + string.Concat(Enumerable.Repeat("<!--", 10_000)) + "<img src=hidden.jpg>");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
        Assert.Equal("http://example.test/dir/last.jpg", Assert.Single(page.Images).Url.AbsoluteUri);
        Assert.Equal("ok", page.Images[0].AltText);
        Assert.Equal(100, page.Links.Count); // de-duplicated by URL
    }

    [Fact]
    public async Task Markup_nested_very_deep_is_stopped_by_the_deadline()
    {
        // The tree builder's cost grows with the square of the nesting depth (200,000 open elements would take
        // hours): the caller's deadline stops the parse between tokens.
        var html = string.Concat(Enumerable.Repeat("<div><a href=x.html>", 200_000));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HtmlPageParser.ParseAsync(html, s_page, "ImageTaggerBot", deadline.Token));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("<meta name=\"robots\" content=\"noindex, nofollow\">", true)]
    [InlineData("<META NAME=ROBOTS CONTENT=NONE>", true)]
    [InlineData("<meta name=\"ImageTaggerBot\" content=\"nofollow\">", true)]
    [InlineData("<meta name=\"googlebot\" content=\"nofollow\">", false)]
    [InlineData("<meta name=\"robots\" content=\"index, follow\">", false)]
    [InlineData("<!-- <meta name=\"robots\" content=\"nofollow\"> -->", false)]
    public void Robots_meta_nofollow_is_recognised(string meta, bool noFollow) =>
        Assert.Equal(noFollow, Parse($"<head>{meta}</head><a href=x.html>x</a>").NoFollow);

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
