using ImageTagger.Processing.Crawling;

namespace ImageTagger.Processing.Tests.Crawling;

public sealed class RobotsTxtTests
{
    private const string Robots = """
        # comment
        User-agent: *
        Disallow: /private/
        Disallow: /*.pdf$
        Allow: /private/public/
        Crawl-delay: 2

        User-agent: OtherBot
        User-agent: ImageTaggerBot
        Disallow: /no-images/
        Allow: /no-images/but-this
        Disallow: /tie
        Allow: /tie

        User-agent: EvilBot
        Disallow: /
        Sitemap: https://example.test/sitemap.xml
        """;

    [Fact]
    public void Our_group_is_chosen_by_product_token_and_the_longest_match_wins()
    {
        var rules = RobotsTxt.Parse(Robots).For("ImageTaggerBot/1.0 (+https://example)");
        Assert.False(rules.IsAllowed("/no-images/cat.jpg"));
        Assert.True(rules.IsAllowed("/no-images/but-this.jpg"));
        Assert.True(rules.IsAllowed("/private/secret.jpg")); // the * group does not apply to us
        Assert.True(rules.IsAllowed("/tie")); // equal length: allow wins
        Assert.Null(rules.CrawlDelay);
    }

    [Fact]
    public void The_star_group_applies_to_unknown_agents_with_wildcards_and_end_anchors()
    {
        var rules = RobotsTxt.Parse(Robots).For("SomeBot");
        Assert.False(rules.IsAllowed("/private/secret.jpg"));
        Assert.True(rules.IsAllowed("/private/public/ok.jpg"));
        Assert.False(rules.IsAllowed("/docs/file.pdf"));
        Assert.True(rules.IsAllowed("/docs/file.pdf?download=1"));
        Assert.True(rules.IsAllowed("/"));
        Assert.Equal(TimeSpan.FromSeconds(2), rules.CrawlDelay);
        Assert.False(RobotsTxt.Parse(Robots).For("EvilBot").IsAllowed("/anything"));
        Assert.True(RobotsTxt.Parse(Robots).For("EvilBot").IsAllowed(new Uri("http://example.test/robots.txt")));
    }

    [Fact]
    public void Empty_missing_and_garbage_files_allow_everything_and_percent_encoding_compares_alike()
    {
        Assert.True(RobotsTxt.Parse("").For("x").IsAllowed("/a"));
        Assert.True(RobotsTxt.Parse("garbage\n\0\n:::\nDisallow: /before-any-agent").For("x").IsAllowed("/before-any-agent"));
        Assert.True(RobotsTxt.Parse("User-agent: *\nDisallow:").For("x").IsAllowed("/a"));
        Assert.False(RobotsTxt.DisallowAll.For("x").IsAllowed("/a"));
        var encoded = RobotsTxt.Parse("User-agent: *\nDisallow: /caf%C3%A9/\nDisallow: /%7Euser/");
        Assert.False(encoded.For("x").IsAllowed("/café/x.jpg"));
        Assert.False(encoded.For("x").IsAllowed("/~user/x.jpg"));
        Assert.True(RobotsRules.Matches("/a*b*c", "/a-x-b-y-c-z"));
        Assert.False(RobotsRules.Matches("/a*c$", "/a-c-x"));
        Assert.True(RobotsRules.Matches("/a*c$", "/a-c-c"));
    }
}
