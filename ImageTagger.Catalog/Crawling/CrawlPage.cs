namespace ImageTagger.Catalog.Crawling;

/// <summary>A page of a crawl's frontier: to visit (with its depth), visited, skipped or failed.</summary>
public sealed class CrawlPage
{
    public long Id { get; set; }
    public long CrawlJobId { get; set; }
    public required string Url { get; set; }
    public int Depth { get; set; }

    /// <summary>The page that linked here (null for the start page).</summary>
    public string? ReferrerUrl { get; set; }
    public CrawlPageState State { get; set; } = CrawlPageState.Pending;
    public int? StatusCode { get; set; }
    public string? Title { get; set; }

    /// <summary>Why the page was skipped or failed.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? VisitedAt { get; set; }
}

public enum CrawlPageState
{
    Pending = 0,
    Visited = 1,
    Skipped = 2,
    Failed = 3,
}
