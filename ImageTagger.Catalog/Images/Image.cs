using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Tags;

namespace ImageTagger.Catalog.Images;

/// <summary>One image file and everything learned about it.</summary>
public sealed class Image
{
    public long Id { get; set; }
    public long FolderId { get; set; }
    public Folder? Folder { get; set; }

    public required string Path { get; set; }
    public required string FileName { get; set; }
    public long SizeBytes { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes; null until fingerprinted.</summary>
    public string? Checksum { get; set; }
    public long? DuplicateOfId { get; set; }

    public int? Width { get; set; }
    public int? Height { get; set; }
    public string? Format { get; set; }
    public DateTimeOffset? TakenAt { get; set; }
    public string? CameraMake { get; set; }
    public string? CameraModel { get; set; }
    public string? Lens { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public double? Altitude { get; set; }
    public short? Orientation { get; set; }

    /// <summary>A flattened selection of EXIF tags for display (name → value), as jsonb.</summary>
    public Dictionary<string, string>? Exif { get; set; }

    public string? Description { get; set; }
    public string? DescriptionModel { get; set; }
    public DateTimeOffset? DescribedAt { get; set; }

    /// <summary>Where a crawled image came from; null for folder images.</summary>
    public string? SourceUrl { get; set; }
    public string? SourcePageUrl { get; set; }
    public string? AltText { get; set; }

    /// <summary>Text read from the picture by the offline OCR model (lines top to bottom); null until read, empty when none.</summary>
    public string? OcrText { get; set; }

    /// <summary>Mean recognition confidence (0-1) of the kept OCR lines; null when no text was found.</summary>
    public float? OcrConfidence { get; set; }
    public DateTimeOffset? OcrAt { get; set; }

    public ImageStatus Status { get; set; } = ImageStatus.Discovered;
    public string? Error { get; set; }
    public DateTimeOffset? WrittenBackAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<ImageTag> Tags { get; set; } = [];
}

/// <summary>The furthest stage an image has reached; failures keep their reason in <see cref="Image.Error"/>.</summary>
public enum ImageStatus
{
    Discovered = 0,
    Analyzed = 1,
    Described = 2,
    Done = 3,
    Failed = 4,
    Missing = 5,
    Duplicate = 6,
}
