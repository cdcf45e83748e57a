using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Catalog.Tests.Crawling;

public sealed class CrawlJobStoreTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task A_crawl_is_stored_with_its_start_page_and_one_job_and_control_changes_state_and_job_together()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices(s => s.AddSingleton<CrawlJobStore>());
        var store = services.GetRequiredService<CrawlJobStore>();
        var id = await store.CreateAsync(new CrawlJob { StartUrl = "https://example.com/", IncludePatterns = ["/gallery/"], PolitenessDelay = TimeSpan.FromMilliseconds(250) }, ct);

        await using (var db = database.CreateDbContext())
        {
            var crawl = await db.CrawlJobs.AsNoTracking().SingleAsync(c => c.Id == id, ct);
            Assert.Equal(CrawlJobState.Queued, crawl.State);
            Assert.Equal(["/gallery/"], crawl.IncludePatterns);
            Assert.Equal(TimeSpan.FromMilliseconds(250), crawl.PolitenessDelay);
            var page = await db.CrawlPages.AsNoTracking().SingleAsync(p => p.CrawlJobId == id, ct);
            Assert.Equal((0, CrawlPageState.Pending), (page.Depth, page.State));
            Assert.Equal(1, await db.Jobs.CountAsync(j => j.Kind == JobKinds.Crawl && j.State == JobState.Queued, ct));
        }

        Assert.Equal(CrawlControlResult.Ok, await store.PauseAsync(id, ct));
        Assert.Equal(CrawlControlResult.Ok, await store.PauseAsync(id, ct)); // idempotent
        await using (var db = database.CreateDbContext())
        {
            Assert.Equal(CrawlJobState.Paused, (await db.CrawlJobs.AsNoTracking().SingleAsync(c => c.Id == id, ct)).State);
            Assert.Equal(0, await db.Jobs.CountAsync(j => j.Kind == JobKinds.Crawl && j.State == JobState.Queued, ct));
        }

        Assert.Equal(CrawlControlResult.Ok, await store.ResumeAsync(id, ct));
        Assert.Equal(CrawlControlResult.Ok, await store.ResumeAsync(id, ct)); // already queued: makes sure of its job, adds none
        await using (var db = database.CreateDbContext())
        {
            Assert.Equal(1, await db.Jobs.CountAsync(j => j.Kind == JobKinds.Crawl && j.State == JobState.Queued, ct));
        }

        Assert.Equal(CrawlControlResult.Ok, await store.CancelAsync(id, ct));
        Assert.Equal(CrawlControlResult.InvalidState, await store.ResumeAsync(id, ct));
        Assert.Equal(CrawlControlResult.InvalidState, await store.PauseAsync(id, ct));
        Assert.Equal(CrawlControlResult.NotFound, await store.CancelAsync(id + 999, ct));

        var progress = (await store.GetProgressAsync([id], ct))[id];
        Assert.Equal(1, progress.PagesPending);
        Assert.Equal(0, progress.ImagesFound);

        Assert.Equal(CrawlControlResult.Ok, await store.DeleteAsync(id, removeImages: false, ct));
        await using (var db = database.CreateDbContext())
        {
            Assert.False(await db.CrawlPages.AnyAsync(p => p.CrawlJobId == id, ct));
            Assert.Equal(0, await db.Jobs.CountAsync(j => j.Kind == JobKinds.Crawl && j.State == JobState.Queued, ct));
        }
    }
}
