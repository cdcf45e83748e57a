using ImageTagger.Api.GraphQL;
using ImageTagger.Api.Images;
using ImageTagger.Api.Security;
using ImageTagger.Catalog.Crawling;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.Crawl;

public sealed record CrawlJobNode(
    long Id, string StartUrl, CrawlJobState State, int MaxDepth, bool SameHostOnly, IReadOnlyList<string> IncludePatterns, IReadOnlyList<string> ExcludePatterns,
    int MaxPages, int MaxImages, long MinImageBytes, int MinImageWidth, int MinImageHeight, int PolitenessDelayMs, int MaxConcurrencyPerHost,
    long? FolderId, string? LastError, int Runs, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public long DatabaseId => Id;

    public static CrawlJobNode From(CrawlJob c) => new(
        c.Id, c.StartUrl, c.State, c.MaxDepth, c.SameHostOnly, c.IncludePatterns, c.ExcludePatterns, c.MaxPages, c.MaxImages, c.MinImageBytes,
        c.MinImageWidth, c.MinImageHeight, (int)c.PolitenessDelay.TotalMilliseconds, c.MaxConcurrencyPerHost, c.FolderId, c.LastError, c.Runs,
        c.CreatedAt, c.UpdatedAt, c.StartedAt, c.FinishedAt);
}

public sealed record CrawlImageNode(
    long Id, string Url, string PageUrl, string? PageTitle, string? AltText, string? Title, CrawlImageState State, string? Reason,
    long? SizeBytes, int? Width, int? Height, long? ImageId, DateTimeOffset? FetchedAt)
{
    public static CrawlImageNode From(CrawlImage i) => new(i.Id, i.Url, i.PageUrl, i.PageTitle, i.AltText, i.Title, i.State, i.Reason, i.SizeBytes, i.Width, i.Height, i.ImageId, i.FetchedAt);
}

public sealed record CrawlPageNode(long Id, string Url, int Depth, string? ReferrerUrl, CrawlPageState State, int? StatusCode, string? Title, string? Reason, DateTimeOffset? VisitedAt)
{
    public static CrawlPageNode From(CrawlPage p) => new(p.Id, p.Url, p.Depth, p.ReferrerUrl, p.State, p.StatusCode, p.Title, p.Reason, p.VisitedAt);
}

public sealed record CrawlJobPayload(CrawlJobNode? CrawlJob, IReadOnlyList<UserError> Errors);

/// <summary>The crawl part of the schema: crawl jobs with progress, their images, and create/pause/resume/cancel/delete.</summary>
public static class CrawlSchema
{
    private const int MaxPageSize = 200;

    public static void Configure(SchemaBuilder schema)
    {
        schema.Enum<CrawlJobState>();
        schema.Enum<CrawlImageState>();
        schema.Enum<CrawlPageState>();
        ConfigureTypes(schema);
        schema.Query(q => q
            .Field("crawlJobs", "CrawlJobConnection!", f => f
                .Description("Crawl jobs, newest first.")
                .Argument("first", "Int", a => a.Default(50))
                .Argument("after", "String")
                .Argument("state", "CrawlJobState")
                .Cost(5)
                .Resolve(ctx => ctx.With<CrawlService, Connection<CrawlJobNode>>((crawls, ct) =>
                {
                    var query = crawls.Query(ctx.Argument<CrawlJobState?>("state"));
                    var first = Math.Clamp(ctx.ArgumentOrDefault("first", 50), 0, MaxPageSize);
                    return Connection.FromSliceAsync<CrawlJobNode>(ctx, c => query.CountAsync(c),
                        async (offset, count, c) => (await query.Skip(offset).Take(Math.Min(count, first)).ToListAsync(c)).Select(CrawlJobNode.From).ToList());
                })))
            .Field("crawlJob", "CrawlJob", f => f
                .Argument("id", "ID!")
                .Resolve(ctx => ctx.With<CrawlService, CrawlJobNode?>(async (crawls, ct) =>
                    await crawls.GetAsync(ResolverScope.ParseId(ctx.Argument<string>("id"), "CrawlJob"), ct) is { } c ? CrawlJobNode.From(c) : null))));
        schema.Mutation(m => m
            .Field("createCrawlJob", "CrawlJobPayload!", f => f
                .Description("Starts crawling a website for images; they join the library like folder images, with their source page kept.")
                .Argument("input", "CreateCrawlJobInput!")
                .Resolve(async ctx =>
                {
                    WriteAccess.Demand(ctx);
                    var input = ctx.Argument<Dictionary<string, object?>>("input");
                    T? Get<T>(string key) => input.TryGetValue(key, out var v) && v is not null ? ArgumentConverter.Convert<T>(v) : default;
                    var request = new CreateCrawlRequest(
                        Get<string>("startUrl"), Get<int?>("maxDepth"), Get<bool?>("sameHostOnly"), Get<List<string>>("includePatterns"), Get<List<string>>("excludePatterns"),
                        Get<int?>("maxPages"), Get<int?>("maxImages"), Get<long?>("minImageBytes"), Get<int?>("minImageWidth"), Get<int?>("minImageHeight"),
                        Get<int?>("politenessDelayMs"), Get<int?>("maxConcurrencyPerHost"));
                    return ToPayload(await ctx.With<CrawlService, CrawlResult>((s, ct) => s.CreateAsync(request, ct)));
                }))
            .Field("pauseCrawlJob", "CrawlJobPayload!", f => f.Argument("id", "ID!").Resolve(ctx => ControlAsync(ctx, (s, id, ct) => s.PauseAsync(id, ct))))
            .Field("resumeCrawlJob", "CrawlJobPayload!", f => f.Argument("id", "ID!").Resolve(ctx => ControlAsync(ctx, (s, id, ct) => s.ResumeAsync(id, ct))))
            .Field("cancelCrawlJob", "CrawlJobPayload!", f => f.Argument("id", "ID!").Resolve(ctx => ControlAsync(ctx, (s, id, ct) => s.CancelAsync(id, ct))))
            .Field("deleteCrawlJob", "CountPayload!", f => f
                .Description("Deletes a crawl job and its frontier; with removeImages its folder and images leave the library too (files stay on disk).")
                .Argument("id", "ID!")
                .Argument("removeImages", "Boolean", a => a.Default(false))
                .Resolve(async ctx =>
                {
                    WriteAccess.Demand(ctx);
                    var id = ResolverScope.ParseId(ctx.Argument<string>("id"), "CrawlJob");
                    var error = await ctx.With<CrawlService, UserError?>((s, ct) => s.DeleteAsync(id, ctx.ArgumentOrDefault("removeImages", false), ct));
                    return error is null ? new CountPayload(1, []) : new CountPayload(0, [error]);
                })));
        schema.Subscription(s => s
            .Field("crawlJobUpdated", "CrawlJob!", f => f
                .Description("A crawl job now, then whenever its state or progress changes; the stream ends when the crawl finishes or is deleted.")
                .Argument("id", "ID!")
                .Subscribe(ctx => WatchAsync(
                    ctx.GetRequiredService<IServiceScopeFactory>(),
                    ResolverScope.ParseId(ctx.Argument<string>("id"), "CrawlJob"),
                    ctx.GetRequiredService<IOptionsMonitor<CrawlOptions>>().CurrentValue.StateCheckInterval,
                    ctx.CancellationToken))));
    }

    /// <summary>
    /// Looks at the crawl every <paramref name="interval"/> and emits it when something changed. (Crawl progress is
    /// written by processing as fetches finish, with no notification of its own: a cheap grouped count per look.)
    /// </summary>
    private static async IAsyncEnumerable<CrawlJobNode> WatchAsync(IServiceScopeFactory scopes, long id, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (CrawlJobState State, CrawlProgress Progress)? last = null;
        while (true)
        {
            CrawlJob? crawl;
            CrawlProgress progress;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var crawls = scope.ServiceProvider.GetRequiredService<CrawlService>();
                crawl = await crawls.GetAsync(id, cancellationToken);
                if (crawl is null)
                {
                    yield break;
                }

                progress = (await crawls.ProgressAsync([id], cancellationToken))[id];
            }

            if (last != (crawl.State, progress))
            {
                last = (crawl.State, progress);
                yield return CrawlJobNode.From(crawl);
            }

            if (crawl.IsFinished)
            {
                yield break;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    private static void ConfigureTypes(SchemaBuilder schema)
    {
        schema.Object<CrawlJobNode>("CrawlJob", o => o
            .Description("A crawl of a website for images.")
            .Field("id", "ID!", ctx => GlobalId.Encode("CrawlJob", ctx.Parent<CrawlJobNode>().Id))
            .Field("databaseId", "Int!", ctx => (int)ctx.Parent<CrawlJobNode>().Id)
            .Field("startUrl", "String!")
            .Field("state", "CrawlJobState!")
            .Field("maxDepth", "Int!")
            .Field("sameHostOnly", "Boolean!")
            .Field("includePatterns", "[String!]!")
            .Field("excludePatterns", "[String!]!")
            .Field("maxPages", "Int!")
            .Field("maxImages", "Int!")
            .Field("minImageBytes", "Float!", ctx => (double)ctx.Parent<CrawlJobNode>().MinImageBytes)
            .Field("minImageWidth", "Int!")
            .Field("minImageHeight", "Int!")
            .Field("politenessDelayMs", "Int!")
            .Field("maxConcurrencyPerHost", "Int!")
            .Field("folderId", "ID", ctx => ctx.Parent<CrawlJobNode>().FolderId is { } f ? GlobalId.Encode("Folder", f) : null)
            .Field("lastError", "String")
            .Field("runs", "Int!", f => f.Description("Batches run so far."))
            .Field("createdAt", "DateTime!")
            .Field("updatedAt", "DateTime!")
            .Field("startedAt", "DateTime")
            .Field("finishedAt", "DateTime")
            .Field("progress", "CrawlProgress!", f => f.Cost(3).Resolve(ctx => LoadProgressAsync(ctx, ctx.Parent<CrawlJobNode>().Id)))
            .Field("pages", "CrawlPageConnection!", f => f
                .Description("The crawl's pages, shallow first.")
                .Argument("first", "Int", a => a.Default(50))
                .Argument("after", "String")
                .Argument("state", "CrawlPageState")
                .Cost(5)
                .Resolve(ctx => ctx.With<CrawlService, Connection<CrawlPageNode>>((crawls, ct) =>
                {
                    var query = crawls.Pages(ctx.Parent<CrawlJobNode>().Id, ctx.Argument<CrawlPageState?>("state"));
                    var first = Math.Clamp(ctx.ArgumentOrDefault("first", 50), 0, MaxPageSize);
                    return Connection.FromSliceAsync<CrawlPageNode>(ctx, c => query.CountAsync(c),
                        async (offset, count, c) => (await query.Skip(offset).Take(Math.Min(count, first)).ToListAsync(c)).Select(CrawlPageNode.From).ToList());
                })))
            .Field("images", "CrawlImageConnection!", f => f
                .Description("The images this crawl found, in the order found.")
                .Argument("first", "Int", a => a.Default(50))
                .Argument("after", "String")
                .Argument("state", "CrawlImageState")
                .Cost(5)
                .Resolve(ctx => ctx.With<CrawlService, Connection<CrawlImageNode>>((crawls, ct) =>
                {
                    var query = crawls.Images(ctx.Parent<CrawlJobNode>().Id, ctx.Argument<CrawlImageState?>("state"));
                    var first = Math.Clamp(ctx.ArgumentOrDefault("first", 50), 0, MaxPageSize);
                    return Connection.FromSliceAsync<CrawlImageNode>(ctx, c => query.CountAsync(c),
                        async (offset, count, c) => (await query.Skip(offset).Take(Math.Min(count, first)).ToListAsync(c)).Select(CrawlImageNode.From).ToList());
                }))));
        schema.Object<CrawlPageNode>("CrawlPage", o => o
            .Description("A page of a crawl's frontier: to visit, visited, skipped (robots.txt, policy, limits) or failed.")
            .Field("id", "ID!", ctx => GlobalId.Encode("CrawlPage", ctx.Parent<CrawlPageNode>().Id))
            .Field("url", "String!")
            .Field("depth", "Int!")
            .Field("referrerUrl", "String")
            .Field("state", "CrawlPageState!")
            .Field("statusCode", "Int")
            .Field("title", "String")
            .Field("reason", "String", f => f.Description("Why it was skipped or failed."))
            .Field("visitedAt", "DateTime"));
        schema.Object<CrawlProgress>("CrawlProgress", o => o
            .Description("Pages and images of a crawl by what became of them; processed = downloaded images the pipeline has finished.")
            .Field("pagesVisited", "Int!").Field("pagesPending", "Int!").Field("pagesSkipped", "Int!").Field("pagesFailed", "Int!")
            .Field("imagesFound", "Int!").Field("imagesPending", "Int!").Field("imagesDownloaded", "Int!").Field("imagesSkipped", "Int!")
            .Field("imagesFailed", "Int!").Field("imagesProcessed", "Int!"));
        schema.Object<CrawlImageNode>("CrawlImage", o => o
            .Description("An image URL a crawl found, and what became of it.")
            .Field("id", "ID!", ctx => GlobalId.Encode("CrawlImage", ctx.Parent<CrawlImageNode>().Id))
            .Field("url", "String!")
            .Field("pageUrl", "String!")
            .Field("pageTitle", "String")
            .Field("altText", "String")
            .Field("title", "String")
            .Field("state", "CrawlImageState!")
            .Field("reason", "String", f => f.Description("Why it was skipped or failed."))
            .Field("sizeBytes", "Float", ctx => (double?)ctx.Parent<CrawlImageNode>().SizeBytes)
            .Field("width", "Int")
            .Field("height", "Int")
            .Field("fetchedAt", "DateTime")
            .Field("image", "Image", ctx => ctx.Parent<CrawlImageNode>().ImageId is { } id ? LoadImageAsync(ctx, id) : Task.FromResult<ImageNode?>(null)));
        schema.ConnectionType("CrawlJob");
        schema.ConnectionType("CrawlImage");
        schema.ConnectionType("CrawlPage");
        schema.Object<CrawlJobPayload>("CrawlJobPayload", o => o.Field("crawlJob", "CrawlJob").Field("errors", "[UserError!]!"));
        schema.InputObject("CreateCrawlJobInput", i => i
            .Field("startUrl", "String!")
            .Field("maxDepth", "Int", f => f.Default(2))
            .Field("sameHostOnly", "Boolean", f => f.Default(true))
            .Field("includePatterns", "[String!]")
            .Field("excludePatterns", "[String!]")
            .Field("maxPages", "Int", f => f.Default(100))
            .Field("maxImages", "Int", f => f.Default(500))
            .Field("minImageBytes", "Int", f => f.Default(2048))
            .Field("minImageWidth", "Int", f => f.Default(100))
            .Field("minImageHeight", "Int", f => f.Default(100))
            .Field("politenessDelayMs", "Int", f => f.Default(1000))
            .Field("maxConcurrencyPerHost", "Int", f => f.Default(2)));
    }

    private static async Task<CrawlJobPayload> ControlAsync(IResolverContext ctx, Func<CrawlService, long, CancellationToken, Task<CrawlResult>> change)
    {
        WriteAccess.Demand(ctx);
        var id = ResolverScope.ParseId(ctx.Argument<string>("id"), "CrawlJob");
        return ToPayload(await ctx.With<CrawlService, CrawlResult>((s, ct) => change(s, id, ct)));
    }

    private static CrawlJobPayload ToPayload(CrawlResult result) =>
        new(result.Crawl is { } c ? CrawlJobNode.From(c) : null, result.Errors);

    private static Task<CrawlProgress?> LoadProgressAsync(IResolverContext ctx, long id) =>
        ctx.DataLoaders.GetOrCreate<long, CrawlProgress>("crawlProgressById", async (ids, ct) =>
        {
            await using var scope = ctx.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CrawlService>().ProgressAsync(ids, ct);
        }).LoadAsync(id);

    private static Task<ImageNode?> LoadImageAsync(IResolverContext ctx, long id) =>
        ctx.DataLoaders.GetOrCreate<long, ImageNode>("crawlImageById", async (ids, ct) =>
        {
            await using var scope = ctx.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var images = await scope.ServiceProvider.GetRequiredService<ImageService>().GetManyAsync(ids, ct);
            return images.ToDictionary(p => p.Key, p => ImageNode.From(p.Value));
        }).LoadAsync(id);
}
