using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.AI;
using OllamaSharp;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class OllamaEmbeddingGeneratorTests
{
    [Fact]
    public async Task Batch_input_is_sent_as_an_array_and_results_keep_order()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);
        string[] texts = ["a red bicycle", "a snowy mountain", "two cats sleeping"];

        var result = await generator.GenerateAsync(texts, cancellationToken: Ct);

        var request = Assert.Single(server.EmbedRequests);
        Assert.Equal(EmbeddingModel, request.Model);
        Assert.True(request.InputWasArray);
        Assert.Equal(texts, request.Input);
        Assert.True(request.Truncate);
        Assert.Null(request.Dimensions);
        Assert.Equal("600s", request.Raw.GetProperty("keep_alive").GetString());

        Assert.Equal(3, result.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(DeterministicEmbedder.Embed(texts[i]), result[i].Vector.ToArray());
            Assert.Equal(EmbeddingModel, result[i].ModelId);
            Assert.NotNull(result[i].CreatedAt);
        }

        Assert.Equal(9, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Dimensions_option_is_forwarded()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);

        var result = await generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 256 }, Ct);

        Assert.Equal(256, Assert.Single(server.EmbedRequests).Dimensions);
        Assert.Equal(256, Assert.Single(result).Vector.Length);
    }

    [Fact]
    public async Task Truncate_and_model_can_be_overridden_per_call()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.AddModel(LoopbackModel.Embedding("mxbai-embed-large:latest"));
        using var generator = Embeddings(server);

        var result = await generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions
        {
            ModelId = "mxbai-embed-large",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["truncate"] = false },
        }, Ct);

        var request = Assert.Single(server.EmbedRequests);
        Assert.False(request.Truncate);
        Assert.Equal("mxbai-embed-large", request.Model);
        Assert.Equal("mxbai-embed-large", Assert.Single(result).ModelId);
    }

    [Fact]
    public async Task Large_inputs_are_split_into_batches()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server, o => o.EmbeddingBatchSize = 2);
        var texts = Enumerable.Range(0, 5).Select(i => $"text number {i}").ToArray();

        var result = await generator.GenerateAsync(texts, cancellationToken: Ct);

        Assert.Equal([2, 2, 1], server.EmbedRequests.Select(r => r.Input.Count));
        Assert.Equal(texts.Select(t => DeterministicEmbedder.Embed(t)), result.Select(e => e.Vector.ToArray()));
    }

    [Fact]
    public async Task Empty_input_makes_no_request()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);

        var result = await generator.GenerateAsync([], cancellationToken: Ct);

        Assert.Empty(result);
        Assert.Equal(0, server.TotalRequests);
    }

    [Fact]
    public async Task Missing_embedding_model_is_a_clear_non_transient_error()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.RemoveModel("nomic-embed-text");
        using var generator = Embeddings(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.ModelNotFound, ex.Kind);
        Assert.Contains("nomic-embed-text", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task Wrong_number_of_vectors_is_malformed()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Embed, LoopbackFault.Garbage("""{"model":"nomic-embed-text","embeddings":[[0.1,0.2]]}"""));
        using var generator = Embeddings(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["one", "two"], cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains("asked for 2 embeddings, got 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transient_embed_failure_is_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Embed, LoopbackFault.Status(500, "llama runner process no longer running"));
        using var generator = Embeddings(server);

        var result = await generator.GenerateAsync(["x"], cancellationToken: Ct);

        Assert.Single(result);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task Related_texts_are_closer_than_unrelated_ones()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);

        var result = await generator.GenerateAsync(
            ["A brown dog running on a sandy beach", "dogs playing at the beach", "quarterly stock market chart"], cancellationToken: Ct);

        var related = DeterministicEmbedder.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span);
        var unrelated = DeterministicEmbedder.CosineSimilarity(result[0].Vector.Span, result[2].Vector.Span);
        Assert.True(related > unrelated + 0.2, $"related {related:F3} vs unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task Metadata_names_the_provider_and_model()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);
        IEmbeddingGenerator<string, Embedding<float>> abstraction = generator;

        var metadata = abstraction.GetService<EmbeddingGeneratorMetadata>();

        Assert.Equal("ollama", metadata!.ProviderName);
        Assert.Equal(server.Url, metadata.ProviderUri);
        Assert.Equal(EmbeddingModel, metadata.DefaultModelId);
        Assert.NotNull(abstraction.GetService<OllamaApiClient>());          // OllamaSharp is the transport
    }
}
