namespace ImageTagger.Catalog.Crawling;

/// <summary>An image URL a crawl found, with where it was found and what became of it.</summary>
public sealed class CrawlImage
{
    public long Id { get; set; }
    public long CrawlJobId { get; set; }
    public required string Url { get; set; }
    public required string PageUrl { get; set; }
    public string? PageTitle { get; set; }
    public string? AltText { get; set; }
    public string? Title { get; set; }
    public CrawlImageState State { get; set; } = CrawlImageState.Pending;

    /// <summary>Why the image was skipped or failed.</summary>
    public string? Reason { get; set; }
    public string? Checksum { get; set; }
    public long? SizeBytes { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }

    /// <summary>The catalog image made from the download.</summary>
    public long? ImageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FetchedAt { get; set; }
}

public enum CrawlImageState
{
    Pending = 0,
    Downloaded = 1,
    Skipped = 2,
    Failed = 3,
}
