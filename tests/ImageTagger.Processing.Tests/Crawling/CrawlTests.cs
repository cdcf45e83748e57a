using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Search;
using ImageTagger.TestSupport;
using ImageTagger.TestSupport.Crawling;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests.Crawling;

/// <summary>Crawls of a real website on loopback through the real Processing service, database and pipeline.</summary>
public sealed class CrawlTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private static Dictionary<string, string?> Settings(string root, LoopbackOllamaServer? ollama, string thumbnails) => new()
    {
        ["Crawl:Root"] = root,
        ["Crawl:AllowedNetworks:0"] = "127.0.0.0/8", // loopback only, explicitly: other private ranges stay refused
        ["Crawl:RequestTimeout"] = "00:00:03",
        ["Crawl:StateCheckInterval"] = "00:00:00.100",
        ["Crawl:MaxImageBytes"] = "1048576",
        ["Crawl:BatchSize"] = "6",
        ["Crawl:ParseTimeout"] = "00:00:02",
        ["Ollama:Url"] = ollama?.Url.ToString() ?? "http://127.0.0.1:9/",
        ["Ollama:VisionModel"] = "llava:7b",
        ["Ollama:EmbeddingModel"] = "nomic-embed-text",
        ["Ollama:MaxRetries"] = "0",
        ["Ollama:RequestTimeout"] = "00:00:05",
        ["Processing:ThumbnailRoot"] = thumbnails,
    };

    private static CrawlJob Spec(Uri start, int maxDepth = 2, int perHost = 4) => new()
    {
        StartUrl = start.AbsoluteUri,
        MaxDepth = maxDepth,
        MaxPages = 50,
        MaxImages = 100,
        MinImageBytes = 500,
        MinImageWidth = 100,
        MinImageHeight = 100,
        PolitenessDelay = TimeSpan.Zero,
        MaxConcurrencyPerHost = perHost,
    };

    private async Task<CrawlJob> CrawlAsync(long id)
    {
        await using var db = database.CreateDbContext();
        return await db.CrawlJobs.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private async Task<List<CrawlImage>> CrawlImagesAsync(long id)
    {
        await using var db = database.CreateDbContext();
        return await db.CrawlImages.AsNoTracking().Where(i => i.CrawlJobId == id).OrderBy(i => i.Id).ToListAsync();
    }

    private async Task<string> DescribeAsync(long id)
    {
        var crawl = await CrawlAsync(id);
        await using var db = database.CreateDbContext();
        var pages = await db.CrawlPages.AsNoTracking().Where(p => p.CrawlJobId == id).Select(p => $"{p.Url}={p.State}({p.Reason})").ToListAsync();
        var images = (await CrawlImagesAsync(id)).Select(i => $"{i.Url}={i.State}({i.Reason})");
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.Kind == "crawl").Select(j => $"{j.Id}:{j.State}:{j.LastError}").ToListAsync();
        return $"crawl {crawl.State} {crawl.LastError}; pages: {string.Join(", ", pages)}; images: {string.Join(", ", images)}; jobs: {string.Join(", ", jobs)}";
    }

    [Fact]
    public async Task A_site_is_crawled_within_its_rules_and_its_images_go_through_the_pipeline_into_search()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new TempImageDirectory();
        using var root = new TempImageDirectory("it-crawl-");
        using var thumbs = new TempImageDirectory("it-thumbs-");
        await using var site = await TestSite.StartAsync(files.Path);
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        using var host = ProcessingTestHost.Build(database, Settings(root.Path, ollama, thumbs.Path));
        await host.StartAsync(ct);
        var id = await host.Services.GetRequiredService<CrawlJobStore>().CreateAsync(Spec(site.Url), ct);

        await Poll.UntilAsync(async () => (await CrawlAsync(id)).IsFinished, TimeSpan.FromSeconds(60), "the crawl finished", () => DescribeAsync(id));
        var crawl = await CrawlAsync(id);
        Assert.True(crawl.State == CrawlJobState.Completed, await DescribeAsync(id));
        Assert.True(crawl.Runs > 1, "batches of 6 fetches need several runs (continuations)");

        var images = (await CrawlImagesAsync(id)).Where(i => i.Url.StartsWith(site.Url.AbsoluteUri, StringComparison.Ordinal)).ToDictionary(i => new Uri(i.Url).AbsolutePath);
        // twin.jpg and dup.jpg have the same bytes and are fetched at the same time: whichever arrives first is kept and
        // the other is recognised by its content as a duplicate of it. Which one arrives first is the network's business.
        string[] twins = ["/img/twin.jpg", "/img/dup.jpg"];
        var kept = Assert.Single(twins, t => images[t].State == CrawlImageState.Downloaded);
        var duplicate = Assert.Single(twins, t => t != kept);
        Assert.True(images[duplicate].State == CrawlImageState.Skipped && images[duplicate].Reason == $"duplicate of {images[kept].Url}", $"{duplicate}: {images[duplicate].State} ({images[duplicate].Reason})");
        Assert.Equal(images[kept].Checksum, images[duplicate].Checksum);
        Assert.Null(images[duplicate].ImageId);
        var downloaded = images.Where(i => i.Value.State == CrawlImageState.Downloaded && !twins.Contains(i.Key)).Select(i => i.Key).Order().ToList();
        Assert.Equal(["/img/big.jpg", "/img/g0.jpg", "/img/g1.jpg", "/img/g2.jpg", "/img/linked-photo.jpg", "/img/og.jpg", "/img/photo-deep.jpg", "/img/photo1.jpg", "/img/pic-large.jpg"], downloaded);

        void Has(string path, CrawlImageState state, string reason)
        {
            Assert.True(images.TryGetValue(path, out var image), $"{path} was not found");
            Assert.True(image.State == state && image.Reason?.Contains(reason, StringComparison.Ordinal) == true, $"{path}: {image.State} ({image.Reason})");
        }

        Has("/img/pixel.gif", CrawlImageState.Skipped, "too small");
        Has("/img/icon.jpg", CrawlImageState.Skipped, "40×40");
        Has("/img/huge.jpg", CrawlImageState.Skipped, "too large");
        Has("/img/huge-declared.jpg", CrawlImageState.Skipped, "too large");
        Has("/private/hidden.jpg", CrawlImageState.Skipped, "robots.txt");
        Has("/img/broken.jpg", CrawlImageState.Failed, "HTTP 404");
        Has("/img/notimage.jpg", CrawlImageState.Failed, "not an image");
        Has("/img/slow.jpg", CrawlImageState.Failed, "timed out");
        Assert.Contains(await CrawlImagesAsync(id), i => i.Url.StartsWith("http://localhost", StringComparison.Ordinal) && i.State == CrawlImageState.Skipped && i.Reason!.StartsWith("other host", StringComparison.Ordinal));

        // The 10 GB streams were cut off at the 1 MiB cap (the chunked one) or refused by their declared length.
        Assert.InRange(images["/img/huge.jpg"].SizeBytes!.Value, 1048577, 1048576 + (128 * 1024));
        Assert.Equal(10L * 1024 * 1024 * 1024, images["/img/huge-declared.jpg"].SizeBytes);
        Assert.InRange(site.HugeBytesSent, 1, 256L * 1024 * 1024);

        await using (var db = database.CreateDbContext())
        {
            var pages = await db.CrawlPages.AsNoTracking().Where(p => p.CrawlJobId == id).ToDictionaryAsync(p => new Uri(p.Url).AbsolutePath, ct);
            Assert.Equal(CrawlPageState.Visited, pages["/"].State);
            Assert.Equal("Home of tests", pages["/"].Title);
            Assert.Equal(CrawlPageState.Visited, pages["/deep.html"].State);
            Assert.Equal(2, pages["/deep.html"].Depth);
            Assert.Equal(CrawlPageState.Skipped, pages["/private/secret.html"].State);
            Assert.Equal(CrawlPageState.Failed, pages["/loop/1"].State);
            Assert.Contains("redirect loop", pages["/loop/1"].Reason);
            Assert.Contains("other host", pages["/away"].Reason);
            Assert.Equal(CrawlPageState.Failed, pages["/nested.html"].State);
            Assert.Contains("to parse", pages["/nested.html"].Reason);
            Assert.False(pages.ContainsKey("/nofollow.html"));
            Assert.False(pages.ContainsKey("/not-followed.html"));
            Assert.False(pages.ContainsKey("/deeper.html"));
            Assert.Equal(2, pages.Keys.Count(k => k.StartsWith("/calendar/", StringComparison.Ordinal))); // the endless calendar ends at the depth limit
        }

        foreach (var never in new[] { "/img/small.jpg", "/img/pic.avif", "/img/pic-small.jpg", "/img/pic-fallback.jpg", "/img/never.jpg", "/private/secret.html", "/private/hidden.jpg", "/nofollow.html", "/not-followed.html", "/deeper.html", "/calendar/2024/3" })
        {
            Assert.True(site.Requests(never) == 0, $"{never} was requested");
        }

        Assert.Equal(0, site.RequestsToHost("localhost"));
        Assert.InRange(site.Requests("/robots.txt"), 1, crawl.Runs); // once per batch at most
        Assert.Equal(1, site.Requests("/img/photo1.jpg"));

        // The images joined the library with their source, and went through analyze → describe → embed.
        await Poll.UntilAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            return await db.Images.CountAsync(i => i.FolderId == crawl.FolderId && i.Status == ImageStatus.Done, ct) == 10;
        }, TimeSpan.FromSeconds(90), "every crawled image is processed", () => DescribeAsync(id));
        await using (var db = database.CreateDbContext())
        {
            var folder = await db.Folders.AsNoTracking().SingleAsync(f => f.Id == crawl.FolderId, ct);
            Assert.False(folder.Active);
            Assert.StartsWith(root.Path, folder.Path, StringComparison.Ordinal);
            var photo = await db.Images.AsNoTracking().SingleAsync(i => i.SourceUrl == site.Url + "img/photo1.jpg", ct);
            Assert.Equal(site.Url.AbsoluteUri, photo.SourcePageUrl);
            Assert.Equal("A red barn in the snow", photo.AltText);
            Assert.Equal(site.Image("photo1.jpg"), await File.ReadAllBytesAsync(photo.Path, ct));
            Assert.NotNull(photo.Description);
            var og = await db.Images.AsNoTracking().SingleAsync(i => i.SourceUrl == site.Url + "img/og.jpg", ct);
            Assert.Equal("Open graph card", og.AltText);
            var gallery = await db.Images.AsNoTracking().SingleAsync(i => i.SourceUrl == site.Url + "img/g1.jpg", ct);
            Assert.Equal(site.Url + "gallery.html", gallery.SourcePageUrl);
            Assert.Equal("Gallery photo 1", gallery.AltText);
            var twinUrls = twins.Select(t => site.Url + t[1..]).ToList();
            Assert.Equal(site.Image("twin.jpg"), await File.ReadAllBytesAsync((await db.Images.AsNoTracking().SingleAsync(i => twinUrls.Contains(i.SourceUrl!), ct)).Path, ct));
        }

        Assert.Contains(ollama.ChatRequests, r => System.Text.Json.JsonSerializer.Serialize(r).Contains("A red barn in the snow", StringComparison.Ordinal));
        var search = host.Services.GetRequiredService<ImageSearch>();
        var hits = await search.SearchAsync(new SearchRequest("barn", SearchMode.Keyword), null, ct);
        await using (var db = database.CreateDbContext())
        {
            var photoId = await db.Images.Where(i => i.AltText == "A red barn in the snow").Select(i => i.Id).SingleAsync(ct);
            Assert.Contains(hits.Hits, h => h.ImageId == photoId);
        }

        var progress = (await host.Services.GetRequiredService<CrawlJobStore>().GetProgressAsync([id], ct))[id];
        Assert.Equal(10, progress.ImagesDownloaded);
        Assert.Equal(3, progress.ImagesFailed);
        Assert.Equal(10, progress.ImagesProcessed);
        Assert.Equal(progress.ImagesFound, progress.ImagesDownloaded + progress.ImagesSkipped + progress.ImagesFailed);
        Assert.Equal(6, progress.PagesVisited);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task A_restart_mid_crawl_resumes_without_downloading_anything_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new TempImageDirectory();
        using var root = new TempImageDirectory("it-crawl-");
        using var thumbs = new TempImageDirectory("it-thumbs-");
        await using var site = await TestSite.StartAsync(files.Path, galleryImages: 10);
        site.HoldImagesAfter(3); // the fourth image is held until the restart: the service stops at a known point
        var settings = Settings(root.Path, null, thumbs.Path);
        settings["Crawl:BatchSize"] = "100";
        var spec = Spec(new Uri(site.Url, "gallery.html"), maxDepth: 0, perHost: 1);
        long id;
        List<string> before;
        using (var first = ProcessingTestHost.Build(database, settings))
        {
            await first.StartAsync(ct);
            id = await first.Services.GetRequiredService<CrawlJobStore>().CreateAsync(spec, ct);
            await Poll.UntilAsync(async () => site.HeldRequests == 1 && (await CrawlImagesAsync(id)).Count(i => i.State == CrawlImageState.Downloaded) == 3, TimeSpan.FromSeconds(30), "three images are downloaded and the fourth is in flight", () => DescribeAsync(id));
            await first.StopAsync(ct); // the processing service goes away mid-crawl, in the middle of a download
            before = (await CrawlImagesAsync(id)).Where(i => i.State == CrawlImageState.Downloaded).Select(i => new Uri(i.Url).AbsolutePath).ToList();
        }

        Assert.Equal(3, before.Count);
        site.Release();
        using (var second = ProcessingTestHost.Build(database, settings))
        {
            await second.StartAsync(ct);
            await Poll.UntilAsync(async () => (await CrawlAsync(id)).IsFinished, TimeSpan.FromSeconds(60), "the crawl finished after the restart", () => DescribeAsync(id));
            await second.StopAsync(ct);
        }

        var images = await CrawlImagesAsync(id);
        Assert.Equal(CrawlJobState.Completed, (await CrawlAsync(id)).State);
        Assert.Equal(10, images.Count(i => i.State == CrawlImageState.Downloaded));
        foreach (var path in before)
        {
            Assert.True(site.Requests(path) == 1, $"{path} was fetched {site.Requests(path)} times");
        }

        Assert.Equal(1, site.Requests("/gallery.html"));
        await using var db = database.CreateDbContext();
        Assert.Equal(10, await db.Images.CountAsync(i => i.SourcePageUrl == site.Url + "gallery.html", ct));
    }

    [Fact]
    public async Task Crawls_can_be_paused_resumed_cancelled_and_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new TempImageDirectory();
        using var root = new TempImageDirectory("it-crawl-");
        using var thumbs = new TempImageDirectory("it-thumbs-");
        await using var site = await TestSite.StartAsync(files.Path, galleryImages: 10);
        site.HoldImagesAfter(1); // the second image is held: the crawl is mid-way when it is paused
        using var host = ProcessingTestHost.Build(database, Settings(root.Path, null, thumbs.Path));
        await host.StartAsync(ct);
        var store = host.Services.GetRequiredService<CrawlJobStore>();
        var id = await store.CreateAsync(Spec(new Uri(site.Url, "gallery.html"), maxDepth: 0, perHost: 1), ct);
        await Poll.UntilAsync(async () => site.HeldRequests == 1 && (await CrawlImagesAsync(id)).Any(i => i.State == CrawlImageState.Downloaded), TimeSpan.FromSeconds(30), "an image is downloaded and the next is in flight", () => DescribeAsync(id));

        Assert.Equal(CrawlControlResult.Ok, await store.PauseAsync(id, ct));
        await Poll.UntilAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            return !await db.Jobs.AnyAsync(j => j.Kind == "crawl" && (j.State == Catalog.Jobs.JobState.Running || j.State == Catalog.Jobs.JobState.Queued), ct);
        }, TimeSpan.FromSeconds(10), "the crawl's batch stopped", () => DescribeAsync(id));
        var paused = (await CrawlImagesAsync(id)).Count(i => i.State == CrawlImageState.Downloaded);
        var requests = Enumerable.Range(0, 10).Sum(i => site.Requests($"/img/g{i}.jpg"));
        site.Release(); // from now on the site answers at once: a crawl that kept going would fetch in the next moments
        await Task.Delay(800, ct);
        Assert.Equal(CrawlJobState.Paused, (await CrawlAsync(id)).State);
        Assert.Equal(paused, (await CrawlImagesAsync(id)).Count(i => i.State == CrawlImageState.Downloaded));
        Assert.Equal(requests, Enumerable.Range(0, 10).Sum(i => site.Requests($"/img/g{i}.jpg")));
        Assert.Equal(1, paused); // the held download was stopped by the pause, not finished
        Assert.Equal(CrawlControlResult.InvalidState, await store.PauseAsync(id + 1000, ct) == CrawlControlResult.NotFound ? CrawlControlResult.InvalidState : CrawlControlResult.Ok);

        Assert.Equal(CrawlControlResult.Ok, await store.ResumeAsync(id, ct));
        await Poll.UntilAsync(async () => (await CrawlAsync(id)).IsFinished, TimeSpan.FromSeconds(30), "the resumed crawl finished", () => DescribeAsync(id));
        Assert.Equal(CrawlJobState.Completed, (await CrawlAsync(id)).State);
        Assert.Equal(10, (await CrawlImagesAsync(id)).Count(i => i.State == CrawlImageState.Downloaded));
        Assert.Equal(CrawlControlResult.InvalidState, await store.ResumeAsync(id, ct));
        Assert.Equal(CrawlControlResult.InvalidState, await store.CancelAsync(id, ct));

        // A second crawl of the same page, cancelled while it runs, stops and stays stopped.
        site.HoldImagesAfter(0); // every image of the second crawl is held: it is cancelled while a download is in flight
        var other = await store.CreateAsync(Spec(new Uri(site.Url, "gallery.html?again"), maxDepth: 0, perHost: 1), ct);
        await Poll.UntilAsync(async () => site.HeldRequests == 1 && (await CrawlImagesAsync(other)).Count > 0, TimeSpan.FromSeconds(30), "the second crawl is downloading", () => DescribeAsync(other));
        Assert.Equal(CrawlControlResult.Ok, await store.CancelAsync(other, ct));
        await Poll.UntilAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            return site.HeldRequests == 0 && !await db.Jobs.AnyAsync(j => j.Kind == "crawl" && (j.State == Catalog.Jobs.JobState.Running || j.State == Catalog.Jobs.JobState.Queued), ct);
        }, TimeSpan.FromSeconds(10), "the cancelled crawl's batch stopped", () => DescribeAsync(other));
        var settled = (await CrawlImagesAsync(other)).Count(i => i.State != CrawlImageState.Pending);
        site.Release();
        await Task.Delay(600, ct);
        Assert.Equal(CrawlJobState.Cancelled, (await CrawlAsync(other)).State);
        Assert.Equal(settled, (await CrawlImagesAsync(other)).Count(i => i.State != CrawlImageState.Pending));
        Assert.Contains(await CrawlImagesAsync(other), i => i.State == CrawlImageState.Pending);
        Assert.Equal(CrawlControlResult.InvalidState, await store.ResumeAsync(other, ct));

        // Deleting with its images removes the crawl, its frontier, its folder and its images from the library.
        var folderId = (await CrawlAsync(id)).FolderId;
        Assert.Equal(CrawlControlResult.Ok, await store.DeleteAsync(id, removeImages: true, ct));
        Assert.Equal(CrawlControlResult.NotFound, await store.DeleteAsync(id, removeImages: true, ct));
        await using var db = database.CreateDbContext();
        Assert.False(await db.CrawlJobs.AnyAsync(c => c.Id == id, ct));
        Assert.False(await db.CrawlImages.AnyAsync(c => c.CrawlJobId == id, ct));
        Assert.False(await db.Images.AnyAsync(i => i.FolderId == folderId, ct));
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Loopback_is_refused_at_connect_time_unless_allowed_even_by_host_name()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new TempImageDirectory();
        using var root = new TempImageDirectory("it-crawl-");
        using var thumbs = new TempImageDirectory("it-thumbs-");
        await using var site = await TestSite.StartAsync(files.Path, galleryImages: 1);
        var settings = Settings(root.Path, null, thumbs.Path);
        settings.Remove("Crawl:AllowedNetworks:0");
        settings["Crawl:AllowedNetworks:0"] = "10.0.0.0/8"; // some other private network: loopback stays refused
        using var host = ProcessingTestHost.Build(database, settings);
        await host.StartAsync(ct);
        var store = host.Services.GetRequiredService<CrawlJobStore>();

        // By literal address and by a name that resolves to it: the check is on the address connected to.
        var byAddress = await store.CreateAsync(Spec(site.Url), ct);
        var byName = await store.CreateAsync(Spec(new Uri($"http://localhost:{site.Url.Port}/")), ct);
        foreach (var id in new[] { byAddress, byName })
        {
            await Poll.UntilAsync(async () => (await CrawlAsync(id)).IsFinished, TimeSpan.FromSeconds(30), "the crawl finished", () => DescribeAsync(id));
            var crawl = await CrawlAsync(id);
            Assert.Equal(CrawlJobState.Failed, crawl.State);
            Assert.Contains("private or reserved", crawl.LastError);
        }

        Assert.Equal(0, site.RequestsToHost("127.0.0.1") + site.RequestsToHost("localhost"));
        await host.StopAsync(ct);
    }
}
