using System.Globalization;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>From an empty library to described images: add a folder in the UI and watch the live progress reach done.</summary>
public sealed class FolderProcessingTests(ProcessingStack stack, BrowserFixture browser) : IClassFixture<ProcessingStack>
{
    [Fact]
    public async Task A_folder_added_in_the_ui_is_processed_while_progress_streams_to_the_page()
    {
        const int photos = 4;
        var holiday = Path.Combine(stack.Root.Path, "holiday");
        foreach (var sample in SampleImages.ValidJpegs().Where((_, i) => i % 5 == 0).Take(photos))
        {
            SampleImages.CopyTo(sample, holiday);
        }

        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await page.GotoAsync("/folders");

        // The Api's validation message is shown for a path outside the allowed roots, and the path is kept.
        await page.GetByLabel("Path on the server").FillAsync("/etc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add folder" }).ClickAsync();
        await Expect(page.GetByTestId("flash-error")).ToBeVisibleAsync();
        var message = await page.GetByTestId("flash-error").InnerTextAsync();
        Assert.False(string.IsNullOrWhiteSpace(message));
        await Expect(page.GetByLabel("Path on the server")).ToHaveValueAsync("/etc");
        await Expect(page.GetByTestId("folder")).ToHaveCountAsync(0);

        await page.GetByLabel("Path on the server").FillAsync(holiday);
        await page.GetByLabel("Write-back").SelectOptionAsync("Sidecar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add folder" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Added");
        await Expect(page.GetByTestId("folder")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("folder")).ToContainTextAsync(holiday);
        await Expect(page.GetByTestId("folder").Locator("select")).ToHaveValueAsync("Sidecar");

        // The dashboard's progress panel is updated by server-sent events (no reload) until everything is done.
        await page.GotoAsync("/");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var sawProgressChange = false;
        var firstDone = await page.GetByTestId("progress-done").InnerTextAsync();
        while (true)
        {
            var done = int.Parse(await page.GetByTestId("progress-done").InnerTextAsync(), CultureInfo.InvariantCulture);
            var total = int.Parse(await page.GetByTestId("progress-total").InnerTextAsync(), CultureInfo.InvariantCulture);
            var state = await page.GetByTestId("progress-state").InnerTextAsync();
            sawProgressChange |= done.ToString(CultureInfo.InvariantCulture) != firstDone;
            if (done == total && total >= photos * 3 && state == "idle")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"processing did not finish: {done}/{total} {state}");
            await page.WaitForTimeoutAsync(250);
        }

        Assert.True(sawProgressChange, "the progress panel never changed without a reload");
        await Expect(page.Locator("[data-progress='global']")).ToBeHiddenAsync();

        await page.ReloadAsync();
        await Expect(page.GetByTestId("stat-tagged")).ToHaveTextAsync(photos.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("stat-pending")).ToHaveTextAsync("0");
        await Expect(page.Locator(".image-grid img")).ToHaveCountAsync(photos);
        await LibraryPagesTests.WaitForImagesAsync(page, ".image-grid img");
        await session.ScreenshotAsync("dashboard-processed");

        // The described images are in the gallery.
        await page.GotoAsync("/gallery");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync(photos.ToString(CultureInfo.InvariantCulture));

        // Folder operations: scan now, deactivate, counts.
        await page.GotoAsync("/folders");
        await Expect(page.GetByTestId("folder-images")).ToHaveTextAsync(photos.ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Scan now" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Scan queued");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(page.GetByTestId("folder")).ToContainTextAsync("inactive");
        await session.ScreenshotAsync("folders");
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Expect(page.GetByTestId("folder").Locator("fluent-badge")).ToHaveTextAsync("active");
    }

    [Fact]
    public async Task The_web_relays_progress_events_from_the_api()
    {
        using var http = new HttpClient { BaseAddress = stack.WebUrl, Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync("/progress/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        Assert.Equal("event: progress", await reader.ReadLineAsync(TestContext.Current.CancellationToken));
        var data = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("data: {", data, StringComparison.Ordinal);
        Assert.Contains("\"total\":", data, StringComparison.Ordinal);
    }
}
