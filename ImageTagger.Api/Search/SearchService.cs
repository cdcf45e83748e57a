using ImageTagger.Ai;
using ImageTagger.Ai.Offline;
using ImageTagger.Ai.Tagging;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Search;
using ImageTagger.Catalog.Similarity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.Search;

/// <summary>
/// Embeds the query with the same model as the images, then runs the catalog's search. The embedding is
/// given a short time budget; when the model cannot answer, search degrades to keyword with a notice, and
/// for a little while does not try again, so a down Ollama never slows every search.
/// </summary>
public sealed partial class SearchService(
    ImageSearch search,
    EmbeddingStore embeddings,
    IEmbeddingGenerator<string, Embedding<float>> generator,
    MiniLmTextEmbedder offlineEmbedder,
    VisualSimilarity visual,
    IOptionsMonitor<OfflineAiOptions> offline,
    IOptions<OllamaOptions> ollama,
    QueryEmbeddingBackOff backOff,
    ILogger<SearchService> logger)
{
    private static readonly TimeSpan s_queryEmbeddingBudget = TimeSpan.FromSeconds(4);

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        // The keyword branch starts while the query is being embedded (by Ollama and, offline, by MiniLM, side by side).
        var blank = string.IsNullOrWhiteSpace(request.Query);
        return await search.SearchWhileEmbeddingAsync(
            request,
            ct => blank ? Task.FromResult<QueryEmbedding?>(null) : EmbedQueryAsync(request.Query, ct),
            blank || !offline.CurrentValue.TextEmbeddings ? null : ct => EmbedOfflineQueryAsync(request.Query, ct),
            cancellationToken);
    }

    /// <summary>
    /// Images whose embeddings are nearest to this image's (itself excluded); without an Ollama embedding (no AI
    /// server), the visually nearest by the offline image features.
    /// </summary>
    public async Task<IReadOnlyList<VectorHit>> SimilarAsync(long imageId, int first, CancellationToken cancellationToken)
    {
        var model = ollama.Value.EmbeddingModel;
        var own = await embeddings.GetAsync(imageId, model, cancellationToken);
        if (own is null)
        {
            return [.. (await visual.SimilarAsync(imageId, first, 0, cancellationToken)).Select(h => new VectorHit(h.ImageId, 1 - h.Similarity))];
        }

        var hits = await embeddings.NearestAsync(own.Vector, model, Math.Clamp(first, 1, 100) + 1, cancellationToken: cancellationToken);
        return hits.Where(h => h.ImageId != imageId).Take(first).ToList();
    }

    private async Task<QueryEmbedding?> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        if (backOff.Active)
        {
            return null;
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(s_queryEmbeddingBudget);
        try
        {
            var text = EmbeddingText.ForQuery(query, ollama.Value.EmbeddingQueryPrefix);
            var result = await generator.GenerateAsync([text], new EmbeddingGenerationOptions { ModelId = ollama.Value.EmbeddingModel }, budget.Token);
            var vector = result[0].Vector.ToArray();
            if (vector.Length != embeddings.Dimensions)
            {
                LogWrongDimensions(logger, vector.Length, embeddings.Dimensions);
                return null;
            }

            return new QueryEmbedding(ollama.Value.EmbeddingModel, vector);
        }
        catch (Exception ex) when (ex is OllamaException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            backOff.Failed();
            LogEmbeddingUnavailable(logger, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The query through the offline text model, within the same budget as Ollama's; too busy means no offline branch.
    /// While no image has a vector of that model yet there is nothing to compare with, so the model is not run: on
    /// two cores its few milliseconds of CPU per query slowed the other branches (bench, issue 20).
    /// </summary>
    private async Task<QueryEmbedding?> EmbedOfflineQueryAsync(string query, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(s_queryEmbeddingBudget);
        try
        {
            if (!await embeddings.HasAnyAsync(OfflineEmbeddingModels.Text, budget.Token))
            {
                return null;
            }

            return new(OfflineEmbeddingModels.Text, await offlineEmbedder.EmbedAsync(query, budget.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogOfflineEmbeddingBusy(logger);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The offline text model did not embed the query within the budget; searching without it")]
    private static partial void LogOfflineEmbeddingBusy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query embedding unavailable, searching by keyword: {Reason}")]
    private static partial void LogEmbeddingUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedding model returned {Actual} dimensions, the catalog expects {Expected}")]
    private static partial void LogWrongDimensions(ILogger logger, int actual, int expected);
}
