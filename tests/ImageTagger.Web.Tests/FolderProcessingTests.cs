using System.Globalization;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>From an empty library to described images: add a folder and watch the dashboard's live progress reach done.</summary>
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

        // Added through the Api (FoldersPageTests covers adding in the UI); this follows the dashboard and the gallery.
        var added = await stack.GraphQLAsync(
            "mutation($p: String!) { addFolder(input: { path: $p, recursive: true, writeBackMode: SIDECAR }) { errors { message } } }", new { p = holiday });
        Assert.Empty(added.GetProperty("addFolder").GetProperty("errors").EnumerateArray());

        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;

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
    }
}
