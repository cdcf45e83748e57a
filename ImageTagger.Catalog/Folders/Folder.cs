namespace ImageTagger.Catalog.Folders;

/// <summary>A folder of images the user asked us to track (or the download folder of a crawl job).</summary>
public sealed class Folder
{
    public long Id { get; set; }
    public required string Path { get; set; }
    public bool Recursive { get; set; } = true;
    public bool Active { get; set; } = true;
    public WriteBackMode WriteBackMode { get; set; } = WriteBackMode.None;
    public DateTimeOffset? LastScanAt { get; set; }
    public string? LastScanError { get; set; }
    public int ImageCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where generated descriptions and keywords are written back to.</summary>
public enum WriteBackMode
{
    None = 0,
    Embedded = 1,
    Sidecar = 2,
}
