using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive gallery over the small described library, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class GalleryPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    [Fact]
    public async Task Three_selected_images_get_a_tag_in_bulk_and_their_cards_show_it_without_a_reload()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("6");
        await Expect(page.Locator("#gallery-grid .image-card")).ToHaveCountAsync(6);
        await page.EvaluateAsync("() => window.__sameDocument = true");

        foreach (var name in new[] { "beach", "dog", "cat" })
        {
            await page.GetByLabel($"Select {name}.jpg").CheckAsync();
        }

        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("3");
        await page.Locator("#bulk-tags input").FillAsync("summer, holiday");
        await page.GetByTestId("add-tags").ClickAsync();
        await Expect(page.GetByText("Added summer, holiday to 3 image(s).")).ToBeVisibleAsync();

        // The grid reloads its pages: the new tags are on the three cards, the others unchanged, the selection kept.
        foreach (var name in new[] { "beach", "dog", "cat" })
        {
            await Expect(Card(page, name).Locator(".card-tag[data-tag='summer']")).ToBeVisibleAsync();
            Assert.Contains("summer", await stack.TagsOfAsync(stack.Ids[name]));
            Assert.Contains("holiday", await stack.TagsOfAsync(stack.Ids[name]));
        }

        await Expect(Card(page, "bike").Locator(".card-tag[data-tag='summer']")).ToHaveCountAsync(0);
        Assert.DoesNotContain("summer", await stack.TagsOfAsync(stack.Ids["bike"]));
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("3");
        await Expect(page.GetByLabel("Select dog.jpg")).ToBeCheckedAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await session.ScreenshotAsync("gallery");

        // And removed again from the same selection.
        await page.Locator("#bulk-tags input").FillAsync("holiday");
        await page.GetByTestId("remove-tags").ClickAsync();
        await Expect(page.GetByText("Removed holiday from 3 image(s).")).ToBeVisibleAsync();
        await Expect(Card(page, "cat").Locator(".card-tag[data-tag='holiday']")).ToHaveCountAsync(0);
        Assert.DoesNotContain("holiday", await stack.TagsOfAsync(stack.Ids["cat"]));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task Shift_click_selects_a_range_select_all_takes_every_card_shown_and_clear_empties()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
        var boxes = page.Locator("#gallery-grid input[data-select-item]");
        await Expect(boxes).ToHaveCountAsync(6);

        await boxes.Nth(1).ClickAsync();
        await boxes.Nth(4).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("4");
        for (var i = 0; i < 6; i++)
        {
            if (i is >= 1 and <= 4)
            {
                await Expect(boxes.Nth(i)).ToBeCheckedAsync();
            }
            else
            {
                await Expect(boxes.Nth(i)).Not.ToBeCheckedAsync();
            }
        }

        await page.GetByTestId("select-all").ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("6");
        await page.GetByTestId("clear-selection").ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("0");
        await Expect(page.Locator("#gallery-grid input[data-select-item]:checked")).ToHaveCountAsync(0);

        // Reprocess one image from a chosen stage.
        await page.GetByLabel("Select harbour.jpg").CheckAsync();
        await page.Locator("#bulk-stage").SelectOptionAsync("Describe");
        await page.GetByTestId("reprocess").ClickAsync();
        await Expect(page.GetByText("Queued 1 image(s) for reprocessing from Describe.")).ToBeVisibleAsync();
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task Filters_change_the_url_and_the_results_and_the_url_alone_reproduces_them()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("6");

        // A tag: typed, applied when the field is left.
        await page.Locator("#filter-tag input").FillAsync("sea");
        await page.Locator("#filter-tag input").PressAsync("Tab");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("2");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/gallery\\?tag=sea$"));
        await Expect(page.Locator("#gallery-grid .image-card")).ToHaveCountAsync(2);
        await Expect(Card(page, "harbour")).ToBeVisibleAsync();
        await Expect(Card(page, "beach")).ToBeVisibleAsync();

        // Cards link to the detail page with the gallery's filters and their position (for previous/next there).
        var href = await Card(page, "beach").Locator("a.file-name").GetAttributeAsync("href");
        Assert.Matches(new System.Text.RegularExpressions.Regex("^/images/" + stack.Ids["beach"] + "\\?from=gallery&tag=sea&pos=[01]$"), href);

        // Has GPS narrows further; the folder filter keeps them.
        await page.Locator("#filter-gps").SelectOptionAsync("true");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("1");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tag=sea&gps=true$"));
        await page.Locator("#filter-folder").SelectOptionAsync(stack.Folder.Id.ToString(CultureInfo.InvariantCulture));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("\\?folder=\\d+&tag=sea&gps=true$"));
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("1");
        await Expect(page.Locator("#gallery-grid")).ToContainTextAsync("harbour.jpg");
        await session.ScreenshotAsync("gallery-filtered-dark");

        // Status with nothing matching.
        await page.Locator("#filter-status").SelectOptionAsync("Failed");
        await Expect(page.GetByTestId("gallery-empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("0");

        // Clear goes back to everything.
        await page.GetByTestId("clear-filters").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/gallery$"));
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("6");

        // Dates from a shared URL, in a new browser: the filters show in the controls and the results match.
        await using var other = await browser.NewSessionAsync(stack.WebUrl);
        await other.GotoInteractiveAsync("/gallery?takenFrom=2022-01-01&takenTo=2022-12-31");
        await Expect(other.Page.GetByTestId("gallery-total")).ToHaveTextAsync("1");
        await Expect(other.Page.Locator("#gallery-grid")).ToContainTextAsync("beach.jpg");
        await Expect(other.Page.Locator("#filter-from")).ToHaveValueAsync("2022-01-01");
        await Expect(other.Page.Locator("#filter-to")).ToHaveValueAsync("2022-12-31");
        await other.Page.Locator("#filter-from").FillAsync("2019-01-01");
        await Expect(other.Page.GetByTestId("gallery-total")).ToHaveTextAsync("4");
        await Expect(other.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("takenFrom=2019-01-01&takenTo=2022-12-31$"));
        await other.ScreenshotAsync("gallery-filtered");
        Assert.Empty(session.PageErrors);
        Assert.Empty(other.PageErrors);
    }

    [Fact]
    public async Task The_gallery_screenshots_in_dark()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
        await Expect(page.Locator("#gallery-grid .image-card")).ToHaveCountAsync(6);
        await LibraryPagesTests.WaitForImagesAsync(page, "#gallery-grid img");
        await page.GetByLabel("Select dog.jpg").CheckAsync();
        await session.ScreenshotAsync("gallery-dark");
        Assert.Empty(session.PageErrors);
    }

    internal static ILocator Card(IPage page, string name) => page.Locator($"#gallery-grid .image-card[data-file='{name}.jpg']");

    /// <summary>
    /// Scrolls the layout's content area (the scroll container) to its end until the last image's card is rendered:
    /// each poll scrolls again, because the virtualized grid grows as it learns the real row height.
    /// </summary>
    internal static async Task ScrollToEndAsync(IPage page, string lastFileName)
    {
        await page.Locator("main[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("#gallery-grid .gallery-row").First.WaitForAsync();
        await page.WaitForFunctionAsync(
            """
            last => {
              const scroller = document.querySelector('.app-content');
              scroller.scrollTop = scroller.scrollHeight;
              return !!document.querySelector(`#gallery-grid .image-card[data-file="${last}"]`);
            }
            """,
            lastFileName,
            new() { Timeout = 60_000, PollingInterval = 100 });
    }
}

/// <summary>300 images: enough rows for virtualization to matter, quick to seed.</summary>
public sealed class GalleryLibraryStack : SeededLibraryStack
{
    public override int Images => 300;
}

/// <summary>The virtualized grid over a few hundred images.</summary>
public sealed class GalleryVirtualizationTests(GalleryLibraryStack stack, BrowserFixture browser) : IClassFixture<GalleryLibraryStack>
{
    [Fact]
    public async Task The_content_area_scrolls_to_the_last_image_while_the_dom_holds_a_few_rows()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("300");
        await Expect(page.Locator("#gallery-grid .gallery-row").First).ToBeVisibleAsync();
        var atStart = await page.Locator("#gallery-grid .image-card").CountAsync();
        Assert.True(atStart < 100, $"{atStart} cards in the DOM at the start");

        await GalleryPageTests.ScrollToEndAsync(page, stack.LastFileName);
        var atEnd = await page.Locator("#gallery-grid .image-card").CountAsync();
        Assert.True(atEnd < 100, $"{atEnd} of 300 cards in the DOM at the end: the grid is not virtualized");
        await Expect(page.Locator($"#gallery-grid .image-card[data-file='{stack.FirstFileName}']")).ToHaveCountAsync(0);

        // The content area scrolled, not the window (Fluent's body is overflow:hidden).
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('.app-content').scrollTop") > 1000);
        Assert.Equal(0, await page.EvaluateAsync<double>("() => window.scrollY"));

        // Shift-click across rows that were loaded while scrolling: select the last and the tenth before it.
        var boxes = page.Locator("#gallery-grid input[data-select-item]");
        var count = await boxes.CountAsync();
        await boxes.Nth(count - 1).ClickAsync();
        await boxes.Nth(count - 10).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("10");

        // Back to the top: the first cards come back.
        await page.EvaluateAsync("() => document.querySelector('.app-content').scrollTop = 0");
        await Expect(page.Locator($"#gallery-grid .image-card[data-file='{stack.FirstFileName}']")).ToBeVisibleAsync();
        Assert.Empty(session.PageErrors);
    }
}
