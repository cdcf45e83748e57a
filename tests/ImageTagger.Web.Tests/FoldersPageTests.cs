using System.Globalization;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive folders page with Processing running: add (and refuse) folders, watch their progress move, edit and remove them.</summary>
public sealed class FoldersPageTests(ProcessingStack stack, BrowserFixture browser) : IClassFixture<ProcessingStack>
{
    [Fact]
    public async Task A_bad_path_shows_the_Api_error_and_an_added_folder_shows_progress_moving_without_reload()
    {
        const int photos = 3;
        var holiday = Path.Combine(stack.Root.Path, "holiday");
        foreach (var sample in SampleImages.ValidJpegs().Where((_, i) => i % 5 == 0).Take(photos))
        {
            SampleImages.CopyTo(sample, holiday);
        }

        // Descriptions wait at this gate, so the page is sure to see the folder with work pending before it finishes.
        using var gate = new ManualResetEventSlim(false);
        stack.Ollama.ChatHandler = request =>
        {
            gate.Wait(TimeSpan.FromSeconds(60));
            return ImageTagger.TestSupport.Ollama.LoopbackOllamaServer.DefaultChatHandler(request);
        };

        try
        {
            await using var session = await browser.NewSessionAsync(stack.WebUrl);
            var page = session.Page;
            await session.GotoInteractiveAsync("/folders");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            // The Api's own message for a path outside the allowed roots is shown at the field, and the path is kept.
            var refused = await stack.GraphQLAsync(
                "mutation { addFolder(input: { path: \"/etc\", recursive: true, writeBackMode: NONE }) { errors { message } } }");
            var apiMessage = refused.GetProperty("addFolder").GetProperty("errors")[0].GetProperty("message").GetString()!;
            var path = page.Locator("#folder-path input");
            await path.FillAsync("/etc");
            await page.GetByTestId("add-folder").ClickAsync();
            await Expect(page.GetByTestId("add-folder-form")).ToContainTextAsync(apiMessage);
            await Expect(path).ToHaveValueAsync("/etc");
            await Expect(page.GetByTestId("folder").Filter(new() { HasText = "/etc" })).ToHaveCountAsync(0);

            // A relative path is refused by the form itself, before the Api is asked.
            await path.FillAsync("photos");
            await page.GetByTestId("add-folder").ClickAsync();
            await Expect(page.GetByTestId("add-folder-form")).ToContainTextAsync("absolute path");

            await path.FillAsync(holiday);
            await page.GetByTestId("add-folder").ClickAsync();
            var folder = page.GetByTestId("folder").Filter(new() { HasText = holiday });
            await Expect(folder).ToHaveCountAsync(1);

            // While descriptions are held, the folder's progress arrives live with work pending...
            await Expect(folder.GetByTestId("folder-pending")).Not.ToHaveTextAsync("0");
            await Expect(folder.GetByTestId("folder-total")).Not.ToHaveTextAsync("0");
            var doneWhilePending = int.Parse(await folder.GetByTestId("folder-done").InnerTextAsync(), CultureInfo.InvariantCulture);
            await session.ScreenshotAsync("folders-processing");
            gate.Set();

            // ...and moves to done on the same page, without a reload.
            await Expect(folder.GetByTestId("folder-pending")).ToHaveTextAsync("0", new() { Timeout = 120_000 });
            await Expect(folder.GetByTestId("folder-images")).ToHaveTextAsync(photos.ToString(CultureInfo.InvariantCulture));
            var done = int.Parse(await folder.GetByTestId("folder-done").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.True(done > doneWhilePending, $"progress did not move: {doneWhilePending} → {done}");
            Assert.Equal(done.ToString(CultureInfo.InvariantCulture), await folder.GetByTestId("folder-total").InnerTextAsync());
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
            Assert.Empty(session.PageErrors);
        }
        finally
        {
            gate.Set();
            stack.Ollama.ChatHandler = ImageTagger.TestSupport.Ollama.LoopbackOllamaServer.DefaultChatHandler;
        }
    }

    [Fact]
    public async Task A_folder_is_edited_inline_scanned_and_removed_after_confirmation()
    {
        var trip = Path.Combine(stack.Root.Path, "trip");
        SampleImages.CopyTo(SampleImages.ValidJpegs()[1], trip);
        var added = await stack.GraphQLAsync(
            "mutation($p: String!) { addFolder(input: { path: $p, recursive: true, writeBackMode: NONE }) { folder { id } errors { message } } }", new { p = trip });
        var id = added.GetProperty("addFolder").GetProperty("folder").GetProperty("id").GetString()!;

        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/folders");
        var folder = page.GetByTestId("folder").Filter(new() { HasText = trip });
        await Expect(folder.GetByTestId("folder-state")).ToHaveTextAsync("active");

        await folder.Locator("fluent-switch").ClickAsync();
        await Expect(folder.GetByTestId("folder-state")).ToHaveTextAsync("inactive");
        await folder.Locator("fluent-checkbox").ClickAsync();
        await Expect(folder).ToHaveAttributeAsync("data-recursive", "false");
        await folder.GetByTestId("folder-writeback").ClickAsync();
        await folder.Locator("fluent-option").Filter(new() { HasText = "Sidecar" }).ClickAsync();
        await Expect(folder).ToHaveAttributeAsync("data-writeback", "Sidecar");

        var state = (await stack.GraphQLAsync("query { folders { id active recursive writeBackMode } }"))
            .GetProperty("folders").EnumerateArray().Single(f => f.GetProperty("id").GetString() == id);
        Assert.False(state.GetProperty("active").GetBoolean());
        Assert.False(state.GetProperty("recursive").GetBoolean());
        Assert.Equal("SIDECAR", state.GetProperty("writeBackMode").GetString());

        await folder.GetByLabel($"Scan {trip} now", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByText("Scan queued").First).ToBeVisibleAsync();
        await session.ScreenshotAsync("folders");

        await using (var dark = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark))
        {
            await dark.GotoInteractiveAsync("/folders");
            await Expect(dark.Page.GetByTestId("folder").First).ToBeVisibleAsync();
            await dark.ScreenshotAsync("folders-dark");
        }

        // Remove asks first; cancelling keeps the folder.
        await folder.GetByLabel($"Remove folder {trip}", new() { Exact = true }).ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog).ToContainTextAsync("Stop watching");
        await dialog.Locator("fluent-button", new() { HasText = "Cancel" }).ClickAsync();
        await Expect(folder).ToHaveCountAsync(1);
        await folder.GetByLabel($"Remove folder {trip}", new() { Exact = true }).ClickAsync();
        await page.Locator("fluent-dialog").Locator("fluent-button", new() { HasText = "Remove" }).ClickAsync();
        await Expect(folder).ToHaveCountAsync(0);
        var folders = (await stack.GraphQLAsync("query { folders { id } }")).GetProperty("folders").EnumerateArray().Select(f => f.GetProperty("id").GetString());
        Assert.DoesNotContain(id, folders);
        Assert.Empty(session.PageErrors);
    }
}
