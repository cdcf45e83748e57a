namespace ImageTagger.Imaging.Metadata;

/// <summary>A WGS-84 position in signed decimal degrees (south and west negative), altitude in metres (below sea level negative).</summary>
public sealed record GeoPosition(double Latitude, double Longitude, double? Altitude);

/// <summary>What an image's embedded metadata says; every member is optional because cameras and editors disagree.</summary>
public sealed record ImageMetadata
{
    /// <summary>Wall-clock capture time as the camera recorded it (DateTimeOriginal, else Digitized, else DateTime).</summary>
    public DateTime? TakenAtLocal { get; init; }

    /// <summary>UTC offset of <see cref="TakenAtLocal"/>: OffsetTimeOriginal, XMP, or derived from the GPS UTC time stamp.</summary>
    public TimeSpan? TakenAtOffset { get; init; }

    /// <summary>The capture instant when the offset is known; null when only the wall-clock time is.</summary>
    public DateTimeOffset? TakenAt => TakenAtLocal is { } local && TakenAtOffset is { } offset
        ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset)
        : null;

    public string? CameraMake { get; init; }

    public string? CameraModel { get; init; }

    public string? Lens { get; init; }

    public GeoPosition? Location { get; init; }

    /// <summary>EXIF orientation 1–8, when present.</summary>
    public int? Orientation { get; init; }

    /// <summary>Pixel size as recorded in metadata (EXIF, else the container header); may disagree with the real pixels.</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>Existing description: XMP dc:description, else IPTC Caption, else EXIF ImageDescription (camera boilerplate ignored).</summary>
    public string? Description { get; init; }

    /// <summary>Existing keywords from IPTC, XMP dc:subject and EXIF XPKeywords; split on ';' and ',', de-duplicated.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>A few dozen camera/exposure/GPS facts for display, tag name → human-readable value.</summary>
    public IReadOnlyDictionary<string, string> Exif { get; init; } = new Dictionary<string, string>();

    /// <summary>Problems the parser found in individual tags or directories (the rest was still read).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
