using System.Text.Json;

namespace ImageTagger.Catalog.Jobs;

/// <summary>A durable unit of background work. Claimed with a lease; an expired lease is claimed again.</summary>
public sealed class Job
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public JsonDocument Payload { get; set; } = JsonDocument.Parse("{}");
    public JobState State { get; set; } = JobState.Queued;
    public int Priority { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 5;
    public DateTimeOffset RunAfter { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpires { get; set; }
    public string? LastError { get; set; }

    /// <summary>At most one queued or running job per key: enqueueing the same work twice is a no-op.</summary>
    public string? DedupeKey { get; set; }
    public long? ImageId { get; set; }
    public long? FolderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public enum JobState
{
    Queued = 0,
    Running = 1,
    Done = 2,
    Parked = 3,
    Cancelled = 4,
}
