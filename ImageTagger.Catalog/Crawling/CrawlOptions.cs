using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Catalog.Crawling;

/// <summary>
/// Crawl settings (section <c>Crawl</c>). Shared by the Api (which refuses private start URLs up front) and
/// Processing (which crawls, and checks every connection's address again).
/// </summary>
public sealed class CrawlOptions : IValidatableObject
{
    public const string SectionName = "Crawl";

    /// <summary>Folder under which each crawl gets a download folder of its own.</summary>
    [Required]
    public string Root { get; set; } = Path.Combine(Path.GetTempPath(), "imagetagger", "crawls");

    /// <summary>Allows loopback, private, link-local and other non-public addresses (off: a crawl must not reach into the local network).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Non-public networks allowed anyway, in CIDR notation (e.g. <c>127.0.0.0/8</c>, <c>192.168.1.0/24</c>).</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Sent with every request; robots.txt groups are matched against <see cref="RobotsAgent"/>.</summary>
    [Required]
    public string UserAgent { get; set; } = "ImageTaggerBot/1.0 (+self-hosted image tagging)";

    /// <summary>The product token robots.txt groups name (case-insensitive).</summary>
    [Required]
    public string RobotsAgent { get; set; } = "ImageTaggerBot";

    /// <summary>Time for one whole request (connect, headers and body).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pages are read up to this size; the rest is ignored.</summary>
    [Range(1024, 100L * 1024 * 1024)]
    public long MaxPageBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>
    /// Longest time one page may take to parse. Ordinary pages take milliseconds; markup nested thousands deep costs
    /// the HTML standard's tree builder time in the square of the depth, and such a page is given up as failed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ParseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Larger images are cut off and skipped.</summary>
    [Range(1024, 4L * 1024 * 1024 * 1024)]
    public long MaxImageBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>robots.txt files are read up to this size (Google reads 500 KiB).</summary>
    [Range(1024, 10L * 1024 * 1024)]
    public long MaxRobotsBytes { get; set; } = 512 * 1024;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Fetches (pages + images) per job run; then the job re-queues itself, so crawls take turns and progress is durable.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest time one job run crawls before it re-queues itself.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BatchDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a running crawl looks whether it was paused, cancelled or deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan StateCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Fetches in flight per crawl, over all hosts (each host also has the job's own limit).</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The frontier stops growing at this many pages per allowed page visit (endless link spaces).</summary>
    [Range(1, 1000)]
    public int FrontierFactor { get; set; } = 10;

    /// <summary>A robots.txt Crawl-delay is honoured up to this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxCrawlDelay { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"'{network}' is not a network in CIDR notation", [nameof(AllowedNetworks)]);
            }
        }
    }
}
