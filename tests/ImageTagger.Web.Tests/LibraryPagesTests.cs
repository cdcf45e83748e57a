using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The pages over a described library, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class LibraryPagesTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    private Task<BrowserSession> SessionAsync(ColorScheme scheme = ColorScheme.Light, int width = 1280, int height = 900) =>
        browser.NewSessionAsync(stack.WebUrl, scheme, width, height);

    [Fact]
    public async Task Dashboard_shows_counts_ai_status_and_recent_thumbnails()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("stat-images")).ToHaveTextAsync("6");
        await Expect(page.GetByTestId("stat-tagged")).ToHaveTextAsync("6");
        await Expect(page.GetByTestId("stat-folders")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("ai-status")).ToContainTextAsync("Ready");
        await Expect(page.GetByTestId("ai-status")).ToContainTextAsync("llava:7b");
        await Expect(page.GetByTestId("progress-panel")).ToContainTextAsync("jobs done");
        await Expect(page.Locator(".image-grid img")).ToHaveCountAsync(6);
        await WaitForImagesAsync(page, ".image-grid img");
        await session.ScreenshotAsync("dashboard");
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task The_Api_serves_GraphiQL_to_browsers_at_its_GraphQL_path_and_it_runs_queries()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync(new Uri(stack.ApiUrl, "/graphql").ToString());
        await Expect(page.Locator(".graphiql-container")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator(".graphiql-container")).ToContainTextAsync("GraphiQL");
        await page.Locator(".graphiql-query-editor .CodeMirror").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("{ stats { images } }");
        await page.Locator(".graphiql-execute-button").ClickAsync();
        await Expect(page.Locator(".graphiql-response")).ToContainTextAsync("\"images\": 6");
        await session.ScreenshotAsync("graphiql");
        Assert.Empty(session.PageErrors);
    }

    [Theory]
    [InlineData("Keyword", "beach", "beach")]
    [InlineData("Semantic", "A brown dog running on the beach with a ball", "dog.jpg")]
    [InlineData("Hybrid", "bicycle", "bike.jpg")]
    public async Task Search_runs_in_each_mode_with_the_query_in_the_url(string mode, string query, string expected)
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/search");
        await page.Locator("#search-q").FillAsync(query);
        await page.Locator($"#mode-{mode}").CheckAsync();
        await page.Locator("#search-q").PressAsync("Enter");
        await Expect(page.GetByTestId("mode-used")).ToHaveTextAsync(mode);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync(expected, new() { IgnoreCase = true });
        Assert.Contains("mode=" + mode, page.Url, StringComparison.Ordinal);
        Assert.Contains("q=", page.Url, StringComparison.Ordinal);
        Assert.True(int.Parse(await page.GetByTestId("result-count").InnerTextAsync(), CultureInfo.InvariantCulture) >= 1);
        if (mode == "Keyword")
        {
            await Expect(page.Locator(".results mark").First).ToHaveTextAsync("beach", new() { IgnoreCase = true });
        }

        // The URL alone reproduces the search (shareable).
        await using var other = await SessionAsync();
        await other.Page.GotoAsync(page.Url);
        await Expect(other.Page.GetByTestId("mode-used")).ToHaveTextAsync(mode);
        await Expect(other.Page.Locator("#search-q")).ToHaveValueAsync(query);
        if (mode == "Hybrid")
        {
            await session.ScreenshotAsync("search");
        }
    }

    [Fact]
    public async Task Semantic_search_shows_the_api_notice_when_the_model_is_unreachable()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        stack.Ollama.FailAlways(ImageTagger.TestSupport.Ollama.LoopbackEndpoint.Embed, ImageTagger.TestSupport.Ollama.LoopbackFault.Status(500, "model crashed"));
        try
        {
            await page.GotoAsync("/search?q=sunset&mode=Semantic");
            await Expect(page.GetByTestId("search-notice")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("mode-used")).ToHaveTextAsync("Keyword");
            await Expect(page.GetByTestId("result").First).ToContainTextAsync("beach.jpg");
        }
        finally
        {
            stack.Ollama.FailAlways(ImageTagger.TestSupport.Ollama.LoopbackEndpoint.Embed, null);
            ImageTagger.Api.Search.SearchService.ResetAvailability();
        }
    }

    [Fact]
    public async Task Tag_filter_suggests_tags_as_you_type_and_filters_results()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/search?q=sea&mode=Keyword");
        await page.Locator("#search-tag").PressSequentiallyAsync("harb", new() { Delay = 30 });
        var suggestion = page.GetByTestId("tag-suggestions").GetByRole(AriaRole.Link, new() { Name = "harbour" });
        await Expect(suggestion).ToBeVisibleAsync();
        await suggestion.ClickAsync();
        await Expect(page.GetByTestId("tag-chips")).ToContainTextAsync("harbour");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("harbour.jpg");
        Assert.Contains("tag=harbour", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_detail_shows_metadata_and_edits_tags_and_description()
    {
        var id = stack.Ids["bike"];
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync($"/images/{id}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("bike.jpg");
        await Expect(page.GetByTestId("gps")).ToContainTextAsync("47.10000");
        await Expect(page.GetByTestId("image-tags")).ToContainTextAsync("bicycle");
        await Expect(page.Locator(".chip[data-tag='bicycle'] .chip-source")).ToHaveTextAsync("AI");
        await WaitForImagesAsync(page, "img.preview");

        // Add a tag (htmx swaps the tag panel).
        await page.Locator("#add-tag").FillAsync("vintage, red");
        await page.Locator("#add-tag").PressAsync("Enter");
        await Expect(page.Locator(".chip[data-tag='vintage'] .chip-source")).ToHaveTextAsync("you");
        await Expect(page.Locator(".chip[data-tag='red']")).ToBeVisibleAsync();

        // Remove one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove tag wall" }).ClickAsync();
        await Expect(page.Locator(".chip[data-tag='wall']")).ToHaveCountAsync(0);
        var tags = await stack.TagsOfAsync(id);
        Assert.Contains("vintage", tags);
        Assert.Contains("red", tags);
        Assert.DoesNotContain("wall", tags);

        // Edit the description.
        await page.GetByText("Edit description").ClickAsync();
        await page.Locator("#description-text").FillAsync("An old red bicycle by a brick wall, edited by hand");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save description" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Description saved.");
        await Expect(page.GetByTestId("description")).ToHaveTextAsync("An old red bicycle by a brick wall, edited by hand");
        await page.GetByText("EXIF (2)").ClickAsync();
        await session.ScreenshotAsync("image-detail");
    }

    [Fact]
    public async Task Gallery_selects_several_images_and_tags_them_in_bulk()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/gallery");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("6");
        await WaitForImagesAsync(page, "#gallery-grid img");
        await page.GetByLabel("Select beach.jpg").CheckAsync();
        await page.GetByLabel("Select dog.jpg").CheckAsync();
        await Expect(page.Locator("[data-selected-count]")).ToHaveTextAsync("2");
        await session.ScreenshotAsync("gallery");
        await page.Locator("#bulk-tags").FillAsync("summer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add tags" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Added summer to 2 image(s)");
        Assert.Contains("summer", await stack.TagsOfAsync(stack.Ids["beach"]));
        Assert.Contains("summer", await stack.TagsOfAsync(stack.Ids["dog"]));
        Assert.DoesNotContain("summer", await stack.TagsOfAsync(stack.Ids["cat"]));

        // The filter finds exactly those.
        await page.Locator("#filter-tag").FillAsync("summer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("2");
        Assert.Contains("tag=summer", page.Url, StringComparison.Ordinal);

        // Date and status filters travel in the URL too.
        await page.GotoAsync("/gallery?from=2022-01-01&to=2022-12-31");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("1");
        await Expect(page.Locator("#gallery-grid")).ToContainTextAsync("beach.jpg");
        await Expect(page.Locator("#filter-from")).ToHaveValueAsync("2022-01-01");
        await page.GotoAsync("/gallery?status=Failed");
        await Expect(page.GetByTestId("gallery-total")).ToHaveTextAsync("0");

        // "Select all" (a Fluent button, shown only with JavaScript) selects every card shown.
        await page.GotoAsync("/gallery");
        await page.Locator("fluent-button[data-select-all]").ClickAsync();
        await Expect(page.Locator("[data-selected-count]")).ToHaveTextAsync("6");
    }

    [Fact]
    public async Task Model_text_with_markup_is_shown_as_text_never_run()
    {
        const string payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        var id = stack.Ids["cat"];
        var data = await stack.GraphQLAsync(
            "mutation($id: ID!, $d: String!) { setDescription(imageId: $id, description: $d) { errors { message } } }",
            new { id = id.ToString(CultureInfo.InvariantCulture), d = payload });
        Assert.Empty(data.GetProperty("setDescription").GetProperty("errors").EnumerateArray());

        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync($"/images/{id}");
        await Expect(page.GetByTestId("description")).ToHaveTextAsync(payload);
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("#main script").CountAsync());

        await page.GotoAsync("/search?q=onerror&mode=Keyword");
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("<img src=x");
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        await page.WaitForTimeoutAsync(300);
        Assert.Empty(session.Dialogs);
    }

    [Fact]
    public async Task Form_posts_without_the_antiforgery_token_are_rejected()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.WebUrl };
        using var bulk = await http.PostAsync("/gallery/bulk", new FormUrlEncodedContent([new("ids", stack.Ids["harbour"].ToString(CultureInfo.InvariantCulture)), new("tags", "forged"), new("action", "add")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bulk.StatusCode);
        Assert.DoesNotContain("forged", await stack.TagsOfAsync(stack.Ids["harbour"]));

        // The same post with the page's cookie and token goes through.
        using var withCookies = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = stack.WebUrl };
        var html = await withCookies.GetStringAsync("/gallery", TestContext.Current.CancellationToken);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var ok = await withCookies.PostAsync("/gallery/bulk", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("ids", stack.Ids["harbour"].ToString(CultureInfo.InvariantCulture)), new("tags", "genuine"), new("action", "add")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("genuine", await stack.TagsOfAsync(stack.Ids["harbour"]));
    }

    [Fact]
    public async Task Health_media_proxy_and_versioned_assets_are_served_by_the_web()
    {
        using var http = new HttpClient { BaseAddress = stack.WebUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", TestContext.Current.CancellationToken)).StatusCode);

        using var thumbnail = await http.GetAsync($"/media/{stack.Ids["beach"]}/thumbnail?size=256", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.StartsWith("image/", thumbnail.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.NotNull(thumbnail.Headers.ETag);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/media/{stack.Ids["beach"]}/thumbnail?size=256");
        conditional.Headers.IfNoneMatch.Add(thumbnail.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional, TestContext.Current.CancellationToken)).StatusCode);
        using var original = await http.GetAsync($"/media/{stack.Ids["beach"]}/original", TestContext.Current.CancellationToken);
        Assert.Equal(new FileInfo(Path.Combine(stack.Root.Path, "beach.jpg")).Length, (await original.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/media/999999/thumbnail", TestContext.Current.CancellationToken)).StatusCode);

        var html = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(lib/app\\.[a-z0-9]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script); // fingerprinted by MapStaticAssets
        using var asset = await http.GetAsync("/" + script, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.NotNull(asset.Headers.ETag);
        // Everything the page loads is served by the Web itself: no script, style or link points at another host (no CDN).
        var external = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"((?:https?:)?//[^\"]*)\"")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Empty(external);
    }

    [Fact]
    public async Task Pages_fit_a_phone_and_follow_the_dark_color_scheme()
    {
        await using var session = await SessionAsync(ColorScheme.Dark, 390, 844);
        var page = session.Page;
        foreach (var (path, name) in new[] { ("/gallery", "gallery-phone-dark"), ($"/images/{stack.Ids["dog"]}", "image-detail-phone-dark"), ("/search?q=beach&mode=Hybrid", "search-phone-dark") })
        {
            await page.GotoAsync(path);
            await WaitForImagesAsync(page, "img[loading='eager'], img.preview");
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than a phone");
            await session.ScreenshotAsync(name);
        }

        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var channels = System.Text.RegularExpressions.Regex.Matches(background, "\\d+").Take(3).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(channels.Average() < 80, $"dark scheme background is {background}");
    }

    [Fact]
    public async Task The_basics_work_without_javascript()
    {
        var id = stack.Ids["harbour"];
        await using var session = await browser.NewSessionAsync(stack.WebUrl, javaScript: false);
        var page = session.Page;

        // Search is a plain GET form.
        await page.GotoAsync("/search");
        await page.Locator("#search-q").FillAsync("boats");
        await page.Locator("#mode-Keyword").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("harbour.jpg");

        // Changing tags is a plain POST form answered with a redirect back to the page.
        await page.GotoAsync($"/images/{id}");
        await page.Locator("#add-tag").FillAsync("plainform");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Tags added.");
        await Expect(page.Locator(".chip[data-tag='plainform']")).ToBeVisibleAsync();
        Assert.Contains("plainform", await stack.TagsOfAsync(id));
    }

    [Fact]
    public async Task Keyboard_users_reach_navigation_and_controls_have_labels()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/gallery");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Skip to content");
        foreach (var path in new[] { "/folders", "/gallery", "/search?q=sea", "/tags", "/settings" })
        {
            await page.GotoAsync(path);
            var unlabelled = await page.EvaluateAsync<string[]>(
                """
                () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                  .map(el => el.outerHTML)
                """);
            Assert.True(unlabelled.Length == 0, $"{path}: unlabelled controls {string.Join(" ", unlabelled)}");
        }
    }

    internal static async Task WaitForImagesAsync(IPage page, string selector)
    {
        await page.WaitForFunctionAsync(
            "sel => [...document.querySelectorAll(sel)].every(i => i.complete && i.naturalWidth > 0)",
            selector,
            new() { Timeout = 30_000 });
    }
}
