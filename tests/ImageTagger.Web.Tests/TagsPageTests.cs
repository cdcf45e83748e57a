using ImageTagger.TestSupport.Postgres;
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

/// <summary>A few hundred tags: the Api pages, filters and sorts them; the Web holds one page, and bulk edits still work across pages.</summary>
public sealed class TagsPagingTests(WebStack stack, BrowserFixture browser) : IClassFixture<WebStack>
{
    private static string Name(int i) => "bulk-" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    private static ILocator Row(IPage page, string tag) =>
        page.GetByTestId("tag-table").GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator($"a[data-tag='{tag}']") });

    private static async Task FilterAsync(IPage page, string text)
    {
        await page.Locator("#tag-filter input").FillAsync(text);
        await page.Keyboard.PressAsync("Tab"); // Fluent's input hands its value over on change
    }

    [Fact]
    public async Task Hundreds_of_tags_come_a_page_at_a_time_and_merge_rename_and_delete_work_across_pages()
    {
        // 300 tags; the last ten are on two images, so they come first (most used).
        var ids = await TaggedImages.AddAsync(stack, stack.Root.Path, [Enumerable.Range(0, 300).Select(Name).ToList(), Enumerable.Range(290, 10).Select(Name).ToList()], TestContext.Current.CancellationToken);
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/tags");
        var names = page.GetByTestId("tag-table").Locator("a[data-tag]");
        await Expect(page.GetByTestId("tag-count")).ToHaveTextAsync("300");
        await Expect(names).ToHaveCountAsync(50);
        await Expect(names.First).ToHaveAttributeAsync("data-tag", Name(290));
        Assert.Equal(1, stack.ApiCalls.Count("Tags")); // one page, asked once in the prerender and carried into the circuit

        // The last page is asked for at its offset.
        await page.GetByLabel("Go to last page", new() { Exact = true }).ClickAsync();
        await Expect(names.Last).ToHaveAttributeAsync("data-tag", Name(289));
        await Expect(names.First).ToHaveAttributeAsync("data-tag", Name(240));

        // Sorted by name on the Api's side, at the same page (the sixth fifty by name), then back to the first.
        await page.GetByTestId("tag-table").GetByRole(AriaRole.Columnheader, new() { Name = "Tag" }).ClickAsync();
        await Expect(names.First).ToHaveAttributeAsync("data-tag", Name(250));
        await Expect(names.Last).ToHaveAttributeAsync("data-tag", Name(299));
        await page.GetByLabel("Go to first page", new() { Exact = true }).ClickAsync();
        await Expect(names.First).ToHaveAttributeAsync("data-tag", Name(0));
        await Expect(names).ToHaveCountAsync(50);

        // Pick one tag on this page and one found by the filter, then merge them.
        await Row(page, Name(7)).Locator("fluent-checkbox").ClickAsync();
        await FilterAsync(page, Name(240));
        await Expect(page.GetByTestId("tag-count")).ToHaveTextAsync("1");
        await Row(page, Name(240)).Locator("fluent-checkbox").ClickAsync();
        await Expect(page.GetByTestId("merge-selected")).ToContainTextAsync("(2)");
        await page.GetByTestId("merge-selected").ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog.GetByTestId("merge-sources")).ToContainTextAsync(Name(7));
        await dialog.Locator("fluent-button", new() { HasText = "Merge" }).ClickAsync();
        await Expect(page.GetByText("Merged 2 tags into")).ToBeVisibleAsync();
        var tags = await stack.TagsOfAsync(ids[0]);
        Assert.True(tags.Contains(Name(7)) ^ tags.Contains(Name(240)), "exactly one of the two is kept");

        // Rename a tag found by the filter; the merge warning comes from the Api (the page holds no full list).
        await FilterAsync(page, Name(100));
        await page.GetByLabel($"Rename {Name(100)}", new() { Exact = true }).ClickAsync();
        dialog = page.Locator("fluent-dialog");
        await dialog.Locator("#rename-name input").FillAsync(Name(299));
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByTestId("rename-merges")).ToContainTextAsync($"merges “{Name(100)}” into it");
        await dialog.Locator("#rename-name input").FillAsync("bulk-renamed");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByTestId("rename-merges")).ToHaveCountAsync(0);
        await dialog.Locator("fluent-button", new() { HasText = "Rename" }).ClickAsync();
        await Expect(page.GetByText("Renamed to “bulk-renamed”")).ToBeVisibleAsync();
        await FilterAsync(page, "bulk-ren");
        await Expect(Row(page, "bulk-renamed")).ToHaveCountAsync(1);

        // Delete one, after confirming.
        await FilterAsync(page, Name(101));
        await page.GetByLabel($"Delete tag {Name(101)}", new() { Exact = true }).ClickAsync();
        await page.Locator("fluent-dialog").Locator("fluent-button", new() { HasText = "Delete" }).ClickAsync();
        await Expect(page.GetByText($"Deleted “{Name(101)}”")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tag-count")).ToHaveTextAsync("0");

        await FilterAsync(page, "");
        await Expect(page.GetByTestId("tag-count")).ToHaveTextAsync("298"); // 300, less one merged away and one deleted
        tags = await stack.TagsOfAsync(ids[0]);
        Assert.Contains("bulk-renamed", tags);
        Assert.DoesNotContain(Name(100), tags);
        Assert.DoesNotContain(Name(101), tags);
        Assert.Empty(session.PageErrors);
    }
}
