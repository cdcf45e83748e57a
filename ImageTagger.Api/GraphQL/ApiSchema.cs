using ImageTagger.Ai;
using ImageTagger.Api.Folders;
using ImageTagger.Api.Images;
using ImageTagger.Api.Progress;
using ImageTagger.Api.Search;
using ImageTagger.Api.Security;
using ImageTagger.Api.Settings;
using ImageTagger.Api.Tags;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Search;
using ImageTagger.Catalog.Tags;
using ImageTagger.GraphQL;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.GraphQL;

/// <summary>The product's GraphQL schema: everything the web UI can do, other apps can do here.</summary>
public static class ApiSchema
{
    private const int MaxPageSize = 200;

    public static void Configure(SchemaBuilder schema)
    {
        schema.Description("ImageTagger: AI image tagging and search.");
        schema.Scalar(new DateTimeScalar());
        schema.Enum<ImageStatus>();
        schema.Enum<TagSource>();
        schema.Enum<WriteBackMode>();
        schema.Enum<SearchMode>();
        schema.Enum<SearchSignals>("SearchSignal");
        schema.Enum<ImageOrder>();
        schema.Enum<TagOrder>();
        schema.Enum<ProcessingStage>();

        schema.NodeInterface(ResolveNodeAsync);
        ConfigureTypes(schema);
        ConfigureQueries(schema);
        ConfigureMutations(schema);
        Crawl.CrawlSchema.Configure(schema);
        Offline.OfflineSchema.Configure(schema, LoadImageAsync);
        schema.Subscription(s => s
            .Field("processingProgress", "ProcessingStatus!", f => f
                .Description("Processing progress, pushed whenever jobs finish (at most twice a second).")
                .Argument("folderId", "ID")
                .Subscribe(ctx => ctx.GetRequiredService<ProgressEvents>().SubscribeAsync(ResolverScope.ParseOptionalId(ctx.Argument<string?>("folderId"), "Folder"), ctx.CancellationToken))));
    }

    private static async Task<object?> ResolveNodeAsync(IResolverContext ctx, string type, string id)
    {
        if (!long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var key))
        {
            return null;
        }

        return type switch
        {
            "Image" => await LoadImageAsync(ctx, key),
            "Folder" => await ctx.With<ImageTagger.Catalog.CatalogDbContext, FolderNode?>(async (db, ct) =>
                await db.Folders.AsNoTracking().Where(f => f.Id == key).Select(f => FolderNode.From(f)).SingleOrDefaultAsync(ct)),
            "Tag" => await ctx.With<ImageTagger.Catalog.CatalogDbContext, TagNode?>(async (db, ct) =>
                await db.Tags.AsNoTracking().Where(t => t.Id == key).Select(t => TagNode.From(t)).SingleOrDefaultAsync(ct)),
            _ => null,
        };
    }

    private static Task<ImageNode?> LoadImageAsync(IResolverContext ctx, long id) =>
        ctx.DataLoaders.GetOrCreate<long, ImageNode>("imageById", async (ids, ct) =>
        {
            await using var scope = ctx.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var images = await scope.ServiceProvider.GetRequiredService<ImageService>().GetManyAsync(ids, ct);
            return images.ToDictionary(p => p.Key, p => ImageNode.From(p.Value));
        }).LoadAsync(id);

    private static void ConfigureTypes(SchemaBuilder schema)
    {
        schema.Object<ImageNode>("Image", o => o
            .Description("An image file and what was learned about it.")
            .NodeId<ImageNode>(i => i.Id)
            .Field("databaseId", "Int!", ctx => (int)ctx.Parent<ImageNode>().Id)
            .Field("fileName", "String!")
            .Field("path", "String!", f => f.Description("Where the file is, for display; files are fetched by id (originalUrl), never by path."))
            .Field("folder", "Folder", ctx => LoadFolderAsync(ctx, ctx.Parent<ImageNode>().FolderId))
            .Field("sizeBytes", "Float!", ctx => (double)ctx.Parent<ImageNode>().SizeBytes)
            .Field("width", "Int")
            .Field("height", "Int")
            .Field("format", "String")
            .Field("takenAt", "DateTime")
            .Field("camera", "Camera")
            .Field("location", "GeoPoint")
            .Field("exif", "[ExifEntry!]!")
            .Field("description", "String")
            .Field("descriptionModel", "String", f => f.Description("The model that wrote the description, or \"user\"."))
            .Field("describedAt", "DateTime")
            .Field("status", "ImageStatus!")
            .Field("error", "String", f => f.Description("Why processing failed, with the stage that failed."))
            .Field("duplicateOf", "Image", ctx => ctx.Parent<ImageNode>().DuplicateOfId is { } d ? LoadImageAsync(ctx, d) : Task.FromResult<ImageNode?>(null))
            .Field("sourceUrl", "String")
            .Field("sourcePageUrl", "String")
            .Field("altText", "String")
            .Field("createdAt", "DateTime!")
            .Field("tags", "[ImageTag!]!", f => f.Cost(2).Resolve(ctx => LoadTagsAsync(ctx, ctx.Parent<ImageNode>().Id)))
            .Field("thumbnailUrl", "String!", f => f
                .Argument("size", "Int", a => a.Default(256))
                .Resolve(ctx => ImageEndpoints.ThumbnailUrl(ctx.Parent<ImageNode>().Id, ctx.ArgumentOrDefault("size", 256))))
            .Field("originalUrl", "String!", ctx => ImageEndpoints.OriginalUrl(ctx.Parent<ImageNode>().Id))
            .Field("similar", "[SimilarImage!]!", f => f
                .Cost(10)
                .Argument("first", "Int", a => a.Default(12))
                .Resolve(ctx => SimilarAsync(ctx, ctx.Parent<ImageNode>().Id, ctx.ArgumentOrDefault("first", 12)))));
        schema.Object<CameraInfo>("Camera", o => o.Field("make", "String").Field("model", "String").Field("lens", "String"));
        schema.Object<GeoPoint>("GeoPoint", o => o.Field("latitude", "Float!").Field("longitude", "Float!").Field("altitude", "Float"));
        schema.Object<ExifEntry>("ExifEntry", o => o.Field("name", "String!").Field("value", "String!"));
        schema.Object<ImageTagNode>("ImageTag", o => o
            .Description("A tag on an image and who put it there.")
            .Field("name", "String!")
            .Field("source", "TagSource!")
            .Field("tagId", "ID!", ctx => GlobalId.Encode("Tag", ctx.Parent<ImageTagNode>().TagId)));
        schema.Object<SimilarImage>("SimilarImage", o => o.Field("image", "Image!").Field("similarity", "Float!"));
        schema.Object<TagNode>("Tag", o => o
            .NodeId<TagNode>(t => t.Id)
            .Field("databaseId", "Int!", ctx => (int)ctx.Parent<TagNode>().Id)
            .Field("name", "String!")
            .Field("usageCount", "Int!"));
        schema.Object<FolderNode>("Folder", o => o
            .NodeId<FolderNode>(f => f.Id)
            .Field("databaseId", "Int!", ctx => (int)ctx.Parent<FolderNode>().Id)
            .Field("path", "String!")
            .Field("recursive", "Boolean!")
            .Field("active", "Boolean!")
            .Field("writeBackMode", "WriteBackMode!")
            .Field("lastScanAt", "DateTime")
            .Field("lastScanError", "String")
            .Field("imageCount", "Int!")
            .Field("progress", "ProcessingStatus!", f => f.Cost(5).Resolve(ctx =>
                ctx.With<ProgressService, ProcessingStatus>((p, ct) => p.GetStatusAsync(ctx.Parent<FolderNode>().Id, ct)))));
        schema.ConnectionType("Image");
        schema.ConnectionType("Tag");
        schema.Object<SearchEdge>("SearchEdge", o => o
            .Field("cursor", "String!")
            .Field("node", "Image!")
            .Field("score", "Float!", f => f.Description("Fused rank score: higher is better."))
            .Field("signals", "[SearchSignal!]!", f => f.Description("Which searches found this image."))
            .Field("similarity", "Float", f => f.Description("Cosine similarity to the query, when found semantically (the higher of the two models' when both found it)."))
            .Field("keywordRank", "Float", f => f.Description("Full-text rank, when found by keyword: 2–3 when it has every word, 1–2 every word with the last one as the start of a longer word (as while typing), 0–1 some of the words; within each, words in the query's order rank higher.")));
        schema.Object<SearchConnection>("SearchResultConnection", o => o
            .Field("edges", "[SearchEdge!]!")
            .Field("pageInfo", "PageInfo!")
            .Field("totalCount", "Int!")
            .Field("modeUsed", "SearchMode!", f => f.Description("The mode that ran (semantic falls back to keyword when the model is unreachable)."))
            .Field("notice", "String", f => f.Description("Why results may differ from what was asked, e.g. semantic search unavailable."))
            .Field("signalsUsed", "[SearchSignal!]!", f => f.Description("The searches that ran: FULL_TEXT/FUZZY_TAG (keyword), SEMANTIC (Ollama embedding), OFFLINE_SEMANTIC (offline text model).")));
        schema.Object<StageProgress>("StageProgress", o => o
            .Field("kind", "String!").Field("queued", "Int!", ctx => (int)ctx.Parent<StageProgress>().Queued)
            .Field("running", "Int!", ctx => (int)ctx.Parent<StageProgress>().Running).Field("done", "Int!", ctx => (int)ctx.Parent<StageProgress>().Done)
            .Field("parked", "Int!", ctx => (int)ctx.Parent<StageProgress>().Parked));
        schema.Object<RunningJob>("RunningJob", o => o
            .Field("jobId", "ID!", ctx => ctx.Parent<RunningJob>().JobId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Field("kind", "String!")
            .Field("image", "Image", ctx => ctx.Parent<RunningJob>().ImageId is { } id ? LoadImageAsync(ctx, id) : Task.FromResult<ImageNode?>(null))
            .Field("fileName", "String").Field("startedAt", "DateTime").Field("worker", "String"));
        schema.Object<ProcessingStatus>("ProcessingStatus", o => o
            .Description("Where processing stands; rate and ETA are measured over the last minute.")
            .Field("stages", "[StageProgress!]!")
            .Field("done", "Int!", ctx => (int)ctx.Parent<ProcessingStatus>().Done)
            .Field("total", "Int!", ctx => (int)ctx.Parent<ProcessingStatus>().Total)
            .Field("pending", "Int!", ctx => (int)ctx.Parent<ProcessingStatus>().Pending)
            .Field("failed", "Int!", ctx => (int)ctx.Parent<ProcessingStatus>().Failed)
            .Field("busy", "Boolean!")
            .Field("fraction", "Float!")
            .Field("ratePerMinute", "Float!")
            .Field("etaSeconds", "Float", ctx => ctx.Parent<ProcessingStatus>().Eta?.TotalSeconds)
            .Field("running", "[RunningJob!]!"));
        schema.Object<StatusCount>("StatusCount", o => o.Field("status", "String!").Field("count", "Int!", ctx => (int)ctx.Parent<StatusCount>().Count));
        schema.Object<LibraryStats>("Stats", o => o
            .Field("imagesByStatus", "[StatusCount!]!")
            .Field("images", "Int!", ctx => (int)ctx.Parent<LibraryStats>().Images)
            .Field("tags", "Int!", ctx => (int)ctx.Parent<LibraryStats>().Tags)
            .Field("folders", "Int!", ctx => (int)ctx.Parent<LibraryStats>().Folders)
            .Field("embedded", "Int!", ctx => (int)ctx.Parent<LibraryStats>().Embedded)
            .Field("bytes", "Float!", ctx => (double)ctx.Parent<LibraryStats>().Bytes));
        schema.Object<SettingValue>("Setting", o => o.Field("key", "String!").Field("value", "String").Field("overridden", "Boolean!").Field("description", "String!"));
        schema.Object<AiStatusNode>("AiStatus", o => o
            .Field("endpoint", "String!").Field("reachable", "Boolean!").Field("version", "String")
            .Field("visionModel", "String!").Field("visionModelInstalled", "Boolean!")
            .Field("embeddingModel", "String!").Field("embeddingModelInstalled", "Boolean!")
            .Field("ready", "Boolean!").Field("error", "String").Field("models", "[String!]!"));
        schema.Object<UserError>("UserError", o => o
            .Description("A problem with the input that the user can fix; the operation did nothing.")
            .Field("code", "String!").Field("message", "String!").Field("field", "String"));
        schema.Object<FolderPayload>("FolderPayload", o => o.Field("folder", "Folder").Field("errors", "[UserError!]!"));
        schema.Object<TagPayload>("TagPayload", o => o.Field("tag", "Tag").Field("errors", "[UserError!]!"));
        schema.Object<ImagePayload>("ImagePayload", o => o.Field("image", "Image").Field("errors", "[UserError!]!"));
        schema.Object<CountPayload>("CountPayload", o => o.Field("count", "Int!").Field("errors", "[UserError!]!"));
        schema.Object<SettingsPayload>("SettingsPayload", o => o.Field("settings", "[Setting!]!").Field("errors", "[UserError!]!"));

        schema.InputObject("ImageFilter", i => i
            .Field("folderId", "ID").Field("tags", "[String!]").Field("status", "ImageStatus").Field("format", "String")
            .Field("takenFrom", "DateTime").Field("takenTo", "DateTime").Field("hasGps", "Boolean").Field("text", "String"));
        schema.InputObject("AddFolderInput", i => i
            .Field("path", "String!").Field("recursive", "Boolean", f => f.Default(true)).Field("writeBackMode", "WriteBackMode", f => f.Default(WriteBackMode.None)));
        schema.InputObject("UpdateFolderInput", i => i
            .Field("id", "ID!").Field("active", "Boolean").Field("recursive", "Boolean").Field("writeBackMode", "WriteBackMode"));
        schema.InputObject("SettingInput", i => i.Field("key", "String!").Field("value", "String"));
    }

    private static Task<FolderNode?> LoadFolderAsync(IResolverContext ctx, long id) =>
        ctx.DataLoaders.GetOrCreate<long, FolderNode>("folderById", async (ids, ct) =>
        {
            await using var scope = ctx.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ImageTagger.Catalog.CatalogDbContext>();
            return await db.Folders.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, FolderNode.From, ct);
        }).LoadAsync(id);

    private static async Task<ImageTagNode[]> LoadTagsAsync(IResolverContext ctx, long imageId) =>
        await ctx.DataLoaders.GetOrCreate<long, ImageTagNode[]>("tagsByImage", async (ids, ct) =>
        {
            await using var scope = ctx.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var tags = await scope.ServiceProvider.GetRequiredService<ImageService>().TagsOfAsync(ids, ct);
            return ids.Distinct().ToDictionary(id => id, id => tags.TryGetValue(id, out var t) ? t.Select(x => new ImageTagNode(x.TagId, x.Tag!.Name, x.Source)).ToArray() : []);
        }).LoadAsync(imageId) ?? [];

    private static async Task<IReadOnlyList<SimilarImage>> SimilarAsync(IResolverContext ctx, long imageId, int first)
    {
        var hits = await ctx.With<SearchService, IReadOnlyList<ImageTagger.Catalog.Embeddings.VectorHit>>((s, ct) => s.SimilarAsync(imageId, Math.Clamp(first, 1, 100), ct));
        var images = await Task.WhenAll(hits.Select(h => LoadImageAsync(ctx, h.ImageId)));
        return hits.Zip(images).Where(p => p.Second is not null).Select(p => new SimilarImage(p.Second!, 1 - p.First.Distance)).ToList();
    }

    private static void ConfigureQueries(SchemaBuilder schema) => schema.Query(q => q
        .Field("image", "Image", f => f
            .Argument("id", "ID!")
            .Resolve(ctx => LoadImageAsync(ctx, ResolverScope.ParseId(ctx.Argument<string>("id"), "Image"))))
        .Field("images", "ImageConnection!", f => f
            .Description("Browse the library: filters, order, cursor paging.")
            .Argument("first", "Int", a => a.Default(24))
            .Argument("after", "String")
            .Argument("where", "ImageFilter")
            .Argument("orderBy", "ImageOrder", a => a.Default(ImageOrder.Newest))
            .Cost(5)
            .Resolve(ctx => ctx.With<ImageService, Connection<ImageNode>>((images, ct) => ImagesAsync(ctx, images, ct))))
        .Field("similarImages", "[SimilarImage!]!", f => f
            .Argument("id", "ID!").Argument("first", "Int", a => a.Default(12)).Cost(10)
            .Resolve(ctx => SimilarAsync(ctx, ResolverScope.ParseId(ctx.Argument<string>("id"), "Image"), ctx.ArgumentOrDefault("first", 12))))
        .Field("search", "SearchResultConnection!", f => f
            .Description("Keyword, semantic or hybrid search; filters apply before ranking.")
            .Argument("query", "String!")
            .Argument("mode", "SearchMode", a => a.Default(SearchMode.Hybrid))
            .Argument("tags", "[String!]")
            .Argument("folderId", "ID")
            .Argument("takenFrom", "DateTime")
            .Argument("takenTo", "DateTime")
            .Argument("minScore", "Float", a => a.Describe("Lowest cosine similarity for semantic hits (default from configuration)."))
            .Argument("first", "Int", a => a.Default(24))
            .Argument("after", "String")
            .Cost(20)
            .Resolve(SearchAsync))
        .Field("tags", "TagConnection!", f => f
            .Description("Tags, a page at a time (offset cursors: a page can be fetched at any position), filtered by the start of a word.")
            .Argument("first", "Int", a => a.Default(50)).Argument("after", "String").Argument("search", "String")
            .Argument("orderBy", "TagOrder", a => a.Default(TagOrder.MostUsed)).Cost(5)
            .Resolve(ctx => ctx.With<TagService, Connection<TagNode>>((tags, ct) =>
            {
                var query = tags.Query(ctx.Argument<string?>("search"), ctx.ArgumentOrDefault("orderBy", TagOrder.MostUsed));
                return Connection.FromSliceAsync<TagNode>(ctx, c => query.CountAsync(c),
                    async (offset, count, c) => (await query.Skip(offset).Take(Math.Min(count, MaxPageSize)).ToListAsync(c)).Select(TagNode.From).ToList());
            })))
        .Field("tag", "Tag", f => f
            .Description("A tag by its name (normalized the way tags are stored).")
            .Argument("name", "String!")
            .Resolve(ctx => ctx.With<TagService, TagNode?>(async (tags, ct) => await tags.FindAsync(ctx.Argument<string>("name"), ct) is { } t ? TagNode.From(t) : null)))
        .Field("allowedRoots", "[String!]!", f => f
            .Description("Folders can only be added under these.")
            .Resolve(ctx => ctx.GetRequiredService<IOptionsMonitor<FolderOptions>>().CurrentValue.AllowedRoots))
        .Field("tagCloud", "[Tag!]!", f => f
            .Argument("limit", "Int", a => a.Default(100))
            .Resolve(ctx => ctx.With<TagService, List<TagNode>>(async (tags, ct) => (await tags.CloudAsync(ctx.ArgumentOrDefault("limit", 100), ct)).Select(TagNode.From).ToList())))
        .Field("folders", "[Folder!]!", ctx => ctx.With<FolderService, List<FolderNode>>(async (folders, ct) => (await folders.ListAsync(ct)).Select(FolderNode.From).ToList()))
        .Field("stats", "Stats!", ctx => ctx.With<ProgressService, LibraryStats>((p, ct) => p.GetStatsAsync(ct)))
        .Field("processingStatus", "ProcessingStatus!", f => f
            .Argument("folderId", "ID")
            .Resolve(ctx => ctx.With<ProgressService, ProcessingStatus>((p, ct) => p.GetStatusAsync(ResolverScope.ParseOptionalId(ctx.Argument<string?>("folderId"), "Folder"), ct))))
        .Field("settings", "[Setting!]!", ctx => ctx.With<SettingsService, IReadOnlyList<SettingValue>>((s, ct) => s.GetAsync(ct)))
        .Field("aiStatus", "AiStatus!", async ctx => ToNode(await ctx.GetRequiredService<OllamaStatusClient>().GetStatusAsync(ctx.CancellationToken))));

    /// <summary>
    /// The gallery. Cursors are keyset cursors (the last image's sort key), so a deep page is as fast as the first;
    /// an offset cursor (<c>arrayconnection:N</c>) from an older client still pages by offset. <c>totalCount</c> is
    /// only worked out when selected, from the kept counters where the filter allows (see <see cref="ImageService.CountAsync"/>).
    /// </summary>
    private static async Task<Connection<ImageNode>> ImagesAsync(IResolverContext ctx, ImageService images, CancellationToken cancellationToken)
    {
        var filter = ToFilter(ctx.Argument<Dictionary<string, object?>?>("where"));
        var order = ctx.ArgumentOrDefault("orderBy", ImageOrder.Newest);
        var first = Math.Clamp(ctx.ArgumentOrDefault("first", 24), 0, MaxPageSize);
        var after = ctx.Argument<string?>("after");
        if (after is not null && Connection.CursorToOffset(after) is not null)
        {
            var query = images.Query(filter, order);
            return await Connection.FromSliceAsync<ImageNode>(ctx,
                c => query.CountAsync(c),
                async (offset, count, c) => (await query.Skip(offset).Take(Math.Min(count, first)).ToListAsync(c)).Select(ImageNode.From).ToList());
        }

        var cursor = after is null ? null : ImageCursor.TryDecode(after) is { } decoded && decoded.Order == order
            ? decoded
            : throw new GraphQLException($"\"{after}\" is not a cursor of this list (orderBy {order}).");
        var page = await images.PageAsync(filter, order, first, cursor, cancellationToken);
        var total = ctx.Selects("totalCount") ? (int)Math.Min(int.MaxValue, await images.CountAsync(filter, cancellationToken)) : 0;
        var edges = page.Images.Select(i => new Edge<ImageNode>(ImageCursor.Of(i, order).Encode(), ImageNode.From(i))).ToList();
        return new Connection<ImageNode>(edges, new PageInfo(page.HasNextPage, false, edges.FirstOrDefault()?.Cursor, edges.LastOrDefault()?.Cursor), total);
    }

    private static async Task<SearchConnection> SearchAsync(IResolverContext ctx)
    {
        var first = Math.Clamp(ctx.ArgumentOrDefault("first", 24), 1, MaxPageSize);
        var offset = (Connection.CursorToOffset(ctx.Argument<string?>("after")) ?? -1) + 1;
        var request = new SearchRequest(ctx.Argument<string>("query") ?? "", ctx.ArgumentOrDefault("mode", SearchMode.Hybrid))
        {
            Filters = new SearchFilters
            {
                FolderId = ResolverScope.ParseOptionalId(ctx.Argument<string?>("folderId"), "Folder"),
                Tags = ctx.Argument<List<string>?>("tags") ?? [],
                TakenFrom = ctx.Argument<DateTimeOffset?>("takenFrom"),
                TakenTo = ctx.Argument<DateTimeOffset?>("takenTo"),
            },
            MinSimilarity = ctx.Argument<double?>("minScore"),
            Offset = offset,
            Limit = first,
        };
        var result = await ctx.With<SearchService, SearchResult>((s, ct) => s.SearchAsync(request, ct));
        var images = await Task.WhenAll(result.Hits.Select(h => LoadImageAsync(ctx, h.ImageId)));
        var edges = result.Hits.Zip(images).Where(p => p.Second is not null).Select((p, i) => new SearchEdge(
            Connection.OffsetToCursor(offset + i), p.Second!, p.First.Score,
            Enum.GetValues<SearchSignals>().Where(s => s != SearchSignals.None && p.First.Signals.HasFlag(s)).ToList(),
            p.First.Similarity, p.First.KeywordRank)).ToList();
        var pageInfo = new PageInfo(offset + result.Hits.Count < result.TotalCandidates, offset > 0, edges.FirstOrDefault()?.Cursor, edges.LastOrDefault()?.Cursor);
        return new SearchConnection(edges, pageInfo, result.TotalCandidates, result.ModeUsed, result.Notice,
            Enum.GetValues<SearchSignals>().Where(s => s != SearchSignals.None && result.SignalsUsed.HasFlag(s)).ToList());
    }

    private static ImageFilter ToFilter(Dictionary<string, object?>? where)
    {
        if (where is null)
        {
            return new ImageFilter();
        }

        T? Get<T>(string key) => where.TryGetValue(key, out var v) && v is not null ? ArgumentConverter.Convert<T>(v) : default;
        return new ImageFilter
        {
            FolderId = ResolverScope.ParseOptionalId(Get<string>("folderId"), "Folder"),
            Tags = Get<List<string>>("tags") ?? [],
            Status = where.TryGetValue("status", out var s) && s is ImageStatus status ? status : null,
            Format = Get<string>("format"),
            TakenFrom = where.TryGetValue("takenFrom", out var tf) && tf is DateTimeOffset from ? from : null,
            TakenTo = where.TryGetValue("takenTo", out var tt) && tt is DateTimeOffset to ? to : null,
            HasGps = where.TryGetValue("hasGps", out var g) && g is bool gps ? gps : null,
            Text = Get<string>("text"),
        };
    }

    private static AiStatusNode ToNode(OllamaStatus s) => new(
        s.Endpoint.ToString(), s.Reachable, s.Version, s.VisionModel, s.VisionModelInstalled, s.EmbeddingModel, s.EmbeddingModelInstalled, s.Ready, s.Error,
        s.Models.Select(m => m.Name).ToList());

    private static void ConfigureMutations(SchemaBuilder schema) => schema.Mutation(m => m
        .Field("addFolder", "FolderPayload!", f => f.Argument("input", "AddFolderInput!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var input = ctx.Argument<Dictionary<string, object?>>("input");
            var result = await ctx.With<FolderService, FolderResult>((s, ct) => s.AddAsync(
                input.GetValueOrDefault("path") as string,
                input.GetValueOrDefault("recursive") as bool? ?? true,
                input.GetValueOrDefault("writeBackMode") as WriteBackMode? ?? WriteBackMode.None,
                ct));
            return ToPayload(result, "path");
        }))
        .Field("updateFolder", "FolderPayload!", f => f.Argument("input", "UpdateFolderInput!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var input = ctx.Argument<Dictionary<string, object?>>("input");
            var id = ResolverScope.ParseId(input["id"] as string, "Folder");
            var result = await ctx.With<FolderService, FolderResult>((s, ct) => s.UpdateAsync(
                id, input.GetValueOrDefault("active") as bool?, input.GetValueOrDefault("recursive") as bool?, input.GetValueOrDefault("writeBackMode") as WriteBackMode?, ct));
            return ToPayload(result, "id");
        }))
        .Field("removeFolder", "FolderPayload!", f => f.Argument("id", "ID!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var id = ResolverScope.ParseId(ctx.Argument<string>("id"), "Folder");
            return ToPayload(await ctx.With<FolderService, FolderResult>((s, ct) => s.RemoveAsync(id, ct)), "id");
        }))
        .Field("scanFolder", "CountPayload!", f => f
            .Description("Queues a scan of one folder, or of every active folder when id is omitted.")
            .Argument("id", "ID")
            .Resolve(async ctx =>
            {
                WriteAccess.Demand(ctx);
                var id = ResolverScope.ParseOptionalId(ctx.Argument<string?>("id"), "Folder");
                return new CountPayload(await ctx.With<FolderService, int>((s, ct) => s.ScanAsync(id, ct)), []);
            }))
        .Field("reprocessImages", "CountPayload!", f => f
            .Description("Runs the pipeline again from a stage for some images (or all when ids is omitted).")
            .Argument("ids", "[ID!]")
            .Argument("stage", "ProcessingStage", a => a.Default(ProcessingStage.Analyze))
            .Resolve(async ctx =>
            {
                WriteAccess.Demand(ctx);
                var ids = ctx.HasArgument("ids") && ctx.Arguments["ids"] is not null ? ResolverScope.ParseIds(ctx.Argument<List<string>>("ids"), "Image") : null;
                var stage = ctx.ArgumentOrDefault("stage", ProcessingStage.Analyze).ToString().ToLowerInvariant();
                return new CountPayload(await ctx.With<ImageService, int>((s, ct) => s.ReprocessAsync(ids?.ToList(), stage, ct)), []);
            }))
        .Field("addTags", "CountPayload!", f => f.Argument("imageIds", "[ID!]!").Argument("tags", "[String!]!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var ids = ResolverScope.ParseIds(ctx.Argument<List<string>>("imageIds"), "Image");
            var tags = ctx.Argument<List<string>>("tags");
            return new CountPayload(await ctx.With<TagService, int>((s, ct) => s.AddAsync(ids.ToList(), tags, ct)), []);
        }))
        .Field("removeTags", "CountPayload!", f => f.Argument("imageIds", "[ID!]!").Argument("tags", "[String!]!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var ids = ResolverScope.ParseIds(ctx.Argument<List<string>>("imageIds"), "Image");
            var tags = ctx.Argument<List<string>>("tags");
            return new CountPayload(await ctx.With<TagService, int>((s, ct) => s.RemoveAsync(ids.ToList(), tags, ct)), []);
        }))
        .Field("renameTag", "TagPayload!", f => f.Argument("id", "ID!").Argument("name", "String!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var id = ResolverScope.ParseId(ctx.Argument<string>("id"), "Tag");
            var result = await ctx.With<TagService, TagResult>((s, ct) => s.RenameAsync(id, ctx.Argument<string>("name"), ct));
            return ToPayload(result, "name");
        }))
        .Field("mergeTags", "TagPayload!", f => f.Argument("sourceIds", "[ID!]!").Argument("targetId", "ID!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var sources = ResolverScope.ParseIds(ctx.Argument<List<string>>("sourceIds"), "Tag");
            var target = ResolverScope.ParseId(ctx.Argument<string>("targetId"), "Tag");
            return ToPayload(await ctx.With<TagService, TagResult>((s, ct) => s.MergeAsync(sources.ToList(), target, ct)), "targetId");
        }))
        .Field("deleteTag", "CountPayload!", f => f.Argument("id", "ID!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var id = ResolverScope.ParseId(ctx.Argument<string>("id"), "Tag");
            var deleted = await ctx.With<TagService, bool>((s, ct) => s.DeleteAsync(id, ct));
            return deleted ? new CountPayload(1, []) : new CountPayload(0, [new UserError("NOT_FOUND", $"No tag with id {id}.", "id")]);
        }))
        .Field("setDescription", "ImagePayload!", f => f.Argument("imageId", "ID!").Argument("description", "String!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var id = ResolverScope.ParseId(ctx.Argument<string>("imageId"), "Image");
            var text = ctx.Argument<string>("description");
            if (string.IsNullOrWhiteSpace(text) || text.Length > 5000)
            {
                return new ImagePayload(null, [new UserError("INVALID", "A description must be 1 to 5000 characters.", "description")]);
            }

            var image = await ctx.With<ImageService, Image?>((s, ct) => s.SetDescriptionAsync(id, text, ct));
            return image is null
                ? new ImagePayload(null, [new UserError("NOT_FOUND", $"No image with id {id}.", "imageId")])
                : new ImagePayload(ImageNode.From(image), []);
        }))
        .Field("updateSettings", "SettingsPayload!", f => f.Argument("input", "[SettingInput!]!").Resolve(async ctx =>
        {
            WriteAccess.Demand(ctx);
            var changes = ctx.Argument<List<SettingInput>>("input")
                .GroupBy(i => i.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
            var result = await ctx.With<SettingsService, SettingsResult>((s, ct) => s.UpdateAsync(changes, ct));
            return new SettingsPayload(result.Settings, result.Errors.Select(e => new UserError("INVALID_SETTING", $"{e.Key}: {e.Message}", e.Key)).ToList());
        }))
        .Field("testOllamaConnection", "AiStatus!", f => f
            .Description("Checks an Ollama server (the configured one, or the given URL) for reachability and the configured models.")
            .Argument("url", "String")
            .Resolve(async ctx =>
            {
                WriteAccess.Demand(ctx);
                var url = ctx.Argument<string?>("url");
                ctx.GetRequiredService<QueryEmbeddingBackOff>().Reset();
                if (string.IsNullOrWhiteSpace(url))
                {
                    return ToNode(await ctx.GetRequiredService<OllamaStatusClient>().GetStatusAsync(ctx.CancellationToken));
                }

                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    throw new ImageTagger.GraphQL.GraphQLException($"'{url}' is not an http(s) URL.");
                }

                var options = ctx.GetRequiredService<IOptions<OllamaOptions>>().Value;
                var probe = new OllamaOptions { Url = uri.ToString(), VisionModel = options.VisionModel, EmbeddingModel = options.EmbeddingModel, ProbeTimeout = options.ProbeTimeout };
                using var http = OllamaClients.CreateHttpClient(probe);
                var client = new OllamaStatusClient(http, probe, ctx.GetRequiredService<ILogger<OllamaStatusClient>>());
                return ToNode(await client.GetStatusAsync(ctx.CancellationToken));
            })));

    private static FolderPayload ToPayload(FolderResult result, string field) =>
        result.Folder is { } folder
            ? new FolderPayload(FolderNode.From(folder), [])
            : new FolderPayload(null, [new UserError(EnumValue(result.Code!.Value.ToString()), result.Message!, field)]);

    private static TagPayload ToPayload(TagResult result, string field) =>
        result.Tag is { } tag ? new TagPayload(TagNode.From(tag), []) : new TagPayload(null, [new UserError("INVALID", result.Error!, field)]);

    private static string EnumValue(string name) => EnumType.ToEnumName(name);
}
