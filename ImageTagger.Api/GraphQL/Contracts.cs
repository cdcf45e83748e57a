using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Search;
using ImageTagger.Catalog.Tags;

namespace ImageTagger.Api.GraphQL;

// The API's own shapes: the schema never exposes EF entities, so the database can change under it.

public sealed record ImageNode(
    long Id,
    long FolderId,
    string FileName,
    string Path,
    long SizeBytes,
    int? Width,
    int? Height,
    string? Format,
    DateTimeOffset? TakenAt,
    CameraInfo? Camera,
    GeoPoint? Location,
    IReadOnlyList<ExifEntry> Exif,
    string? Description,
    string? DescriptionModel,
    DateTimeOffset? DescribedAt,
    ImageStatus Status,
    string? Error,
    long? DuplicateOfId,
    string? SourceUrl,
    string? SourcePageUrl,
    string? AltText,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    string? OcrText = null,
    float? OcrConfidence = null,
    DateTimeOffset? OcrAt = null)
{
    public long DatabaseId => Id;

    public static ImageNode From(Image i) => new(
        i.Id, i.FolderId, i.FileName, i.Path, i.SizeBytes, i.Width, i.Height, i.Format, i.TakenAt,
        i.CameraMake is null && i.CameraModel is null && i.Lens is null ? null : new CameraInfo(i.CameraMake, i.CameraModel, i.Lens),
        i.Latitude is { } lat && i.Longitude is { } lon ? new GeoPoint(lat, lon, i.Altitude) : null,
        (i.Exif ?? []).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new ExifEntry(e.Key, e.Value)).ToList(),
        i.Description, i.DescriptionModel, i.DescribedAt, i.Status, i.Error, i.DuplicateOfId, i.SourceUrl, i.SourcePageUrl, i.AltText, i.CreatedAt, i.ModifiedAt,
        i.OcrText, i.OcrConfidence, i.OcrAt);
}

public sealed record CameraInfo(string? Make, string? Model, string? Lens);

public sealed record GeoPoint(double Latitude, double Longitude, double? Altitude);

public sealed record ExifEntry(string Name, string Value);

public sealed record ImageTagNode(long TagId, string Name, TagSource Source);

public sealed record TagNode(long Id, string Name, int UsageCount)
{
    public long DatabaseId => Id;

    public static TagNode From(Tag t) => new(t.Id, t.Name, t.UsageCount);
}

public sealed record FolderNode(long Id, string Path, bool Recursive, bool Active, WriteBackMode WriteBackMode, DateTimeOffset? LastScanAt, string? LastScanError, int ImageCount)
{
    public long DatabaseId => Id;

    public static FolderNode From(Folder f) => new(f.Id, f.Path, f.Recursive, f.Active, f.WriteBackMode, f.LastScanAt, f.LastScanError, f.ImageCount);
}

public sealed record SimilarImage(ImageNode Image, double Similarity);

public sealed record SearchEdge(string Cursor, ImageNode Node, double Score, IReadOnlyList<SearchSignals> Signals, double? Similarity, double? KeywordRank);

public sealed record SearchConnection(IReadOnlyList<SearchEdge> Edges, ImageTagger.GraphQL.Relay.PageInfo PageInfo, int TotalCount, SearchMode ModeUsed, string? Notice, IReadOnlyList<SearchSignals> SignalsUsed);

public sealed record UserError(string Code, string Message, string? Field = null);

public sealed record FolderPayload(FolderNode? Folder, IReadOnlyList<UserError> Errors);

public sealed record TagPayload(TagNode? Tag, IReadOnlyList<UserError> Errors);

public sealed record ImagePayload(ImageNode? Image, IReadOnlyList<UserError> Errors);

public sealed record CountPayload(int Count, IReadOnlyList<UserError> Errors);

public sealed record SettingsPayload(IReadOnlyList<Settings.SettingValue> Settings, IReadOnlyList<UserError> Errors);

public sealed record AiStatusNode(string Endpoint, bool Reachable, string? Version, string VisionModel, bool VisionModelInstalled, string EmbeddingModel, bool EmbeddingModelInstalled, bool Ready, string? Error, IReadOnlyList<string> Models);

public enum ProcessingStage
{
    Analyze,
    Describe,
    Embed,
    Writeback,
}

public sealed record SettingInput(string Key, string? Value);
