using ImageTagger.TestSupport;
using ImageTagger.TestSupport.Crawling;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive crawl page: a validated form, and pause / resume / cancel / delete of a job (no Processing runs, so a job stays queued).</summary>
public sealed class CrawlPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    [Fact]
    public async Task A_crawl_is_validated_started_paused_resumed_cancelled_and_deleted()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/crawl");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var form = page.GetByTestId("crawl-form");
        var url = page.Locator("#crawl-url input");

        // The form refuses what is not an http(s) address and limits out of range, before asking the Api.
        await url.FillAsync("ftp://example.org/pictures");
        await page.Locator("#crawl-depth input").FillAsync("99");
        await page.Locator("#crawl-depth input").PressAsync("Tab"); // Fluent's input hands its value over on change
        await page.GetByTestId("start-crawl").ClickAsync();
        await Expect(form).ToContainTextAsync("http:// or https://");
        await Expect(form).ToContainTextAsync("Link depth is 0 to 50.");
        await page.Locator("#crawl-depth input").FillAsync("1");

        // What only the Api knows (the address it resolves to) comes back at the field: 10.0.0.0/8 is not allowed in this stack.
        await url.FillAsync("http://10.1.2.3/gallery");
        await page.GetByTestId("start-crawl").ClickAsync();
        await Expect(form).ToContainTextAsync("private or reserved address");
        await Expect(page.GetByTestId("crawl-job")).ToHaveCountAsync(0);

        // Loopback is allowed in this stack (Crawl:AllowedNetworks); without Processing the job stays queued.
        await url.FillAsync("http://127.0.0.1:9/gallery");
        await page.GetByTestId("start-crawl").ClickAsync();
        await Expect(page.GetByText("Crawl queued")).ToBeVisibleAsync();
        var job = page.GetByTestId("crawl-job").Filter(new() { HasText = "127.0.0.1:9/gallery" });
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("queued");
        await Expect(job).ToContainTextAsync("depth 1");
        await session.ScreenshotAsync("crawl");

        const string name = "crawl of http://127.0.0.1:9/gallery";
        await job.GetByLabel("pause " + name, new() { Exact = true }).ClickAsync();
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("paused");
        await job.GetByLabel("resume " + name, new() { Exact = true }).ClickAsync();
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("queued");
        await job.GetByLabel("cancel " + name, new() { Exact = true }).ClickAsync();
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("cancelled");

        // Delete asks first.
        await job.GetByLabel("delete " + name, new() { Exact = true }).ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog).ToContainTextAsync("Delete the crawl of http://127.0.0.1:9/gallery");
        await dialog.Locator("fluent-button", new() { HasText = "Delete" }).ClickAsync();
        await Expect(page.GetByTestId("crawl-job").Filter(new() { HasText = "127.0.0.1:9/gallery" })).ToHaveCountAsync(0);
        var jobs = await stack.GraphQLAsync("{ crawlJobs(first: 10) { edges { node { startUrl } } } }");
        Assert.Empty(jobs.GetProperty("crawlJobs").GetProperty("edges").EnumerateArray());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Empty(session.PageErrors);

        await using var dark = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        await dark.GotoInteractiveAsync("/crawl");
        await Expect(dark.Page.GetByTestId("crawl-form")).ToBeVisibleAsync();
        await dark.ScreenshotAsync("crawl-dark");
    }
}

/// <summary>A crawl of a real website on loopback, run by the real Processing service, followed live on the page.</summary>
public sealed class CrawlPageLiveTests(ProcessingStack stack, BrowserFixture browser) : IClassFixture<ProcessingStack>
{
    [Fact]
    public async Task A_running_crawl_shows_its_state_and_progress_as_they_change()
    {
        using var siteImages = new TempImageDirectory("crawl-site-");
        await using var site = await TestSite.StartAsync(siteImages.Path, galleryImages: 3);
        // One image is served, the next are held at the site until released: the crawl is caught running, however fast the machine.
        site.HoldImagesAfter(1);
        try
        {
            await using var session = await browser.NewSessionAsync(stack.WebUrl);
            var page = session.Page;
            await session.GotoInteractiveAsync("/crawl");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            var start = new Uri(site.Url, "gallery.html").AbsoluteUri;
            await page.Locator("#crawl-url input").FillAsync(start);
            await page.Locator("#crawl-depth input").FillAsync("0");
            await page.Locator("#crawl-depth input").PressAsync("Tab"); // Fluent's input hands its value over on change
            await page.GetByTestId("start-crawl").ClickAsync();

            var job = page.GetByTestId("crawl-job").Filter(new() { HasText = start });
            await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("running", new() { Timeout = 60_000 });
            await Poll.UntilAsync(() => site.HeldRequests > 0, "an image request held at the site", TimeSpan.FromSeconds(60));
            await Expect(job.GetByTestId("crawl-images-found")).ToHaveTextAsync("3");
            await Expect(job.GetByTestId("crawl-images-downloaded")).ToHaveTextAsync("1");
            await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("running");

            site.Release();
            await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
            await Expect(job.GetByTestId("crawl-images-downloaded")).ToHaveTextAsync("3");
            await Expect(job.GetByTestId("crawl-pages-visited")).ToHaveTextAsync("1");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
            Assert.Equal(1, stack.ApiCalls.Count("CrawlJobUpdated")); // one subscription for the one running crawl
            Assert.Empty(session.PageErrors);
        }
        finally
        {
            site.Release();
        }
    }
}
