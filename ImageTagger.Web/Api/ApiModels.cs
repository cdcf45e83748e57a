using System.Text.Json.Serialization;

namespace ImageTagger.Web.Api;

// The Web's view of the Api's GraphQL schema (ImageTagger.Api/GraphQL/ApiSchema.cs is the contract).
// Enum values arrive as GraphQL UPPER_SNAKE names; the GraphQL client maps them to these members.

public enum ImageStatus
{
    Discovered,
    Analyzed,
    Described,
    Done,
    Failed,
    Missing,
    Duplicate,
}

public enum TagSource
{
    Ai,
    User,
    Metadata,
    Suggestion,
}

public enum WriteBackMode
{
    None,
    Embedded,
    Sidecar,
}

public enum SearchMode
{
    Keyword,
    Semantic,
    Hybrid,
}

public enum SearchSignal
{
    None,
    FullText,
    FuzzyTag,
    Semantic,
    OfflineSemantic,
}

public enum ProcessingStage
{
    Analyze,
    Describe,
    Embed,
    Writeback,
}

public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

public sealed record Edge<T>(string Cursor, T Node);

public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo, int TotalCount)
{
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
}

/// <param name="Tags">Only when the query asks for them (the gallery's cards); null otherwise.</param>
public sealed record ImageSummary(
    string Id,
    int DatabaseId,
    string FileName,
    ImageStatus Status,
    int? Width,
    int? Height,
    DateTimeOffset? TakenAt,
    string? Description,
    IReadOnlyList<ImageTag>? Tags = null);

public sealed record Camera(string? Make, string? Model, string? Lens);

public sealed record GeoPoint(double Latitude, double Longitude, double? Altitude);

public sealed record ExifEntry(string Name, string Value);

public sealed record ImageTag(string Name, TagSource Source, string TagId);

public sealed record SimilarImage(ImageSummary Image, double Similarity);

public sealed record FolderRef(string Id, int DatabaseId, string Path);

public sealed record ImageDetail(
    string Id,
    int DatabaseId,
    string FileName,
    string Path,
    double SizeBytes,
    int? Width,
    int? Height,
    string? Format,
    DateTimeOffset? TakenAt,
    Camera? Camera,
    GeoPoint? Location,
    IReadOnlyList<ExifEntry> Exif,
    string? Description,
    string? DescriptionModel,
    DateTimeOffset? DescribedAt,
    ImageStatus Status,
    string? Error,
    FolderRef? Folder,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ImageTag> Tags,
    IReadOnlyList<SimilarImage> Similar,
    string? OcrText = null,
    double? OcrConfidence = null,
    IReadOnlyList<SimilarImage>? NearDuplicates = null,
    IReadOnlyList<TagSuggestion>? TagSuggestions = null);

/// <summary>A tag the user's visually similar images carry (offline features), offered until accepted or dismissed.</summary>
public sealed record TagSuggestion(string TagId, string Name, double Score, int Neighbours);

public sealed record TagSuggestionPayload(IReadOnlyList<UserError> Errors);

/// <summary>What the offline models (no AI server) can and cannot do, and whether their files are in place.</summary>
public sealed record OfflineAiStatus(bool OcrEnabled, bool FeaturesEnabled, bool TextEmbeddingsEnabled, bool ModelsPresent, string? Error, IReadOnlyList<OfflineCapability> Capabilities);

public sealed record OfflineCapability(string Feature, bool Available, string? Model, string Note);

public sealed record Tag(string Id, int DatabaseId, string Name, int UsageCount);

/// <summary>How the Api orders the tag list.</summary>
public enum TagOrder
{
    MostUsed,
    LeastUsed,
    Name,
    NameDescending,
}

public sealed record StageProgress(string Kind, int Queued, int Running, int Done, int Parked);

public sealed record RunningJob(string Kind, string? FileName, DateTimeOffset? StartedAt, string? Worker);

public sealed record ProcessingStatus(
    IReadOnlyList<StageProgress> Stages,
    int Done,
    int Total,
    int Pending,
    int Failed,
    bool Busy,
    double Fraction,
    double RatePerMinute,
    double? EtaSeconds,
    IReadOnlyList<RunningJob> Running);

public sealed record FolderProgress(int Done, int Total, int Pending, int Failed, bool Busy);

public sealed record Folder(
    string Id,
    int DatabaseId,
    string Path,
    bool Recursive,
    bool Active,
    WriteBackMode WriteBackMode,
    DateTimeOffset? LastScanAt,
    string? LastScanError,
    int ImageCount,
    FolderProgress? Progress);

public sealed record StatusCount(string Status, int Count);

public sealed record Stats(IReadOnlyList<StatusCount> ImagesByStatus, int Images, int Tags, int Folders, int Embedded, double Bytes)
{
    public int CountOf(params string[] statuses) =>
        ImagesByStatus.Where(s => statuses.Contains(s.Status, StringComparer.OrdinalIgnoreCase)).Sum(s => s.Count);
}

public sealed record AiStatus(
    string Endpoint,
    bool Reachable,
    string? Version,
    string VisionModel,
    bool VisionModelInstalled,
    string EmbeddingModel,
    bool EmbeddingModelInstalled,
    bool Ready,
    string? Error,
    IReadOnlyList<string> Models);

public sealed record Setting(string Key, string? Value, bool Overridden, string Description);

public sealed record UserError(string Code, string Message, string? Field);

public sealed record FolderPayload(Folder? Folder, IReadOnlyList<UserError> Errors);

public sealed record TagPayload(Tag? Tag, IReadOnlyList<UserError> Errors);

public sealed record ImagePayload(ImageSummary? Image, IReadOnlyList<UserError> Errors);

public sealed record CountPayload(int Count, IReadOnlyList<UserError> Errors);

public sealed record SettingsPayload(IReadOnlyList<Setting> Settings, IReadOnlyList<UserError> Errors);

public sealed record SearchEdge(string Cursor, ImageSummary Node, double Score, IReadOnlyList<SearchSignal> Signals, double? Similarity, double? KeywordRank);

public sealed record SearchResults(IReadOnlyList<SearchEdge> Edges, PageInfo PageInfo, int TotalCount, SearchMode ModeUsed, string? Notice, IReadOnlyList<SearchSignal>? SignalsUsed = null);

public sealed record Dashboard(Stats Stats, ProcessingStatus Progress, IReadOnlyList<ImageSummary> Recent);

/// <summary>Gallery filters as they appear in the URL and in the Api's <c>ImageFilter</c>.</summary>
public sealed record ImageFilter
{
    [JsonPropertyName("folderId")]
    public string? FolderId { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string>? Tags { get; init; }

    [JsonPropertyName("status")]
    public ImageStatus? Status { get; init; }

    [JsonPropertyName("takenFrom")]
    public DateTimeOffset? TakenFrom { get; init; }

    [JsonPropertyName("takenTo")]
    public DateTimeOffset? TakenTo { get; init; }

    [JsonPropertyName("hasGps")]
    public bool? HasGps { get; init; }
}

public sealed record SearchQuery(string Query, SearchMode Mode, IReadOnlyList<string> Tags, string? FolderId, int First, string? After);

public sealed record CrawlProgress(int PagesVisited, int PagesPending, int PagesFailed, int ImagesFound, int ImagesDownloaded, int ImagesSkipped, int ImagesFailed, int ImagesProcessed);

public sealed record CrawlJob(string Id, int DatabaseId, string StartUrl, string State, int MaxDepth, int MaxPages, int MaxImages, bool SameHostOnly, string? FolderId, string? LastError, DateTimeOffset CreatedAt, CrawlProgress Progress);

public sealed record CrawlJobPayload(CrawlJob? CrawlJob, IReadOnlyList<UserError> Errors);

public sealed record ImageId(int DatabaseId);

/// <summary>One page of image ids in list order, with where the next page starts.</summary>
public sealed record IdPage(IReadOnlyList<int> Ids, bool HasNextPage, string? EndCursor)
{
    public static IdPage From(Connection<ImageId> connection) =>
        new(connection.Nodes.Select(n => n.DatabaseId).ToList(), connection.PageInfo.HasNextPage, connection.PageInfo.EndCursor);
}
