using System.Text.Json;
using ImageTagger.Catalog.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ImageTagger.Api.Tests.Crawl;

public sealed class CrawlMutationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Create = """
        mutation($input: CreateCrawlJobInput!) {
          createCrawlJob(input: $input) {
            crawlJob { id databaseId startUrl state maxDepth sameHostOnly includePatterns excludePatterns maxPages maxImages
                       minImageBytes minImageWidth minImageHeight politenessDelayMs maxConcurrencyPerHost
                       progress { pagesVisited pagesPending imagesFound imagesDownloaded imagesSkipped imagesFailed imagesProcessed } }
            errors { code message field }
          }
        }
        """;

    private const string Control = """
        mutation($id: ID!) {
          pause: pauseCrawlJob(id: $id) { crawlJob { state } errors { code field } }
        }
        """;

    private async Task<JsonElement> CreateAsync(object input) =>
        (await api.DataAsync(Create, new { input }, TestContext.Current.CancellationToken)).GetProperty("createCrawlJob");

    private static string? Code(JsonElement payload) =>
        payload.GetProperty("errors").GetArrayLength() == 0 ? null : payload.GetProperty("errors")[0].GetProperty("code").GetString();

    [Theory]
    [InlineData("not a url", "INVALID_URL")]
    [InlineData("ftp://example.com/", "INVALID_URL")]
    [InlineData("file:///etc/passwd", "INVALID_URL")]
    [InlineData("http://user:secret@example.com/", "INVALID_URL")]
    [InlineData("http://127.0.0.1:8080/", "PRIVATE_ADDRESS")]
    [InlineData("http://localhost/", "PRIVATE_ADDRESS")]
    [InlineData("http://10.0.0.5/", "PRIVATE_ADDRESS")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "PRIVATE_ADDRESS")]
    [InlineData("http://[::1]/", "PRIVATE_ADDRESS")]
    [InlineData("http://[::ffff:192.168.0.1]/", "PRIVATE_ADDRESS")]
    [InlineData("http://[fe80::1]/", "PRIVATE_ADDRESS")]
    public async Task Bad_and_private_start_urls_are_refused_with_typed_errors(string url, string code)
    {
        var payload = await CreateAsync(new { startUrl = url });
        Assert.Equal(code, Code(payload));
        Assert.Equal("startUrl", payload.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("crawlJob").ValueKind);
    }

    [Fact]
    public async Task Out_of_range_limits_are_refused_per_field()
    {
        var payload = await CreateAsync(new { startUrl = "https://example.com/", maxDepth = -1, maxConcurrencyPerHost = 0, excludePatterns = new[] { "" } });
        var fields = payload.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("code").GetString(), e.GetProperty("field").GetString())).ToList();
        Assert.Contains(("INVALID_INPUT", "maxDepth"), fields);
        Assert.Contains(("INVALID_INPUT", "maxConcurrencyPerHost"), fields);
        Assert.Contains(("INVALID_INPUT", "excludePatterns"), fields);
    }

    [Fact]
    public async Task A_crawl_job_is_created_listed_paused_resumed_cancelled_and_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await CreateAsync(new { startUrl = "https://example.com/gallery#top", maxDepth = 1, includePatterns = new[] { "/gallery/" }, politenessDelayMs = 500 });
        Assert.Null(Code(created));
        var crawl = created.GetProperty("crawlJob");
        Assert.Equal("https://example.com/gallery", crawl.GetProperty("startUrl").GetString());
        Assert.Equal("QUEUED", crawl.GetProperty("state").GetString());
        Assert.Equal(1, crawl.GetProperty("maxDepth").GetInt32());
        Assert.Equal(500, crawl.GetProperty("politenessDelayMs").GetInt32());
        Assert.Equal(100, crawl.GetProperty("maxPages").GetInt32());
        Assert.True(crawl.GetProperty("sameHostOnly").GetBoolean());
        Assert.Equal(1, crawl.GetProperty("progress").GetProperty("pagesPending").GetInt32());
        var id = crawl.GetProperty("id").GetString()!;
        var databaseId = crawl.GetProperty("databaseId").GetInt32();
        await using (var db = api.CreateDbContext())
        {
            Assert.True(await db.Jobs.AnyAsync(j => j.Kind == JobKinds.Crawl && j.State == JobState.Queued, ct));
        }

        var list = await api.DataAsync("{ crawlJobs(first: 10) { totalCount edges { node { id state progress { imagesFound } images(first: 5) { totalCount } } } } }", ct: ct);
        Assert.Contains(list.GetProperty("crawlJobs").GetProperty("edges").EnumerateArray(), e => e.GetProperty("node").GetProperty("id").GetString() == id);

        var paused = (await api.DataAsync(Control, new { id }, ct)).GetProperty("pause");
        Assert.Equal("PAUSED", paused.GetProperty("crawlJob").GetProperty("state").GetString());
        var resumed = (await api.DataAsync("mutation($id: ID!) { resumeCrawlJob(id: $id) { crawlJob { state } errors { code } } }", new { id = databaseId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct)).GetProperty("resumeCrawlJob");
        Assert.Equal("QUEUED", resumed.GetProperty("crawlJob").GetProperty("state").GetString());
        var cancelled = (await api.DataAsync("mutation($id: ID!) { cancelCrawlJob(id: $id) { crawlJob { state finishedAt } errors { code } } }", new { id }, ct)).GetProperty("cancelCrawlJob");
        Assert.Equal("CANCELLED", cancelled.GetProperty("crawlJob").GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("crawlJob").GetProperty("finishedAt").ValueKind);
        var again = (await api.DataAsync(Control, new { id }, ct)).GetProperty("pause");
        Assert.Equal("INVALID_STATE", Code(again));

        var single = await api.DataAsync("query($id: ID!) { crawlJob(id: $id) { state } }", new { id }, ct);
        Assert.Equal("CANCELLED", single.GetProperty("crawlJob").GetProperty("state").GetString());

        var deleted = (await api.DataAsync("mutation($id: ID!) { deleteCrawlJob(id: $id, removeImages: true) { count errors { code } } }", new { id }, ct)).GetProperty("deleteCrawlJob");
        Assert.Equal(1, deleted.GetProperty("count").GetInt32());
        var gone = (await api.DataAsync("mutation($id: ID!) { deleteCrawlJob(id: $id) { count errors { code } } }", new { id }, ct)).GetProperty("deleteCrawlJob");
        Assert.Equal("NOT_FOUND", Code(gone));
        Assert.Equal(JsonValueKind.Null, (await api.DataAsync("query($id: ID!) { crawlJob(id: $id) { state } }", new { id }, ct)).GetProperty("crawlJob").ValueKind);
    }

    [Fact]
    public async Task A_crawl_lists_its_pages_and_images_with_their_fate_and_library_image()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await CreateAsync(new { startUrl = "https://example.com/start" });
        var databaseId = created.GetProperty("crawlJob").GetProperty("databaseId").GetInt64();
        long imageId;
        await using (var db = api.CreateDbContext())
        {
            var folder = new Catalog.Folders.Folder { Path = Path.Combine(api.Root.Path, "crawl-" + databaseId), Active = false };
            db.Folders.Add(folder);
            await db.SaveChangesAsync(ct);
            var image = new Catalog.Images.Image
            {
                FolderId = folder.Id, Path = Path.Combine(folder.Path, "000001-barn.jpg"), FileName = "000001-barn.jpg", ModifiedAt = DateTimeOffset.UtcNow,
                SourceUrl = "https://example.com/barn.jpg", SourcePageUrl = "https://example.com/start", AltText = "A barn",
            };
            db.Images.Add(image);
            await db.SaveChangesAsync(ct);
            imageId = image.Id;
            db.CrawlImages.Add(new Catalog.Crawling.CrawlImage { CrawlJobId = databaseId, Url = "https://example.com/barn.jpg", PageUrl = "https://example.com/start", AltText = "A barn", State = Catalog.Crawling.CrawlImageState.Downloaded, ImageId = image.Id, SizeBytes = 12345, Width = 800, Height = 600 });
            db.CrawlImages.Add(new Catalog.Crawling.CrawlImage { CrawlJobId = databaseId, Url = "https://example.com/pixel.gif", PageUrl = "https://example.com/start", State = Catalog.Crawling.CrawlImageState.Skipped, Reason = "too small: 43 bytes" });
            db.CrawlPages.Add(new Catalog.Crawling.CrawlPage { CrawlJobId = databaseId, Url = "https://example.com/private/", Depth = 1, State = Catalog.Crawling.CrawlPageState.Skipped, Reason = "disallowed by robots.txt" });
            await db.SaveChangesAsync(ct);
        }

        var data = await api.DataAsync("""
            query($id: ID!) {
              crawlJob(id: $id) {
                progress { imagesFound imagesDownloaded imagesSkipped pagesPending pagesSkipped }
                downloaded: images(state: DOWNLOADED) { totalCount edges { node { url altText width sizeBytes image { databaseId sourceUrl altText } } } }
                skipped: images(state: SKIPPED) { edges { node { url reason image { id } } } }
                pages(state: SKIPPED) { totalCount edges { node { url depth reason state } } }
              }
            }
            """, new { id = databaseId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
        var crawl = data.GetProperty("crawlJob");
        var progress = crawl.GetProperty("progress");
        Assert.Equal((2, 1, 1, 1, 1), (progress.GetProperty("imagesFound").GetInt32(), progress.GetProperty("imagesDownloaded").GetInt32(), progress.GetProperty("imagesSkipped").GetInt32(), progress.GetProperty("pagesPending").GetInt32(), progress.GetProperty("pagesSkipped").GetInt32()));
        var downloaded = Assert.Single(crawl.GetProperty("downloaded").GetProperty("edges").EnumerateArray()).GetProperty("node");
        Assert.Equal("A barn", downloaded.GetProperty("altText").GetString());
        Assert.Equal(800, downloaded.GetProperty("width").GetInt32());
        Assert.Equal(imageId, downloaded.GetProperty("image").GetProperty("databaseId").GetInt64());
        Assert.Equal("https://example.com/barn.jpg", downloaded.GetProperty("image").GetProperty("sourceUrl").GetString());
        var skipped = Assert.Single(crawl.GetProperty("skipped").GetProperty("edges").EnumerateArray()).GetProperty("node");
        Assert.Equal("too small: 43 bytes", skipped.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, skipped.GetProperty("image").ValueKind);
        var page = Assert.Single(crawl.GetProperty("pages").GetProperty("edges").EnumerateArray()).GetProperty("node");
        Assert.Equal(("https://example.com/private/", 1, "SKIPPED"), (page.GetProperty("url").GetString(), page.GetProperty("depth").GetInt32(), page.GetProperty("state").GetString()));
        Assert.Equal("disallowed by robots.txt", page.GetProperty("reason").GetString());
    }
}
