using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageTagger.Catalog.Images;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;

namespace ImageTagger.Web.Tests;

/// <summary>A library of <see cref="Images"/> images seeded straight into the database (one real JPEG copied). The gallery
/// lists the newest (highest id) first: <see cref="FirstFileName"/> first, <c>photo-0000.jpg</c> last.</summary>
public abstract class SeededLibraryStack : WebStack
{
    public abstract int Images { get; }

    public string FirstFileName => $"photo-{Images - 1:0000}.jpg";

    public string LastFileName => "photo-0000.jpg";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var sample = SampleImages.ValidJpegs()[3];
        await using var db = CreateDbContext();
        var folder = new Catalog.Folders.Folder { Path = Root.Path };
        db.Folders.Add(folder);
        await db.SaveChangesAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Images; i++)
        {
            var name = $"photo-{i:0000}.jpg";
            var path = Root.Copy(sample, name);
            db.Images.Add(new Image
            {
                FolderId = folder.Id,
                Path = path,
                FileName = name,
                ModifiedAt = now,
                CreatedAt = now.AddSeconds(-i),
                SizeBytes = new FileInfo(path).Length,
                Description = $"Seeded photo number {i}",
                Status = ImageStatus.Done,
                Format = "jpeg",
                Width = 640,
                Height = 480,
                Checksum = i.ToString("x32", CultureInfo.InvariantCulture),
            });
        }

        await db.SaveChangesAsync();
    }
}

/// <summary>1,000 images, for the gallery measurement.</summary>
public sealed class LargeLibraryStack : SeededLibraryStack
{
    public override int Images => 1000;
}

/// <summary>
/// Measures the gallery over 1,000 images (numbers in the test output and artifacts/measurements/gallery.md); the
/// assertions check the page is complete, not how fast it was.
/// </summary>
public sealed class GalleryMeasurementTests(LargeLibraryStack stack, BrowserFixture browser) : IClassFixture<LargeLibraryStack>
{
    private sealed record Load(string Label, double TtfbMs, double DomContentLoadedMs, double VisuallyCompleteMs, long TransferredBytes, long HtmlBytes, long AssetBytes, long ThumbnailBytes, int Thumbnails, int Requests, int ThumbnailsShown);

    [Fact]
    public async Task Gallery_of_a_thousand_images_time_to_first_byte_visual_completeness_and_bytes()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        var loads = new List<Load>
        {
            await MeasureAsync(page, "/gallery", "first visit (cold thumbnails, empty cache)"),
            await MeasureAsync(page, "/gallery", "second visit (browser cache warm)"),
        };

        // Scrolling the content area to the end of the virtualized grid (the window itself does not scroll).
        var watch = Stopwatch.StartNew();
        await GalleryPageTests.ScrollToEndAsync(page, stack.LastFileName);
        var scrollToEnd = watch.Elapsed.TotalMilliseconds;
        var cardsInDom = await page.Locator("#gallery-grid .image-card").CountAsync();

        // The server-rendered (prerendered) gallery, as a link or reload gets it.
        using var http = new HttpClient { BaseAddress = stack.WebUrl };
        var server = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            watch.Restart();
            using var response = await http.GetAsync("/gallery", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            server.Add(watch.Elapsed.TotalMilliseconds);
            await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Gallery with {stack.Images} images (48 prerendered, then virtualized rows), Chromium {browser.Browser.Version}, viewport 1280x900, loopback");
        report.AppendLine();
        report.AppendLine("| load | TTFB ms | DOMContentLoaded ms | visually complete ms | transferred bytes (all) | HTML | JS+CSS+icon | thumbnails (count) | requests | thumbnails in view |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in loads)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {l.Label} | {l.TtfbMs:0} | {l.DomContentLoadedMs:0} | {l.VisuallyCompleteMs:0} | {l.TransferredBytes} | {l.HtmlBytes} | {l.AssetBytes} | {l.ThumbnailBytes} ({l.Thumbnails}) | {l.Requests} | {l.ThumbnailsShown} |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"virtualized grid: scrolled to image {stack.Images} in {scrollToEnd:0} ms (interactive, content area), {cardsInDom} cards in the DOM at the end");
        report.AppendLine(CultureInfo.InvariantCulture, $"prerendered /gallery (HttpClient, TTFB, 10 requests): median {server.Order().ElementAt(server.Count / 2):0} ms, max {server.Max():0} ms");
        var directory = Path.Combine(ImageTagger.TestSupport.RepositoryPaths.Root, "artifacts", "measurements");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "gallery.md"), report.ToString(), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.All(loads, l => Assert.True(l.ThumbnailsShown >= 12, $"{l.Label}: only {l.ThumbnailsShown} thumbnails shown"));
        Assert.True(loads[1].TransferredBytes < loads[0].TransferredBytes, "the second visit should reuse cached assets and thumbnails");
        await session.ScreenshotAsync("gallery-1000");

        Assert.True(cardsInDom < stack.Images / 4, $"{cardsInDom} of {stack.Images} cards in the DOM: the grid is not virtualized");
        Assert.Equal("/gallery", new Uri(page.Url).AbsolutePath);
    }

    private async Task<Load> MeasureAsync(IPage page, string path, string label)
    {
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("gallery-total").WaitForAsync();
        Assert.Equal(stack.Images.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("gallery-total").InnerTextAsync());

        // Visually complete: every thumbnail that intersects the viewport has decoded.
        await page.WaitForFunctionAsync(
            """
            () => {
              const visible = [...document.querySelectorAll('#gallery-grid img')].filter(i => i.getBoundingClientRect().top < innerHeight);
              if (!visible.length || !visible.every(i => i.complete && i.naturalWidth > 0)) return false;
              window.__visuallyComplete ??= performance.now();
              window.__visibleAtComplete ??= visible.length;
              return true;
            }
            """,
            null,
            new() { Timeout = 60_000, PollingInterval = 20 });
        await page.WaitForLoadStateAsync(LoadState.Load);
        var json = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const resources = performance.getEntriesByType('resource');
              // Counted when the view was complete: the circuit may be swapping the prerendered grid for its rows now.
              const visible = window.__visibleAtComplete;
              return {
                ttfb: nav.responseStart - nav.requestStart,
                dcl: nav.domContentLoadedEventEnd,
                vc: window.__visuallyComplete,
                bytes: nav.transferSize + resources.reduce((s, r) => s + (r.transferSize || 0), 0),
                html: nav.transferSize,
                assets: resources.filter(r => !r.name.includes('/media/') && !r.name.includes('/progress/')).reduce((s, r) => s + (r.transferSize || 0), 0),
                thumbs: resources.filter(r => r.name.includes('/media/')).reduce((s, r) => s + (r.transferSize || 0), 0),
                thumbCount: resources.filter(r => r.name.includes('/media/')).length,
                requests: resources.length + 1,
                visible,
              };
            }
            """);
        return new Load(label, json.GetProperty("ttfb").GetDouble(), json.GetProperty("dcl").GetDouble(), json.GetProperty("vc").GetDouble(),
            (long)json.GetProperty("bytes").GetDouble(), (long)json.GetProperty("html").GetDouble(), (long)json.GetProperty("assets").GetDouble(),
            (long)json.GetProperty("thumbs").GetDouble(), json.GetProperty("thumbCount").GetInt32(), json.GetProperty("requests").GetInt32(), json.GetProperty("visible").GetInt32());
    }
}
