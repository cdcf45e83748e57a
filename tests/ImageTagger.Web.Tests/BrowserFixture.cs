using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(ImageTagger.Web.Tests.BrowserFixture))]

// One browser, a few hosted stacks: running test classes one after another keeps the 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ImageTagger.Web.Tests;

/// <summary>Debian's Chromium driven by Playwright (never `playwright install`), shared by every test.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (own cookies) on <paramref name="baseUrl"/>; dialogs are recorded and dismissed.</summary>
    public async Task<BrowserSession> NewSessionAsync(Uri baseUrl, ColorScheme colorScheme = ColorScheme.Light, int width = 1280, int height = 900, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript,
            BaseURL = baseUrl.ToString(),
            ColorScheme = colorScheme,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);

        // Nothing the UI loads may leave the machine (no CDN fonts, scripts or icons): every request is checked and one to
        // another host fails the test when the session ends. (Observed, not routed: routing would disable the HTTP cache.)
        context.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Scheme is "data" or "blob"))
            {
                return;
            }

            lock (session.ExternalRequests)
            {
                session.ExternalRequests.Add(request.Url);
            }
        };
        page.Dialog += (_, dialog) =>
        {
            session.Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => session.PageErrors.Add(error);
        return session;
    }
}

public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public IPage Page { get; } = page;

    public List<string> Dialogs { get; } = [];

    public List<string> PageErrors { get; } = [];

    /// <summary>Requests to anything but loopback (this machine has no way out; a test must not try).</summary>
    public List<string> ExternalRequests { get; } = [];

    /// <summary>
    /// Opens <paramref name="url"/> and waits until its Blazor circuit is live (the layout marks <c>data-interactive</c>), so
    /// clicks and typing reach the interactive page rather than its prerendered HTML.
    /// </summary>
    public async Task GotoInteractiveAsync(string url)
    {
        await Page.GotoAsync(url);
        await Page.Locator("main[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots/ (repository root, git-ignored).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var directory = Path.Combine(ImageTagger.TestSupport.RepositoryPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        Assert.True(ExternalRequests.Count == 0, "The page requested addresses off this machine: " + string.Join(", ", ExternalRequests));
    }
}
