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

    [Fact]
    public async Task A_crawl_is_started_paused_cancelled_and_deleted_from_the_crawl_page()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/crawl");

        await page.Locator("#crawl-url").FillAsync("ftp://example.org/pictures");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Start crawl" }).ClickAsync();
        await Expect(page.GetByTestId("flash-error")).ToContainTextAsync("http");

        // Loopback is allowed in this stack (Crawl:AllowedNetworks); no Processing runs, so the job stays queued.
        await page.Locator("#crawl-url").FillAsync("http://127.0.0.1:9/gallery");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Start crawl" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("queued");
        var job = page.GetByTestId("crawl-job").Filter(new() { HasText = "127.0.0.1:9/gallery" });
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("queued");
        await session.ScreenshotAsync("crawl");

        await job.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "pause crawl of http://127.0.0.1:9/gallery" }).ClickAsync();
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("paused");
        await job.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "cancel crawl of http://127.0.0.1:9/gallery" }).ClickAsync();
        await Expect(job.GetByTestId("crawl-state")).ToHaveTextAsync("cancelled");
        await job.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "delete crawl of http://127.0.0.1:9/gallery" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("deleted");
        await Expect(page.GetByTestId("crawl-job").Filter(new() { HasText = "127.0.0.1:9/gallery" })).ToHaveCountAsync(0);
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
    public async Task Tags_page_shows_the_cloud_and_renames_a_tag()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/tags");
        await Expect(page.GetByTestId("tag-cloud")).ToContainTextAsync("mountain");
        var row = page.Locator("tr[data-tag='mountain']");
        await row.GetByLabel("New name for mountain").FillAsync("peak");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Renamed to peak.");
        await Expect(page.Locator("tr[data-tag='peak']")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-tag='mountain']")).ToHaveCountAsync(0);
        Assert.Contains("peak", await stack.TagsOfAsync(stack.Ids["mountain"]));
        Assert.DoesNotContain("mountain", await stack.TagsOfAsync(stack.Ids["mountain"]));

        // Merge one tag into another by name, then delete one.
        var sunset = page.Locator("tr[data-tag='sunset']");
        await sunset.GetByLabel("Merge sunset into").FillAsync("snow");
        await sunset.GetByRole(AriaRole.Button, new() { Name = "Merge" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Merged into snow.");
        await Expect(page.Locator("tr[data-tag='sunset']")).ToHaveCountAsync(0);
        Assert.Contains("snow", await stack.TagsOfAsync(stack.Ids["beach"]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete tag ball" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Tag deleted.");
        await Expect(page.Locator("tr[data-tag='ball']")).ToHaveCountAsync(0);
        Assert.DoesNotContain("ball", await stack.TagsOfAsync(stack.Ids["dog"]));
        await page.GotoAsync("/tags");
        await session.ScreenshotAsync("tags");
    }

    [Fact]
    public async Task Settings_are_saved_and_the_connection_test_shows_its_result()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await page.GotoAsync("/settings");
        await page.GetByLabel("Most tags kept per image").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Ollama:MaxTags");
        await Expect(page.GetByLabel("Most tags kept per image")).ToHaveValueAsync("12");
        var settings = await stack.GraphQLAsync("{ settings { key value overridden } }");
        var maxTags = settings.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "Ollama:MaxTags");
        Assert.Equal("12", maxTags.GetProperty("value").GetString());

        // An invalid value comes back with the Api's message.
        await page.GetByLabel("Most tags kept per image").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByTestId("flash-error")).ToContainTextAsync("Ollama:MaxTags");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.GetByTestId("connection-result")).ToContainTextAsync("Ready");
        await page.Locator("#test-url").FillAsync("http://127.0.0.1:1/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.GetByTestId("connection-result")).ToContainTextAsync("Ollama is unreachable");
        await session.ScreenshotAsync("settings");
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
        var harbour = stack.Ids["harbour"].ToString(CultureInfo.InvariantCulture);
        using var tag = await http.PostAsync($"/images/{harbour}/tags/add", new FormUrlEncodedContent([new("tags", "forged")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tag.StatusCode);
        using var add = await http.PostAsync("/folders/add", new FormUrlEncodedContent([new("path", stack.Root.Path)]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, add.StatusCode);
        using var settings = await http.PostAsync("/settings", new FormUrlEncodedContent([new("Ollama:MaxTags", "3")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, settings.StatusCode);
        Assert.DoesNotContain("forged", await stack.TagsOfAsync(stack.Ids["harbour"]));

        // The same post with the page's cookie and token goes through.
        using var withCookies = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = stack.WebUrl };
        var html = await withCookies.GetStringAsync($"/images/{harbour}", TestContext.Current.CancellationToken);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var ok = await withCookies.PostAsync($"/images/{harbour}/tags/add", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("tags", "genuine")]), TestContext.Current.CancellationToken);
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

        // Paging is a plain link.
        await page.GotoAsync("/tags");
        await Expect(page.GetByTestId("tag-table")).ToContainTextAsync("plainform");
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
