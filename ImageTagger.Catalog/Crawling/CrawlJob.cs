using ImageTagger.Catalog.Folders;

namespace ImageTagger.Catalog.Crawling;

/// <summary>
/// A crawl of one website for images: its settings, where it stands, and the folder its downloads go to.
/// The frontier lives in <see cref="CrawlPage"/> and <see cref="CrawlImage"/> rows, so a crawl survives restarts.
/// </summary>
public sealed class CrawlJob
{
    public long Id { get; set; }
    public required string StartUrl { get; set; }
    public CrawlJobState State { get; set; } = CrawlJobState.Queued;

    /// <summary>Links followed from the start page: 0 = the start page only.</summary>
    public int MaxDepth { get; set; } = 2;

    /// <summary>Fetch pages and images from the start URL's host only.</summary>
    public bool SameHostOnly { get; set; } = true;

    /// <summary>Globs (<c>*</c> = anything) a page URL must match one of, when any are given.</summary>
    public List<string> IncludePatterns { get; set; } = [];

    /// <summary>Globs no page or image URL may match.</summary>
    public List<string> ExcludePatterns { get; set; } = [];

    public int MaxPages { get; set; } = 100;
    public int MaxImages { get; set; } = 500;

    /// <summary>Smaller downloads are skipped (icons, tracking pixels).</summary>
    public long MinImageBytes { get; set; } = 2048;
    public int MinImageWidth { get; set; } = 100;
    public int MinImageHeight { get; set; } = 100;

    /// <summary>Least time between two requests to one host.</summary>
    public TimeSpan PolitenessDelay { get; set; } = TimeSpan.FromSeconds(1);
    public int MaxConcurrencyPerHost { get; set; } = 2;

    /// <summary>The download folder; created on the first run by the processing service that owns the crawl root.</summary>
    public long? FolderId { get; set; }
    public Folder? Folder { get; set; }

    public string? LastError { get; set; }

    /// <summary>Batches run so far (each job run handles a bounded batch, then queues a continuation).</summary>
    public int Runs { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public bool IsFinished => State is CrawlJobState.Completed or CrawlJobState.Cancelled or CrawlJobState.Failed;
}

public enum CrawlJobState
{
    Queued = 0,
    Running = 1,
    Paused = 2,
    Completed = 3,
    Cancelled = 4,
    Failed = 5,
}
