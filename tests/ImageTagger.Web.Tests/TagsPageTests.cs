using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive tags page over a described library: cloud, list, rename (and rename-as-merge), merge, delete.</summary>
public sealed class TagsPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    private static ILocator Row(IPage page, string tag) =>
        page.GetByTestId("tag-table").GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator($"a[data-tag='{tag}']") });

    [Fact]
    public async Task A_tag_renamed_through_the_dialog_shows_its_new_name_in_the_list_and_the_cloud()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/tags");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        await Expect(page.GetByTestId("tag-cloud")).ToContainTextAsync("mountain");

        await page.GetByLabel("Rename mountain", new() { Exact = true }).ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog).ToContainTextAsync("Rename “mountain”");
        await dialog.Locator("#rename-name input").FillAsync("peak");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByTestId("rename-merges")).ToHaveCountAsync(0);
        await dialog.Locator("fluent-button", new() { HasText = "Rename" }).ClickAsync();

        await Expect(page.GetByText("Renamed to “peak”")).ToBeVisibleAsync();
        await Expect(Row(page, "peak")).ToHaveCountAsync(1);
        await Expect(Row(page, "mountain")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("tag-cloud").GetByRole(AriaRole.Link, new() { Name = "peak", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tag-cloud").GetByRole(AriaRole.Link, new() { Name = "mountain", Exact = true })).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Contains("peak", await stack.TagsOfAsync(stack.Ids["mountain"]));
        Assert.DoesNotContain("mountain", await stack.TagsOfAsync(stack.Ids["mountain"]));
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task Renaming_onto_an_existing_name_says_it_merges_and_does()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/tags");
        await page.GetByLabel("Rename sunset", new() { Exact = true }).ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await dialog.Locator("#rename-name input").FillAsync("snow");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByTestId("rename-merges")).ToContainTextAsync("merges “sunset” into it");
        await session.ScreenshotAsync("tags-rename-merge");
        await dialog.Locator("fluent-button", new() { HasText = "Rename" }).ClickAsync();
        await Expect(page.GetByText("Merged “sunset” into “snow”")).ToBeVisibleAsync();
        await Expect(Row(page, "sunset")).ToHaveCountAsync(0);
        await Expect(Row(page, "snow").GetByRole(AriaRole.Gridcell).Nth(2)).ToHaveTextAsync("2");
        Assert.Contains("snow", await stack.TagsOfAsync(stack.Ids["beach"]));
    }

    [Fact]
    public async Task Several_tags_merge_into_one_and_a_tag_is_deleted_after_confirmation()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/tags");

        // The filter narrows the list as you type.
        await page.Locator("#tag-filter input").FillAsync("ca");
        await page.Keyboard.PressAsync("Tab");
        await Expect(Row(page, "cat")).ToHaveCountAsync(1);
        await Expect(Row(page, "dog")).ToHaveCountAsync(0);
        await page.Locator("#tag-filter input").FillAsync("");
        await page.Keyboard.PressAsync("Tab");
        await Expect(Row(page, "dog")).ToHaveCountAsync(1);

        foreach (var tag in new[] { "cat", "dog", "sofa" })
        {
            await Row(page, tag).Locator("fluent-checkbox").ClickAsync();
        }

        await Expect(page.GetByTestId("merge-selected")).ToContainTextAsync("(3)");
        await page.GetByTestId("merge-selected").ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog.GetByTestId("merge-sources")).ToContainTextAsync("sofa");
        await dialog.Locator("fluent-button", new() { HasText = "Merge" }).ClickAsync();
        await Expect(page.GetByText("Merged 3 tags into")).ToBeVisibleAsync();
        var remaining = new List<string>();
        foreach (var tag in new[] { "cat", "dog", "sofa" })
        {
            if (await Row(page, tag).CountAsync() > 0)
            {
                remaining.Add(tag);
            }
        }

        var kept = Assert.Single(remaining);
        Assert.Contains(kept, await stack.TagsOfAsync(stack.Ids["cat"]));
        Assert.Contains(kept, await stack.TagsOfAsync(stack.Ids["dog"]));

        // Delete asks first; cancelling keeps the tag.
        await page.GetByLabel("Delete tag ball", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("fluent-dialog")).ToContainTextAsync("Delete the tag “ball”");
        await page.Locator("fluent-dialog").Locator("fluent-button", new() { HasText = "Cancel" }).ClickAsync();
        await Expect(Row(page, "ball")).ToHaveCountAsync(1);
        await page.GetByLabel("Delete tag ball", new() { Exact = true }).ClickAsync();
        await page.Locator("fluent-dialog").Locator("fluent-button", new() { HasText = "Delete" }).ClickAsync();
        await Expect(page.GetByText("Deleted “ball”")).ToBeVisibleAsync();
        await Expect(Row(page, "ball")).ToHaveCountAsync(0);
        Assert.DoesNotContain("ball", await stack.TagsOfAsync(stack.Ids["dog"]));

        await session.ScreenshotAsync("tags");
        await using var dark = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        await dark.GotoInteractiveAsync("/tags");
        await Expect(dark.Page.GetByTestId("tag-cloud")).ToBeVisibleAsync();
        await dark.ScreenshotAsync("tags-dark");
        Assert.Empty(session.PageErrors);
    }
}
