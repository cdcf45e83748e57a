using ImageTagger.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive dashboard over a described library, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class DashboardPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    [Fact]
    public async Task Dashboard_shows_counts_ai_status_and_recent_thumbnails_and_asks_the_api_once_per_visit()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        var before = stack.ApiCalls.Count("Dashboard");
        await session.GotoInteractiveAsync("/");
        await Expect(page.GetByTestId("stat-images")).ToHaveTextAsync("6");
        await Expect(page.GetByTestId("stat-tagged")).ToHaveTextAsync("6");
        await Expect(page.GetByTestId("stat-folders")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("ai-status")).ToContainTextAsync("Ready");
        await Expect(page.GetByTestId("ai-status")).ToContainTextAsync("llava:7b");
        await Expect(page.GetByTestId("progress-panel")).ToContainTextAsync("jobs done");
        await Expect(page.Locator(".image-grid img")).ToHaveCountAsync(6);
        await LibraryPagesTests.WaitForImagesAsync(page, ".image-grid img");

        // The prerender's data is carried into the circuit: one query for the visit, not one per render mode.
        Assert.Equal(1, stack.ApiCalls.Count("Dashboard") - before);
        await session.ScreenshotAsync("dashboard");
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task Test_connection_asks_ollama_again_and_shows_the_answer()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        var before = stack.ApiCalls.Count("TestOllama");
        await session.GotoInteractiveAsync("/");
        await page.GetByTestId("dashboard-test-connection").ClickAsync();
        await Expect(page.GetByTestId("ai-status")).ToContainTextAsync("Ready");
        await Poll.UntilAsync(() => Task.FromResult(stack.ApiCalls.Count("TestOllama") - before), n => n == 1, "test-connection calls");
    }

    [Fact]
    public async Task Dark_theme_follows_the_system_and_the_toggle_switches_it()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        var page = session.Page;
        await session.GotoInteractiveAsync("/");
        await Expect(page.GetByTestId("stat-images")).ToHaveTextAsync("6");
        var darkBackground = await BodyBackgroundAsync(page);
        Assert.NotEqual("rgb(255, 255, 255)", darkBackground);
        await session.ScreenshotAsync("dashboard-dark");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Poll.UntilAsync(() => BodyBackgroundAsync(page), b => b != darkBackground, "background after the theme toggle");
        Assert.Empty(session.PageErrors);
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
