using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Processing;

public sealed class ProcessingOptions
{
    public const string SectionName = "Processing";

    /// <summary>Names this instance in job leases; defaults to host name + process id.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Jobs in flight for file work (scan, analyze, write-back). Defaults to the core count.</summary>
    [Range(1, 256)]
    public int IoConcurrency { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Jobs in flight for AI work (describe, embed); the model is the scarce resource, keep it busy.</summary>
    [Range(1, 256)]
    public int AiConcurrency { get; set; } = 4;

    /// <summary>
    /// Jobs in flight for the offline models (ocr, features, text-embed). Two keep one model run busy while the other
    /// job reads or writes; the models' own limit (OfflineAi:MaxConcurrency) bounds the CPU they take.
    /// </summary>
    [Range(1, 64)]
    public int OfflineConcurrency { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle worker looks for work when no notification arrives.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Periodic full rescan of active folders; catches what watching missed. Zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Watch active folders for changes (FileSystemWatcher).</summary>
    public bool WatchFolders { get; set; } = true;

    /// <summary>A file must stay unchanged this long before it is processed (it may still be copying).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often parked AI jobs are checked against Ollama's availability.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan AiRecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Finished jobs are kept this long (to look into), then summed into the job archive and deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan KeepFinishedJobs { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often finished jobs are pruned. Zero turns pruning off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the job counters' changes are folded into them (progress reads both, so this only bounds how many rows it sums).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CountFoldInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Jobs deleted per statement while pruning.</summary>
    [Range(1, 1_000_000)]
    public int PruneBatch { get; set; } = 10_000;

    /// <summary>Files a folder scan writes per statement and transaction (new, changed or missing rows, with their jobs).</summary>
    [Range(1, 1_000_000)]
    public int ScanBatch { get; set; } = 5_000;

    /// <summary>Folder where thumbnails are cached, by image id (shared with the Api).</summary>
    public string ThumbnailRoot { get; set; } = Path.Combine(Path.GetTempPath(), "imagetagger", "thumbnails");
}
