using ImageTagger.Ai.Tagging;
using ImageTagger.TestSupport.Ollama;

namespace ImageTagger.Ai.Tests;

public sealed class EmbeddingTextTests
{
    [Fact]
    public void Image_text_is_description_then_tags_with_prefix()
    {
        var text = EmbeddingText.ForImage("A dog  on\na beach.", ["dog", "beach", "dog", " "], "search_document: ");

        Assert.Equal("search_document: A dog on a beach.\nTags: dog, beach", text);
    }

    [Fact]
    public void Missing_parts_are_left_out()
    {
        Assert.Equal("Tags: dog", EmbeddingText.ForImage(null, ["dog"]));
        Assert.Equal("Only a description.", EmbeddingText.ForImage("Only a description.", []));
        Assert.Equal("", EmbeddingText.ForImage("  ", null));
    }

    [Fact]
    public void Uses_the_prefixes_from_options()
    {
        var options = new OllamaOptions();
        var description = new ImageDescription("A cat.", ["cat"], "m");

        Assert.Equal("search_document: A cat.\nTags: cat", EmbeddingText.ForImage(description, options));
        Assert.Equal("search_query: cats  sleeping".Replace("  ", " ", StringComparison.Ordinal), EmbeddingText.ForQuery("  cats \t sleeping ", options));
    }

    [Fact]
    public void Long_text_is_capped()
    {
        var text = EmbeddingText.ForImage(new string('a', 10_000) + " end", ["tag"]);

        Assert.Equal(EmbeddingText.MaxChars, text.Length);
    }

    [Fact]
    public void Query_and_matching_image_text_are_close_with_the_test_embedder()
    {
        var options = new OllamaOptions();
        var beach = EmbeddingText.ForImage(new ImageDescription("Two dogs playing on a sandy beach.", ["dog", "beach", "sand"], "m"), options);
        var office = EmbeddingText.ForImage(new ImageDescription("A desk with a laptop in an office.", ["desk", "laptop", "office"], "m"), options);
        var query = DeterministicEmbedder.Embed(EmbeddingText.ForQuery("dog at the beach", options));

        var toBeach = DeterministicEmbedder.CosineSimilarity(query, DeterministicEmbedder.Embed(beach));
        var toOffice = DeterministicEmbedder.CosineSimilarity(query, DeterministicEmbedder.Embed(office));

        Assert.True(toBeach > toOffice + 0.2, $"{toBeach:F3} vs {toOffice:F3}");
    }
}
