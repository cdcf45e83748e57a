using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive image detail page over a described library, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class ImageDetailPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    private Task<BrowserSession> SessionAsync(ColorScheme scheme = ColorScheme.Light, int width = 1280, int height = 900) =>
        browser.NewSessionAsync(stack.WebUrl, scheme, width, height);

    private string Id(string name) => stack.Ids[name].ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Shows_metadata_and_edits_tags_and_description_in_place()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync($"/images/{Id("bike")}");
        await page.EvaluateAsync("() => { window.__detailMarker = 'same page'; }");
        await Expect(page.Locator("h1")).ToHaveTextAsync("bike.jpg");
        await Expect(page.GetByTestId("gps")).ToContainTextAsync("47.10000");
        await Expect(page.GetByTestId("camera")).ToContainTextAsync("Canon EOS 5D");
        await Expect(page.GetByTestId("image-status")).ToHaveTextAsync("Done");
        await Expect(page.Locator(".chip[data-tag='bicycle'] .chip-source")).ToHaveTextAsync("AI");
        await LibraryPagesTests.WaitForImagesAsync(page, "img.preview");

        await SearchPageTests.TypingIsLiveAsync(page, "add-tag");

        // Add two tags (one typed twice, one in capitals): shown with source "user", stored once each.
        await page.Locator("#add-tag input").FillAsync("Vintage, red, vintage");
        await page.Locator("#add-tag input").PressAsync("Enter");
        await Expect(page.Locator(".chip[data-tag='vintage'] .chip-source")).ToHaveTextAsync("user");
        await Expect(page.Locator(".chip[data-tag='red'] .chip-source")).ToHaveTextAsync("user");
        await Expect(page.Locator(".chip[data-tag='vintage']")).ToHaveCountAsync(1);

        // A tag it already has is not sent again; the user is told.
        await page.Locator("#add-tag input").FillAsync("bicycle");
        await page.GetByTestId("add-tag-button").ClickAsync();
        await Expect(page.GetByTestId("tag-editor-message")).ToContainTextAsync("Already tagged: bicycle");

        // Suggestions come from the library's tags.
        await page.Locator("#add-tag input").FillAsync("");
        await page.Locator("#add-tag input").PressSequentiallyAsync("harb", new() { Delay = 40 });
        await page.GetByTestId("tag-editor-suggestions").GetByLabel("Add tag harbour", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator(".chip[data-tag='harbour'] .chip-source")).ToHaveTextAsync("user");

        // Remove one.
        await page.GetByLabel("Remove tag wall", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator(".chip[data-tag='wall']")).ToHaveCountAsync(0);
        var tags = await stack.TagsOfAsync(stack.Ids["bike"]);
        Assert.Contains("vintage", tags);
        Assert.Contains("red", tags);
        Assert.Contains("harbour", tags);
        Assert.DoesNotContain("wall", tags);

        // Edit the description.
        await page.GetByTestId("edit-description").ClickAsync();
        var editor = page.Locator("#description-text textarea");
        await Expect(editor).ToHaveValueAsync("A red bicycle leaning against a brick wall in the city");
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.InsertTextAsync("An old red bicycle by a brick wall, edited by hand");
        await page.Locator("fluent-button", new() { HasText = "Save description" }).ClickAsync();
        await Expect(page.GetByTestId("description-status")).ToHaveTextAsync("Description saved.");
        await Expect(page.GetByTestId("description")).ToHaveTextAsync("An old red bicycle by a brick wall, edited by hand");
        var stored = await stack.GraphQLAsync("query($id: ID!) { image(id: $id) { description } }", new { id = Id("bike") });
        Assert.Equal("An old red bicycle by a brick wall, edited by hand", stored.GetProperty("image").GetProperty("description").GetString());

        Assert.Equal("same page", await page.EvaluateAsync<string>("() => window.__detailMarker"));
        await page.GetByText("EXIF (2)").ClickAsync();
        await session.ScreenshotAsync("image-detail");
        Assert.Empty(session.PageErrors);

        await using var dark = await SessionAsync(ColorScheme.Dark);
        await dark.GotoInteractiveAsync($"/images/{Id("bike")}");
        await LibraryPagesTests.WaitForImagesAsync(dark.Page, "img.preview");
        await dark.ScreenshotAsync("image-detail-dark");
    }

    [Fact]
    public async Task Arrow_keys_walk_through_the_search_results_it_was_opened_from()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync("/search?q=sea&mode=Keyword");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(2);
        var names = await page.Locator("[data-testid=result] h3").AllInnerTextsAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = names[0] }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(names[0]);
        Assert.Contains("from=search", page.Url, StringComparison.Ordinal);
        Assert.Contains("q=sea", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByTestId("next-image")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("previous-image")).ToHaveCountAsync(0);

        // The page listens for ← / → once its script has loaded after the first interactive render.
        await page.Locator("html[data-arrow-keys='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("h1")).ToHaveTextAsync(names[1]);
        await Expect(page.GetByTestId("previous-image")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("next-image")).ToHaveCountAsync(0);
        Assert.Contains("from=search", page.Url, StringComparison.Ordinal);

        // Arrows typed into a field stay in the field.
        await page.Locator("#add-tag input").FillAsync("abc");
        await page.Locator("#add-tag input").PressAsync("ArrowLeft");
        await Expect(page.Locator("h1")).ToHaveTextAsync(names[1]);
        await page.Locator("h1").ClickAsync();

        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(page.Locator("h1")).ToHaveTextAsync(names[0]);
        await page.GetByTestId("back-to-list").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/search\?q=sea&mode=Keyword$"));
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(2);
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task Previous_and_next_follow_the_gallery_filters_including_its_date_called_from()
    {
        await using var session = await SessionAsync();
        var page = session.Page;

        // Two images carry "sea": from one, exactly one neighbour leads to the other.
        await session.GotoInteractiveAsync($"/images/{Id("beach")}?from=gallery&tag=sea");
        await Expect(page.GetByTestId("back-to-list")).ToHaveAttributeAsync("href", "/gallery?tag=sea");
        var neighbour = page.Locator("[data-nav]");
        await Expect(neighbour).ToHaveCountAsync(1);
        await neighbour.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("harbour.jpg");
        Assert.Contains("from=gallery", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("[data-nav]")).ToHaveCountAsync(1);

        // The gallery's own "from" (taken since) travels beside from=gallery: only beach was taken in 2022.
        await session.GotoInteractiveAsync($"/images/{Id("beach")}?from=gallery&from=2022-01-01&to=2022-12-31");
        await Expect(page.GetByTestId("back-to-list")).ToHaveAttributeAsync("href", new Regex("from=2022-01-01"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("beach.jpg");
        await Expect(page.Locator("[data-nav]")).ToHaveCountAsync(0);

        // Opened on its own, there is no list to walk.
        await session.GotoInteractiveAsync($"/images/{Id("beach")}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("beach.jpg");
        await Expect(page.GetByTestId("list-nav")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Reprocess_queues_the_image_again_from_the_chosen_stage()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync($"/images/{Id("mountain")}");
        await page.GetByTestId("reprocess").ClickAsync();
        await Expect(page.GetByTestId("reprocess-status")).ToHaveTextAsync("Queued again from Analyze.");
    }

    [Fact]
    public async Task Model_text_with_markup_is_shown_as_text_never_run()
    {
        const string payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        var data = await stack.GraphQLAsync(
            "mutation($id: ID!, $d: String!) { setDescription(imageId: $id, description: $d) { errors { message } } }",
            new { id = Id("cat"), d = payload });
        Assert.Empty(data.GetProperty("setDescription").GetProperty("errors").EnumerateArray());

        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync($"/images/{Id("cat")}");
        await Expect(page.GetByTestId("description")).ToHaveTextAsync(payload);
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("#main script").CountAsync());

        await session.GotoInteractiveAsync("/search?q=onerror&mode=Keyword");
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("<img src=x");
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Empty(session.Dialogs);
    }

    [Fact]
    public async Task An_unknown_image_answers_404_and_the_page_fits_a_phone_in_the_dark_scheme()
    {
        using var http = new HttpClient { BaseAddress = stack.WebUrl };
        using var missing = await http.GetAsync("/images/999999", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);

        await using var session = await SessionAsync(ColorScheme.Dark, 390, 844);
        var page = session.Page;
        await session.GotoInteractiveAsync($"/images/{Id("dog")}");
        await LibraryPagesTests.WaitForImagesAsync(page, "img.preview");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the detail page is {overflow}px wider than a phone");
        await session.ScreenshotAsync("image-detail-phone-dark");
    }

    [Fact]
    public async Task Text_read_from_the_photo_is_shown_as_text_and_found_by_keyword()
    {
        // What the offline OCR stage stores; markup in it (a poster can say anything) stays text.
        const string text = "FRESH BREAD <b>daily</b>\nOPEN 7-19";
        await using (var db = stack.CreateDbContext())
        {
            var image = await db.Images.SingleAsync(i => i.Id == stack.Ids["harbour"], TestContext.Current.CancellationToken);
            image.OcrText = text;
            image.OcrConfidence = 0.93f;
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync($"/images/{Id("harbour")}");
        await Expect(page.GetByTestId("ocr-text")).ToHaveTextAsync(text);
        Assert.Equal(0, await page.Locator("[data-testid='ocr-text'] b").CountAsync());

        await session.GotoInteractiveAsync("/search?q=bread&mode=Keyword");
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("harbour.jpg");
    }
}
