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
    public async Task Form_posts_without_the_antiforgery_token_are_rejected()
    {
        // Pages change data over the circuit; a cross-site form post to a page is refused before any component runs.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.WebUrl };
        foreach (var path in new[] { "/folders", "/settings", "/tags", $"/images/{stack.Ids["harbour"]}" })
        {
            using var post = await http.PostAsync(path, new FormUrlEncodedContent([new("path", stack.Root.Path), new("tags", "forged")]), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        }

        Assert.DoesNotContain("forged", await stack.TagsOfAsync(stack.Ids["harbour"]));
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
        var styles = System.Text.RegularExpressions.Regex.Match(html, "href=\"(css/site\\.[a-z0-9]+\\.css)\"").Groups[1].Value;
        Assert.NotEmpty(styles); // fingerprinted by MapStaticAssets
        using var asset = await http.GetAsync("/" + styles, TestContext.Current.CancellationToken);
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
        // Pages are prerendered on the server: without JavaScript the library is still readable and the menu is plain links.
        await using var session = await browser.NewSessionAsync(stack.WebUrl, javaScript: false);
        var page = session.Page;
        await page.GotoAsync("/tags");
        await Expect(page.GetByTestId("tag-cloud")).ToContainTextAsync("harbour");
        await page.Locator(".app-nav-area a[href='/folders']").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/folders$"));
        await Expect(page.GetByTestId("folder").First).ToContainTextAsync(stack.Root.Path);
    }

    [Fact]
    public async Task Keyboard_users_reach_navigation_and_controls_have_labels()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync("/gallery");
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
