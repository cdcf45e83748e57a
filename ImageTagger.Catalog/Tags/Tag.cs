namespace ImageTagger.Catalog.Tags;

public sealed class Tag
{
    public long Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The form used for equality and lookups (lower-case, trimmed, singular); unique.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>Number of images carrying the tag, kept by a database trigger.</summary>
    public int UsageCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ImageTag
{
    public long ImageId { get; set; }
    public Images.Image? Image { get; set; }
    public long TagId { get; set; }
    public Tag? Tag { get; set; }
    public TagSource Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Who put a tag on an image. A user's tag is never replaced by a model's.</summary>
public enum TagSource
{
    Ai = 0,
    User = 1,
    Metadata = 2,

    /// <summary>Offered from visually similar tagged images (offline features) and accepted by the user.</summary>
    Suggestion = 3,
}
