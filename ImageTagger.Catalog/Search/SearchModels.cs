using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Catalog.Search;

public enum SearchMode
{
    Keyword,
    Semantic,
    Hybrid,
}

/// <summary>Which ranked lists found a hit.</summary>
[Flags]
public enum SearchSignals
{
    None = 0,
    FullText = 1,
    FuzzyTag = 2,
    Semantic = 4,

    /// <summary>Meaning-based match through the offline text model (MiniLM over the image's text), no AI server.</summary>
    OfflineSemantic = 8,
}

/// <summary>Filters apply inside every branch of the search SQL, before ranking and paging.</summary>
public sealed record SearchFilters
{
    public long? FolderId { get; init; }

    /// <summary>Normalized tag names an image must all carry.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset? TakenFrom { get; init; }
    public DateTimeOffset? TakenTo { get; init; }
}

public sealed record SearchRequest(string Query, SearchMode Mode)
{
    public SearchFilters Filters { get; init; } = new();

    /// <summary>Lowest cosine similarity a semantic hit may have; null uses <see cref="SearchOptions.MinSimilarity"/>.</summary>
    public double? MinSimilarity { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 24;
}

/// <summary>The query's embedding, when the embedding model could be reached.</summary>
public sealed record QueryEmbedding(string Model, float[] Vector);

public sealed record SearchHit(long ImageId, double Score, SearchSignals Signals, double? KeywordRank, double? Similarity);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, int TotalCandidates, SearchMode ModeUsed, string? Notice)
{
    /// <summary>The ranked lists that ran for this query (whether or not they found anything).</summary>
    public SearchSignals SignalsUsed { get; init; }
}

public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>Semantic hits below this cosine similarity are dropped (unrelated images are not returned).</summary>
    [Range(-1.0, 1.0)]
    public double MinSimilarity { get; set; } = 0.35;

    /// <summary>The same cut-off for the offline text model (MiniLM scores short queries against long text lower).</summary>
    [Range(-1.0, 1.0)]
    public double OfflineMinSimilarity { get; set; } = 0.2;

    /// <summary>How deep each ranked list goes before fusion.</summary>
    [Range(10, 5000)]
    public int CandidateDepth { get; set; } = 100;

    /// <summary>The k of reciprocal rank fusion: 1/(k + rank).</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    /// <summary>Trigram similarity above which a tag counts as a misspelling of a query word.</summary>
    [Range(0.1, 1.0)]
    public double FuzzyThreshold { get; set; } = 0.4;
}
