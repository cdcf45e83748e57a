using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>A Web whose Api is not there renders every page with an error banner instead of failing.</summary>
public sealed class ApiDownTests(BrowserFixture browser)
{
    [Fact]
    public async Task Every_page_shows_an_error_banner_when_the_api_is_unreachable()
    {
        // A loopback port that was free a moment ago: nothing answers there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await using var web = WebStack.CreateWeb(new Uri($"http://127.0.0.1:{port}/"));
        var url = WebStack.ServerUrl(web.Services);
        await using var session = await browser.NewSessionAsync(url);
        var page = session.Page;
        foreach (var path in new[] { "/", "/gallery", "/search?q=beach", "/tags", "/folders", "/settings", "/images/1" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);

            // Still said once the page is live: the circuit asks again rather than trusting an empty prerender.
            await page.Locator("main[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("error-banner")).ToContainTextAsync("cannot be reached");
            // The layout's own nav (once interactive, the header's hamburger drawer holds a second "Main" nav).
            await Expect(page.Locator(".app-nav-area").GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
            if (path == "/")
            {
                await session.ScreenshotAsync("api-down");
            }
        }

        // An action on the interactive folders page reports the problem on the page.
        await using (var live = await browser.NewSessionAsync(url))
        {
            await live.GotoInteractiveAsync("/folders");
            await live.Page.Locator("#folder-path input").FillAsync("/photos");
            await live.Page.GetByTestId("add-folder").ClickAsync();
            await Expect(live.Page.GetByTestId("error-banner")).ToContainTextAsync("cannot be reached");
        }

        using var http = new HttpClient { BaseAddress = url };
        Assert.Equal(HttpStatusCode.BadGateway, (await http.GetAsync("/media/1/thumbnail", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", TestContext.Current.CancellationToken)).StatusCode);
    }
}
