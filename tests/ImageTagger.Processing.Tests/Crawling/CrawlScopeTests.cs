using ImageTagger.Processing.Crawling;

namespace ImageTagger.Processing.Tests.Crawling;

public sealed class CrawlScopeTests
{
    [Fact]
    public void Host_rule_include_and_exclude_patterns_apply_as_documented()
    {
        var scope = new CrawlScope(new Uri("http://site.test/start"), sameHostOnly: true, ["/gallery/"], ["*.pdf", "/private/*"]);
        Assert.Null(scope.RejectPage(new Uri("http://site.test/start")));
        Assert.Null(scope.RejectPage(new Uri("http://SITE.test/gallery/2024")));
        Assert.Equal("not matched by an include pattern", scope.RejectPage(new Uri("http://site.test/blog/")));
        Assert.Equal("excluded by pattern", scope.RejectPage(new Uri("http://site.test/gallery/a.PDF")));
        Assert.StartsWith("other host", scope.RejectPage(new Uri("http://other.test/gallery/")));
        Assert.Null(scope.RejectImage(new Uri("http://site.test/img/a.jpg"))); // include patterns are for pages
        Assert.Equal("excluded by pattern", scope.RejectImage(new Uri("http://site.test/private/a.jpg")));
        Assert.Null(new CrawlScope(new Uri("http://site.test/"), false, [], []).RejectImage(new Uri("http://cdn.test/a.jpg")));
    }

    [Theory]
    [InlineData("https://a.test/x#frag", "https://a.test/x")]
    [InlineData("HTTP://A.TEST:80/x?q=1", "http://a.test/x?q=1")]
    [InlineData("  /rel/../path\n ", "http://base.test/path")]
    [InlineData("//proto.test/p", "http://proto.test/p")]
    public void Urls_resolve_and_normalise(string raw, string expected)
    {
        Assert.True(CrawlUrl.TryResolve(new Uri("http://base.test/dir/page"), raw, out var url));
        Assert.Equal(expected, CrawlUrl.Key(url));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:a@b.c")]
    [InlineData("ftp://a.test/x")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("http://user:pw@a.test/")]
    [InlineData("#only-a-fragment")]
    [InlineData("")]
    public void Other_schemes_credentials_and_fragments_are_not_crawled(string raw) =>
        Assert.False(CrawlUrl.TryResolve(new Uri("http://base.test/"), raw, out _));
}
