using System.Net;
using ImageTagger.GraphQL.Client;

namespace ImageTagger.Web.Api;

/// <summary>
/// The Web's only door to the system: GraphQL over HTTP to the Api (plus image bytes and progress events,
/// proxied by <see cref="Media.MediaEndpoints"/>). Transport failures become <see cref="ApiUnavailableException"/>,
/// GraphQL errors <see cref="ApiRequestException"/>; user errors stay in the payloads.
/// </summary>
public sealed partial class ImageTaggerApiClient(HttpClient http, ILogger<ImageTaggerApiClient> logger)
{
    private const string ImageFields = "id databaseId fileName status width height takenAt description";

    private readonly GraphQLHttpClient _graphQL = new(http, new Uri("graphql", UriKind.Relative));

    public Task<Dashboard> GetDashboardAsync(CancellationToken cancellationToken) =>
        QueryAsync<Dashboard>(
            $$"""
            query Dashboard {
              stats { images tags folders embedded bytes imagesByStatus { status count } }
              progress: processingStatus { {{ProgressFields}} }
              recent: images(first: 12, orderBy: NEWEST) { edges { node { {{ImageFields}} } } }
            }
            """,
            null,
            data => new Dashboard(
                data.Get<Stats>("stats"),
                data.Get<ProcessingStatus>("progress"),
                data.Get<Connection<ImageSummary>>("recent").Nodes.ToList()), cancellationToken);

    public Task<AiStatus> GetAiStatusAsync(CancellationToken cancellationToken) =>
        QueryAsync<AiStatus>($"query AiStatus {{ aiStatus {{ {AiStatusFields} }} }}", null, data => data.Get<AiStatus>("aiStatus"), cancellationToken);

    public Task<ProcessingStatus> GetProcessingStatusAsync(CancellationToken cancellationToken) =>
        QueryAsync<ProcessingStatus>($"query Progress {{ processingStatus {{ {ProgressFields} }} }}", null, data => data.Get<ProcessingStatus>("processingStatus"), cancellationToken);

    public Task<IReadOnlyList<Folder>> GetFoldersAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<Folder>>($"query Folders {{ folders {{ {FolderFields} }} }}", null, data => data.Get<List<Folder>>("folders"), cancellationToken);

    public Task<FolderPayload> AddFolderAsync(string path, bool recursive, WriteBackMode writeBackMode, CancellationToken cancellationToken) =>
        MutateAsync<FolderPayload>(
            $"mutation AddFolder($input: AddFolderInput!) {{ addFolder(input: $input) {{ folder {{ {FolderFields} }} errors {{ code message field }} }} }}",
            new { input = new { path, recursive, writeBackMode } },
            "addFolder",
            cancellationToken);

    public Task<FolderPayload> UpdateFolderAsync(string id, bool? active, bool? recursive, WriteBackMode? writeBackMode, CancellationToken cancellationToken) =>
        MutateAsync<FolderPayload>(
            $"mutation UpdateFolder($input: UpdateFolderInput!) {{ updateFolder(input: $input) {{ folder {{ {FolderFields} }} errors {{ code message field }} }} }}",
            new { input = new { id, active, recursive, writeBackMode } },
            "updateFolder",
            cancellationToken);

    public Task<FolderPayload> RemoveFolderAsync(string id, CancellationToken cancellationToken) =>
        MutateAsync<FolderPayload>(
            "mutation RemoveFolder($id: ID!) { removeFolder(id: $id) { folder { id } errors { code message field } } }",
            new { id },
            "removeFolder",
            cancellationToken);

    public Task<CountPayload> ScanFolderAsync(string? id, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation ScanFolder($id: ID) { scanFolder(id: $id) { count errors { code message field } } }",
            new { id },
            "scanFolder",
            cancellationToken);

    public Task<Connection<ImageSummary>> GetImagesAsync(ImageFilter filter, int first, string? after, CancellationToken cancellationToken) =>
        ImagesAsync(ImageFields, filter, first, after, cancellationToken);

    public Task<ImageDetail?> GetImageAsync(int id, CancellationToken cancellationToken) =>
        QueryAsync<ImageDetail?>(
            $$"""
            query Image($id: ID!) {
              image(id: $id) {
                id databaseId fileName path sizeBytes width height format takenAt
                camera { make model lens } location { latitude longitude altitude } exif { name value }
                description descriptionModel describedAt status error createdAt
                folder { id databaseId path }
                tags { name source tagId }
                similar(first: 8) { similarity image { {{ImageFields}} } }
                ocrText ocrConfidence
                nearDuplicates { similarity image { {{ImageFields}} } }
                tagSuggestions(first: 6) { tagId name score neighbours }
              }
            }
            """,
            new { id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            data => data.GetOrDefault<ImageDetail>("image"), cancellationToken);

    public Task<ImagePayload> SetDescriptionAsync(int imageId, string description, CancellationToken cancellationToken) =>
        MutateAsync<ImagePayload>(
            $"mutation SetDescription($id: ID!, $text: String!) {{ setDescription(imageId: $id, description: $text) {{ image {{ {ImageFields} }} errors {{ code message field }} }} }}",
            new { id = Id(imageId), text = description },
            "setDescription",
            cancellationToken);

    public Task<CountPayload> AddTagsAsync(IReadOnlyCollection<int> imageIds, IReadOnlyCollection<string> tags, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation AddTags($ids: [ID!]!, $tags: [String!]!) { addTags(imageIds: $ids, tags: $tags) { count errors { code message field } } }",
            new { ids = imageIds.Select(Id).ToList(), tags },
            "addTags",
            cancellationToken);

    public Task<CountPayload> RemoveTagsAsync(IReadOnlyCollection<int> imageIds, IReadOnlyCollection<string> tags, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation RemoveTags($ids: [ID!]!, $tags: [String!]!) { removeTags(imageIds: $ids, tags: $tags) { count errors { code message field } } }",
            new { ids = imageIds.Select(Id).ToList(), tags },
            "removeTags",
            cancellationToken);

    public Task<CountPayload> ReprocessAsync(IReadOnlyCollection<int> imageIds, ProcessingStage stage, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation Reprocess($ids: [ID!], $stage: ProcessingStage) { reprocessImages(ids: $ids, stage: $stage) { count errors { code message field } } }",
            new { ids = imageIds.Select(Id).ToList(), stage },
            "reprocessImages",
            cancellationToken);

    public Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken) =>
        QueryAsync<SearchResults>(
            $$"""
            query Search($query: String!, $mode: SearchMode, $tags: [String!], $folderId: ID, $first: Int, $after: String) {
              search(query: $query, mode: $mode, tags: $tags, folderId: $folderId, first: $first, after: $after) {
                totalCount modeUsed notice signalsUsed pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor score signals similarity keywordRank node { {{ImageFields}} } }
              }
            }
            """,
            new { query = query.Query, mode = query.Mode, tags = query.Tags, folderId = query.FolderId, first = query.First, after = query.After },
            data => data.Get<SearchResults>("search"), cancellationToken);

    public Task<Connection<Tag>> GetTagsAsync(string? search, int first, string? after, CancellationToken cancellationToken) =>
        TagsAsync(search, TagOrder.MostUsed, first, after, cancellationToken);

    public Task<IReadOnlyList<Tag>> GetTagCloudAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<Tag>>(
            "query TagCloud($limit: Int) { tagCloud(limit: $limit) { id databaseId name usageCount } }",
            new { limit },
            data => data.Get<List<Tag>>("tagCloud"), cancellationToken);

    public Task<TagPayload> RenameTagAsync(string id, string name, CancellationToken cancellationToken) =>
        MutateAsync<TagPayload>(
            "mutation RenameTag($id: ID!, $name: String!) { renameTag(id: $id, name: $name) { tag { id databaseId name usageCount } errors { code message field } } }",
            new { id, name },
            "renameTag",
            cancellationToken);

    public Task<TagPayload> MergeTagsAsync(IReadOnlyCollection<string> sourceIds, string targetId, CancellationToken cancellationToken) =>
        MutateAsync<TagPayload>(
            "mutation MergeTags($sources: [ID!]!, $target: ID!) { mergeTags(sourceIds: $sources, targetId: $target) { tag { id databaseId name usageCount } errors { code message field } } }",
            new { sources = sourceIds, target = targetId },
            "mergeTags",
            cancellationToken);

    public Task<CountPayload> DeleteTagAsync(string id, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation DeleteTag($id: ID!) { deleteTag(id: $id) { count errors { code message field } } }",
            new { id },
            "deleteTag",
            cancellationToken);

    public Task<IReadOnlyList<Setting>> GetSettingsAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<Setting>>("query Settings { settings { key value overridden description } }", null, data => data.Get<List<Setting>>("settings"), cancellationToken);

    public Task<SettingsPayload> UpdateSettingsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken) =>
        MutateAsync<SettingsPayload>(
            "mutation UpdateSettings($input: [SettingInput!]!) { updateSettings(input: $input) { settings { key value overridden description } errors { code message field } } }",
            new { input = changes.Select(c => new { key = c.Key, value = c.Value }).ToList() },
            "updateSettings",
            cancellationToken);

    public Task<AiStatus> TestOllamaConnectionAsync(string? url, CancellationToken cancellationToken) =>
        MutateAsync<AiStatus>(
            $"mutation TestOllama($url: String) {{ testOllamaConnection(url: $url) {{ {AiStatusFields} }} }}",
            new { url = string.IsNullOrWhiteSpace(url) ? null : url.Trim() },
            "testOllamaConnection",
            cancellationToken);

    public Task<IReadOnlyList<CrawlJob>> GetCrawlJobsAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<CrawlJob>>(
            $"query CrawlJobs {{ crawlJobs(first: 50) {{ edges {{ node {{ {CrawlJobFields} }} }} }} }}",
            null,
            data => data.Get<Connection<CrawlJob>>("crawlJobs").Nodes.ToList(),
            cancellationToken);

    public Task<CrawlJobPayload> CreateCrawlJobAsync(string startUrl, int maxDepth, int maxPages, int maxImages, bool sameHostOnly, CancellationToken cancellationToken) =>
        MutateAsync<CrawlJobPayload>(
            $"mutation CreateCrawl($input: CreateCrawlJobInput!) {{ createCrawlJob(input: $input) {{ crawlJob {{ {CrawlJobFields} }} errors {{ code message field }} }} }}",
            new { input = new { startUrl, maxDepth, maxPages, maxImages, sameHostOnly } },
            "createCrawlJob",
            cancellationToken);

    /// <summary>pause, resume or cancel.</summary>
    public Task<CrawlJobPayload> ChangeCrawlJobAsync(string action, string id, CancellationToken cancellationToken)
    {
        var field = action switch
        {
            "pause" => "pauseCrawlJob",
            "resume" => "resumeCrawlJob",
            "cancel" => "cancelCrawlJob",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "pause, resume or cancel"),
        };
        return MutateAsync<CrawlJobPayload>(
            $"mutation ChangeCrawl($id: ID!) {{ {field}(id: $id) {{ crawlJob {{ {CrawlJobFields} }} errors {{ code message field }} }} }}",
            new { id },
            field,
            cancellationToken);
    }

    public Task<CountPayload> DeleteCrawlJobAsync(string id, CancellationToken cancellationToken) =>
        MutateAsync<CountPayload>(
            "mutation DeleteCrawl($id: ID!) { deleteCrawlJob(id: $id) { count errors { code message field } } }",
            new { id },
            "deleteCrawlJob",
            cancellationToken);

    /// <summary>The gallery's pages: like <see cref="GetImagesAsync"/>, with each image's tags (batched by the Api's data loader).</summary>
    public Task<Connection<ImageSummary>> GetGalleryAsync(ImageFilter filter, int first, string? after, CancellationToken cancellationToken) =>
        ImagesAsync(ImageFields + " tags { name source tagId }", filter, first, after, cancellationToken);

    private Task<Connection<ImageSummary>> ImagesAsync(string fields, ImageFilter filter, int first, string? after, CancellationToken cancellationToken) =>
        QueryAsync<Connection<ImageSummary>>(
            $$"""
            query Gallery($where: ImageFilter, $first: Int, $after: String) {
              images(where: $where, first: $first, after: $after, orderBy: NEWEST) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { {{fields}} } }
              }
            }
            """,
            new { where = filter, first, after },
            data => data.Get<Connection<ImageSummary>>("images"), cancellationToken);

    /// <summary>The image ids of one page of a search, in rank order (previous/next on the detail page).</summary>
    public Task<IdPage> GetSearchIdsAsync(SearchQuery query, CancellationToken cancellationToken) =>
        QueryAsync<IdPage>(
            """
            query SearchIds($query: String!, $mode: SearchMode, $tags: [String!], $folderId: ID, $first: Int, $after: String) {
              search(query: $query, mode: $mode, tags: $tags, folderId: $folderId, first: $first, after: $after) {
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { databaseId } }
              }
            }
            """,
            new { query = query.Query, mode = query.Mode, tags = query.Tags, folderId = query.FolderId, first = query.First, after = query.After },
            data => IdPage.From(data.Get<Connection<ImageId>>("search")), cancellationToken);

    /// <summary>The image ids of one page of the library under a filter (the Api's <c>ImageFilter</c> fields), newest first.</summary>
    public Task<IdPage> GetImageIdsAsync(IReadOnlyDictionary<string, object?> where, int first, string? after, CancellationToken cancellationToken) =>
        QueryAsync<IdPage>(
            """
            query ImageIds($where: ImageFilter, $first: Int, $after: String) {
              images(where: $where, first: $first, after: $after, orderBy: NEWEST) {
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { databaseId } }
              }
            }
            """,
            new { where, first, after },
            data => IdPage.From(data.Get<Connection<ImageId>>("images")), cancellationToken);

    /// <summary>The roots folders must be under (shown as help on the folders page).</summary>
    public Task<IReadOnlyList<string>> GetAllowedRootsAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<string>>("query AllowedRoots { allowedRoots }", null, data => data.Get<List<string>>("allowedRoots"), cancellationToken);

    /// <summary>Every tag matching <paramref name="search"/>, page by page (the Api serves at most 200 per page).</summary>
    /// <summary>Accepts a suggested tag: it becomes the image's tag (source SUGGESTION).</summary>
    public Task<TagSuggestionPayload> AcceptTagSuggestionAsync(int imageId, string tagId, CancellationToken cancellationToken) =>
        MutateAsync<TagSuggestionPayload>(
            "mutation AcceptSuggestion($image: ID!, $tag: ID!) { acceptTagSuggestion(imageId: $image, tagId: $tag) { errors { code message field } } }",
            new { image = Id(imageId), tag = tagId },
            "acceptTagSuggestion",
            cancellationToken);

    /// <summary>Dismisses a suggested tag: it is not offered for this image again.</summary>
    public Task<TagSuggestionPayload> DismissTagSuggestionAsync(int imageId, string tagId, CancellationToken cancellationToken) =>
        MutateAsync<TagSuggestionPayload>(
            "mutation DismissSuggestion($image: ID!, $tag: ID!) { dismissTagSuggestion(imageId: $image, tagId: $tag) { errors { code message field } } }",
            new { image = Id(imageId), tag = tagId },
            "dismissTagSuggestion",
            cancellationToken);

    public Task<OfflineAiStatus> GetOfflineAiAsync(CancellationToken cancellationToken) =>
        QueryAsync<OfflineAiStatus>(
            "query OfflineAi { offlineAi { ocrEnabled featuresEnabled textEmbeddingsEnabled modelsPresent error capabilities { feature available model note } } }",
            null,
            data => data.Get<OfflineAiStatus>("offlineAi"),
            cancellationToken);

    /// <summary>
    /// <paramref name="count"/> tags from position <paramref name="offset"/> of the ordered, filtered list: the Api's tag
    /// cursors are Relay offset cursors, so a page anywhere in tens of thousands of tags costs one query.
    /// </summary>
    public Task<Connection<Tag>> GetTagPageAsync(string? search, TagOrder order, int offset, int count, CancellationToken cancellationToken) =>
        TagsAsync(search, order, count, offset <= 0 ? null : OffsetCursor(offset - 1), cancellationToken);

    /// <summary>The tag with this name as the Api stores names (normalized), if any.</summary>
    public Task<Tag?> FindTagAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync<Tag?>(
            "query FindTag($name: String!) { tag(name: $name) { id databaseId name usageCount } }",
            new { name },
            data => data.GetOrDefault<Tag>("tag"),
            cancellationToken);

    private Task<Connection<Tag>> TagsAsync(string? search, TagOrder order, int first, string? after, CancellationToken cancellationToken) =>
        QueryAsync<Connection<Tag>>(
            """
            query Tags($search: String, $first: Int, $after: String, $order: TagOrder) {
              tags(search: $search, first: $first, after: $after, orderBy: $order) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { id databaseId name usageCount } }
              }
            }
            """,
            new { search = string.IsNullOrWhiteSpace(search) ? null : search.Trim(), first, after, order },
            data => data.Get<Connection<Tag>>("tags"), cancellationToken);

    private static string OffsetCursor(int offset) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("arrayconnection:" + offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    internal const string CrawlJobFields =
        "id databaseId startUrl state maxDepth maxPages maxImages sameHostOnly folderId lastError createdAt progress { pagesVisited pagesPending pagesFailed imagesFound imagesDownloaded imagesSkipped imagesFailed imagesProcessed }";

    private const string ProgressFields =
        "done total pending failed busy fraction ratePerMinute etaSeconds stages { kind queued running done parked } running { kind fileName startedAt worker }";

    private const string FolderFields =
        "id databaseId path recursive active writeBackMode lastScanAt lastScanError imageCount progress { done total pending failed busy }";

    private const string AiStatusFields =
        "endpoint reachable version visionModel visionModelInstalled embeddingModel embeddingModelInstalled ready error models";

    private static string Id(int databaseId) => databaseId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<T> MutateAsync<T>(string query, object variables, string field, CancellationToken cancellationToken) =>
        QueryAsync(query, variables, data => data.Get<T>(field), cancellationToken);

    private async Task<T> QueryAsync<T>(string query, object? variables, Func<ResponseData, T> map, CancellationToken cancellationToken)
    {
        GraphQLResponse response;
        try
        {
            response = await _graphQL.SendAsync(query, variables, cancellationToken: cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogUnavailable(logger, http.BaseAddress, ex.Message);
            throw new ApiUnavailableException($"The ImageTagger Api at {http.BaseAddress} cannot be reached ({ex.Message}).", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, http.BaseAddress, "timed out");
            throw new ApiUnavailableException($"The ImageTagger Api at {http.BaseAddress} did not answer in time.", ex);
        }
        catch (GraphQLClientException ex)
        {
            var status = ex.Response?.StatusCode ?? HttpStatusCode.BadGateway;
            LogUnavailable(logger, http.BaseAddress, $"HTTP {(int)status}");
            throw new ApiUnavailableException($"The ImageTagger Api answered HTTP {(int)status} instead of GraphQL.", ex);
        }

        if (response.HasErrors)
        {
            var message = string.Join("; ", response.Errors.Select(e => e.Message));
            LogGraphQLErrors(logger, message);
            throw new ApiRequestException(message);
        }

        return map(new ResponseData(response));
    }

    /// <summary>Typed access to the properties of a response's <c>data</c>.</summary>
    private readonly struct ResponseData(GraphQLResponse response)
    {
        public T Get<T>(string property) => response.GetData<T>(property) ?? throw new ApiRequestException($"The Api's answer lacks '{property}'.");

        public T? GetOrDefault<T>(string property) => response.GetData<T>(property);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Api at {BaseAddress} is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Uri? baseAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Api answered with errors: {Errors}")]
    private static partial void LogGraphQLErrors(ILogger logger, string errors);
}
