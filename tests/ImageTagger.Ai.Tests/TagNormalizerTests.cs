using ImageTagger.Ai.Tagging;

namespace ImageTagger.Ai.Tests;

public sealed class TagNormalizerTests
{
    private readonly TagNormalizer _normalizer = new(maxTags: 15);

    [Theory]
    [InlineData("Dog", "dog")]
    [InlineData("  Sandy   Beach  ", "sandy beach")]
    [InlineData("DOGS", "dog")]
    [InlineData("red cars", "red car")]
    [InlineData("Sunset!", "sunset")]
    [InlineData("\"mountains\"", "mountain")]
    [InlineData("#travel", "travel")]
    [InlineData("black-and-white", "black-and-white")]
    [InlineData("T-Shirts", "t-shirt")]
    [InlineData("- bullet item", "bullet item")]
    [InlineData("children's toys", "children toy")]
    [InlineData("women", "woman")]
    [InlineData("people", "people")]
    [InlineData("glass", "glass")]
    [InlineData("wine glasses", "wine glasses")]
    [InlineData("bus", "bus")]
    [InlineData("buses", "bus")]
    [InlineData("grass", "grass")]
    [InlineData("series", "series")]
    [InlineData("species", "species")]
    [InlineData("news", "news")]
    [InlineData("jeans", "jeans")]
    [InlineData("sheep", "sheep")]
    [InlineData("berries", "berry")]
    [InlineData("movies", "movie")]
    [InlineData("leaves", "leaf")]
    [InlineData("knives", "knife")]
    [InlineData("waves", "wave")]
    [InlineData("boxes", "box")]
    [InlineData("beaches", "beach")]
    [InlineData("dishes", "dish")]
    [InlineData("dresses", "dress")]
    [InlineData("tomatoes", "tomato")]
    [InlineData("shoes", "shoe")]
    [InlineData("houses", "house")]
    [InlineData("videos", "video")]
    [InlineData("cactus", "cactus")]
    [InlineData("tennis", "tennis")]
    [InlineData("mathematics", "mathematics")]
    [InlineData("gymnastics", "gymnastics")]
    [InlineData("Paris", "paris")]
    [InlineData("Los Angeles", "los angeles")]
    [InlineData("outdoors", "outdoors")]
    [InlineData("1990s", "1990s")]
    [InlineData("the Eiffel Tower", "eiffel tower")]
    [InlineData("a dog", "dog")]
    [InlineData("Café", "café")]
    [InlineData("ｆｕｌｌｗｉｄｔｈ", "fullwidth")]
    [InlineData("headaches", "headache")]
    [InlineData("city   streets", "city street")]
    [InlineData("snow_covered", "snow covered")]
    public void Normalizes_one_tag(string raw, string expected) => Assert.Equal(expected, _normalizer.NormalizeTag(raw));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a")]
    [InlineData("the")]
    [InlineData("image")]
    [InlineData("Photo")]
    [InlineData("pictures")]
    [InlineData("photos")]
    [InlineData("N/A")]
    [InlineData("none")]
    [InlineData("!!!")]
    [InlineData("42")]
    [InlineData("x")]
    [InlineData("a dog running very fast across the sandy beach")]      // a sentence, not a tag
    [InlineData("supercalifragilisticexpialidociousnessandmorestuffhere")]
    public void Drops_useless_tags(string raw) => Assert.Null(_normalizer.NormalizeTag(raw));

    [Fact]
    public void Deduplicates_in_first_seen_order_after_normalisation()
    {
        var result = _normalizer.Normalize(["Dogs", "beach", "dog", "Beach", "the beach", "sunset", null, "", "photo"]);

        Assert.Equal(["dog", "beach", "sunset"], result);
    }

    [Fact]
    public void Caps_the_number_of_tags()
    {
        var normalizer = new TagNormalizer(maxTags: 3);

        var result = normalizer.Normalize(["one tag", "two tag", "three tag", "four tag", "five tag"]);

        Assert.Equal(["one tag", "two tag", "three tag"], result);
    }

    [Fact]
    public void Limits_tag_length_and_word_count()
    {
        var normalizer = new TagNormalizer(maxTags: 10, maxTagLength: 10, maxWords: 2);

        Assert.Equal("red car", normalizer.NormalizeTag("red cars"));
        Assert.Null(normalizer.NormalizeTag("bright red car"));
        Assert.Null(normalizer.NormalizeTag("extraordinarily"));
    }

    [Fact]
    public void Is_deterministic()
    {
        string[] input = ["Mountains", "Snowy Peaks", "hikers", "blue sky", "Mountains", "clouds"];

        var first = _normalizer.Normalize(input);
        var second = new TagNormalizer(15).Normalize(input.Reverse().Reverse());

        Assert.Equal(first, second);
        Assert.Equal(["mountain", "snowy peak", "hiker", "blue sky", "cloud"], first);
    }

    [Fact]
    public void Max_tags_comes_from_options()
    {
        var normalizer = new TagNormalizer(Microsoft.Extensions.Options.Options.Create(new OllamaOptions { MaxTags = 2 }));

        Assert.Equal(2, normalizer.MaxTags);
        Assert.Equal(2, normalizer.Normalize(["aa", "bb", "cc"]).Count);
    }
}
