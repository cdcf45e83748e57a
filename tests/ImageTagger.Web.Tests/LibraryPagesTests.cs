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
        foreach (var (path, name) in new[] { ("/gallery", "gallery-phone-dark") })
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
        await using var session = await browser.NewSessionAsync(stack.WebUrl, javaScript: false);
        var page = session.Page;

        // Paging is a plain link.
        await page.GotoAsync("/tags");
        await Expect(page.GetByTestId("tag-table")).ToContainTextAsync("harbour");
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
