using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageTagger.Catalog.Images;
using ImageTagger.TestSupport.Images;
using Microsoft.Playwright;

namespace ImageTagger.Web.Tests;

/// <summary>A library of 1,000 images seeded straight into the database (one real JPEG copied 1,000 times).</summary>
public sealed class LargeLibraryStack : WebStack
{
    public const int Images = 1000;

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

        // Paging: the next page as htmx loads it (infinite scroll fragment).
        var next = await page.Locator("a.load-more").GetAttributeAsync("hx-get");
        Assert.NotNull(next);
        using var http = new HttpClient { BaseAddress = stack.WebUrl };
        var watch = Stopwatch.StartNew();
        using var fragment = await http.GetAsync(next, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var fragmentTtfb = watch.Elapsed.TotalMilliseconds;
        var fragmentBody = await fragment.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal(48, Encoding.UTF8.GetString(fragmentBody).Split("class=\"image-card\"").Length - 1);

        var server = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            watch.Restart();
            using var response = await http.GetAsync("/gallery?after=" + Uri.EscapeDataString(Cursor(i * 48 + 47)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            server.Add(watch.Elapsed.TotalMilliseconds);
            await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Gallery with {LargeLibraryStack.Images} images (48 per page), Chromium {browser.Browser.Version}, viewport 1280x900, loopback");
        report.AppendLine();
        report.AppendLine("| load | TTFB ms | DOMContentLoaded ms | visually complete ms | transferred bytes (all) | HTML | JS+CSS+icon | thumbnails (count) | requests | thumbnails in view |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in loads)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {l.Label} | {l.TtfbMs:0} | {l.DomContentLoadedMs:0} | {l.VisuallyCompleteMs:0} | {l.TransferredBytes} | {l.HtmlBytes} | {l.AssetBytes} | {l.ThumbnailBytes} ({l.Thumbnails}) | {l.Requests} | {l.ThumbnailsShown} |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"htmx next-page fragment: TTFB {fragmentTtfb:0} ms, {fragmentBody.Length} bytes (uncompressed) for 48 cards");
        report.AppendLine(CultureInfo.InvariantCulture, $"server-rendered gallery pages 2-11 (HttpClient, TTFB): median {server.Order().ElementAt(server.Count / 2):0} ms, max {server.Max():0} ms");
        var directory = Path.Combine(ImageTagger.TestSupport.RepositoryPaths.Root, "artifacts", "measurements");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "gallery.md"), report.ToString(), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.All(loads, l => Assert.True(l.ThumbnailsShown >= 12, $"{l.Label}: only {l.ThumbnailsShown} thumbnails shown"));
        Assert.True(loads[1].TransferredBytes < loads[0].TransferredBytes, "the second visit should reuse cached assets and thumbnails");
        await session.ScreenshotAsync("gallery-1000");

        // Infinite scroll: reaching the end of the grid appends the next page (htmx, revealed trigger).
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#gallery-grid .image-card")).ToHaveCountAsync(48);
        await page.Locator("a.load-more").ScrollIntoViewIfNeededAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#gallery-grid .image-card")).ToHaveCountAsync(96);
        Assert.Equal("/gallery", new Uri(page.Url).AbsolutePath);
    }

    private static string Cursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("arrayconnection:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static async Task<Load> MeasureAsync(IPage page, string path, string label)
    {
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("gallery-total").WaitForAsync();
        Assert.Equal(LargeLibraryStack.Images.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("gallery-total").InnerTextAsync());

        // Visually complete: every thumbnail that intersects the viewport has decoded.
        await page.WaitForFunctionAsync(
            """
            () => {
              const visible = [...document.querySelectorAll('#gallery-grid img')].filter(i => i.getBoundingClientRect().top < innerHeight);
              if (!visible.length || !visible.every(i => i.complete && i.naturalWidth > 0)) return false;
              window.__visuallyComplete ??= performance.now();
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
              const visible = [...document.querySelectorAll('#gallery-grid img')].filter(i => i.getBoundingClientRect().top < innerHeight).length;
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
