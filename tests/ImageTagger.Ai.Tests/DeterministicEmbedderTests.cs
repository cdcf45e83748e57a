using ImageTagger.TestSupport.Ollama;

namespace ImageTagger.Ai.Tests;

public sealed class DeterministicEmbedderTests
{
    [Fact]
    public void Is_deterministic_unit_length_and_sized()
    {
        var a = DeterministicEmbedder.Embed("A red bicycle leaning on a wall", 384);
        var b = DeterministicEmbedder.Embed("A red bicycle leaning on a wall", 384);

        Assert.Equal(384, a.Length);
        Assert.Equal(a, b);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public void Known_vector_is_stable_across_runs_and_machines()
    {
        // FNV-1a hashing, not string.GetHashCode: pinned so stored test fixtures stay valid.
        var v = DeterministicEmbedder.Embed("dog", 8);

        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        Assert.Equal(v, DeterministicEmbedder.Embed("DOGS!", 8));              // case, plural and punctuation fold
    }

    [Fact]
    public void Overlapping_texts_rank_above_unrelated_ones()
    {
        var query = DeterministicEmbedder.Embed("snowy mountain peaks");
        var close = DeterministicEmbedder.Embed("hikers below a snowy mountain peak");
        var partial = DeterministicEmbedder.Embed("a mountain lake in summer");
        var far = DeterministicEmbedder.Embed("a bowl of ramen noodles");

        var sClose = DeterministicEmbedder.CosineSimilarity(query, close);
        var sPartial = DeterministicEmbedder.CosineSimilarity(query, partial);
        var sFar = DeterministicEmbedder.CosineSimilarity(query, far);

        Assert.True(sClose > sPartial && sPartial > sFar, $"{sClose:F3} > {sPartial:F3} > {sFar:F3}");
    }

    [Fact]
    public void Task_prefixes_do_not_create_similarity()
    {
        var a = DeterministicEmbedder.Embed("search_document: a bowl of ramen");
        var b = DeterministicEmbedder.Embed("search_query: stock market chart");

        Assert.True(DeterministicEmbedder.CosineSimilarity(a, b) < 0.2);
        Assert.Equal(DeterministicEmbedder.Embed("a bowl of ramen"), a);
    }

    [Fact]
    public void Empty_text_still_gets_a_unit_vector()
    {
        var v = DeterministicEmbedder.Embed("", 16);

        Assert.Equal(1f, v.Sum(x => x * x), 4);
    }
}
