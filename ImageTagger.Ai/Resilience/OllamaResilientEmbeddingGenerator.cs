using Microsoft.Extensions.AI;
using Polly;

namespace ImageTagger.Ai.Resilience;

/// <summary>
/// Our middleware over OllamaSharp's embedding generator: splits the inputs into batches of
/// <see cref="OllamaOptions.EmbeddingBatchSize"/> (each batch one <c>/api/embed</c> request), asks Ollama to truncate
/// over-long texts and keep the model loaded, runs each batch through the resilience pipeline with failures mapped
/// to <see cref="OllamaFailureKind"/>s, and checks the answer has one vector of the right size per input.
/// </summary>
public sealed class OllamaResilientEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> innerGenerator,
    OllamaOptions settings,
    ResiliencePipeline pipeline) : DelegatingEmbeddingGenerator<string, Embedding<float>>(innerGenerator)
{
    private const string EmbedPath = "api/embed";

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        if (inputs.Count == 0)
        {
            return result;
        }

        var embedOptions = WithDefaults(options);
        long inputTokens = 0;
        var sawUsage = false;
        foreach (var batch in inputs.Chunk(settings.EmbeddingBatchSize))
        {
            var answer = await OllamaFailures.ExecuteAsync(pipeline, settings, EmbedPath, async ct =>
            {
                var embeddings = await base.GenerateAsync(batch, embedOptions, ct).ConfigureAwait(false);
                Check(embeddings, batch.Length, options?.Dimensions);   // malformed: not transient, so not retried
                return embeddings;
            }, cancellationToken).ConfigureAwait(false);
            result.AddRange(answer);
            if (answer.Usage?.InputTokenCount is { } count)
            {
                inputTokens += count;
                sawUsage = true;
            }
        }

        if (sawUsage)
        {
            result.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
        }

        return result;
    }

    private static void Check(GeneratedEmbeddings<Embedding<float>> answer, int asked, int? dimensions)
    {
        if (answer.Count != asked)
        {
            throw Malformed($"asked for {asked} embeddings, got {answer.Count}.");
        }

        foreach (var embedding in answer)
        {
            if (embedding.Vector.Length == 0)
            {
                throw Malformed("an embedding is empty.");
            }

            if (dimensions is { } dims && embedding.Vector.Length != dims)
            {
                throw Malformed($"asked for {dims} dimensions, got {embedding.Vector.Length}.");
            }
        }
    }

    private static OllamaException Malformed(string detail) =>
        new(OllamaFailureKind.MalformedResponse, $"Ollama {EmbedPath} returned a malformed answer: {detail}");

    /// <summary>Explicit truncate, so an over-long description is cut to the context window instead of failing the job.</summary>
    private EmbeddingGenerationOptions WithDefaults(EmbeddingGenerationOptions? callOptions)
    {
        var result = callOptions?.Clone() ?? new EmbeddingGenerationOptions();
        var extra = result.AdditionalProperties ??= [];
        extra.TryAdd("truncate", true);
        OllamaKeepAlive.Apply(extra, settings.KeepAlive);

        return result;
    }
}
