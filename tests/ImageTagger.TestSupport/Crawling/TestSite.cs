using System.Collections.Concurrent;
using ImageTagger.TestSupport.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTagger.TestSupport.Crawling;

/// <summary>
/// A small, nasty website on 127.0.0.1: nested pages, srcset, picture/source, og:image, linked images, robots.txt,
/// nofollow, a redirect loop, a redirect to another host (localhost), a 10 GB image stream generated lazily,
/// broken and fake images, two images with the same bytes, a tracking pixel, a slow image, a page nested too deep
/// to parse in time and an endless calendar. Counts every request.
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _images;
    private long _hugeBytesSent;
    private TaskCompletionSource _gate = new();
    private int _freeImages = int.MaxValue;
    private int _imagesServed;
    private int _held;

    private TestSite(WebApplication app, Dictionary<string, byte[]> images)
    {
        _app = app;
        _images = images;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Requests per "host/path" (host as the client named it: 127.0.0.1 or localhost).</summary>
    public int Requests(string path, string host = "127.0.0.1") => _requests.GetValueOrDefault($"{host}{path}");

    public int RequestsToHost(string host) => _requests.Where(p => p.Key.StartsWith(host + "/", StringComparison.Ordinal)).Sum(p => p.Value);

    public long HugeBytesSent => Interlocked.Read(ref _hugeBytesSent);

    /// <summary>
    /// From now on serves <paramref name="free"/> more images, then holds every further image request until
    /// <see cref="Release"/>: a test catches a crawl at a known point, however fast or slow the machine is.
    /// </summary>
    public void HoldImagesAfter(int free)
    {
        _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _imagesServed, 0);
        Volatile.Write(ref _freeImages, free);
    }

    /// <summary>Lets the held image requests (and all later ones) through.</summary>
    public void Release()
    {
        Volatile.Write(ref _freeImages, int.MaxValue);
        _gate.TrySetResult();
    }

    /// <summary>Image requests waiting for <see cref="Release"/> right now.</summary>
    public int HeldRequests => Volatile.Read(ref _held);

    public byte[] Image(string name) => _images[name];

    public static async Task<TestSite> StartAsync(string imageDirectory, int galleryImages = 3)
    {
        var generated = TestImageFactory.CreateMany(imageDirectory, 7 + galleryImages, 320, 240);
        var images = new Dictionary<string, byte[]>
        {
            ["photo1.jpg"] = File.ReadAllBytes(generated[0]),
            ["big.jpg"] = File.ReadAllBytes(generated[1]),
            ["pic-large.jpg"] = File.ReadAllBytes(generated[2]),
            ["og.jpg"] = File.ReadAllBytes(generated[3]),
            ["linked-photo.jpg"] = File.ReadAllBytes(generated[4]),
            ["photo-deep.jpg"] = File.ReadAllBytes(generated[5]),
            ["twin.jpg"] = File.ReadAllBytes(generated[6]),
            ["icon.jpg"] = File.ReadAllBytes(TestImageFactory.CreateJpeg(Path.Combine(imageDirectory, "icon.jpg"), 40, 40)),
            ["pixel.gif"] = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
        };
        for (var i = 0; i < galleryImages; i++)
        {
            images[$"g{i}.jpg"] = File.ReadAllBytes(generated[7 + i]);
        }

        images["dup.jpg"] = images["twin.jpg"];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var site = new TestSite(app, images);
        app.Use(async (context, next) =>
        {
            site._requests.AddOrUpdate($"{context.Request.Host.Host}{context.Request.Path}", 1, (_, n) => n + 1);
            await next(context);
        });
        site.Map(app, galleryImages);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return site;
    }

    private void Map(WebApplication app, int galleryImages)
    {
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /private/\n\nUser-agent: SomeoneElse\nDisallow: /\n"));
        app.MapGet("/", (HttpContext context) => Html($"""
            <!DOCTYPE html><html><head><title>Home of tests</title>
            <meta property="og:image" content="/img/og.jpg"><meta property="og:image:alt" content="Open graph card">
            </head><body>
            <img src="/img/photo1.jpg" alt="A red barn in the snow">
            <img src="/img/small.jpg" srcset="/img/small.jpg 100w, /img/big.jpg 800w" alt="Big one">
            <picture><source type="image/avif" srcset="/img/pic.avif"><source srcset="/img/pic-small.jpg 1x, /img/pic-large.jpg 2x"><img src="/img/pic-fallback.jpg" alt="Pictured"></picture>
            <a href="/img/linked-photo.jpg">full size</a>
            <img src="/img/twin.jpg" alt="Twin"><img src="/img/dup.jpg" alt="Same bytes again">
            <img src="/img/pixel.gif"><img src="/img/icon.jpg" alt="icon">
            <img src="/img/broken.jpg"><img src="/img/notimage.jpg"><img src="/img/huge.jpg"><img src="/img/huge-declared.jpg"><img src="/img/slow.jpg">
            <img src="/private/hidden.jpg">
            <img src="http://localhost:{context.Connection.LocalPort}/img/photo1.jpg">
            <a href="gallery.html">Gallery</a>
            <a href="/private/secret.html">secret</a>
            <a href="/nofollow.html" rel="nofollow">do not follow</a>
            <a href="/meta-nofollow.html">meta nofollow</a>
            <a href="/loop/1">loop</a>
            <a href="/away">away</a>
            <a href="/calendar/2024/1">calendar</a>
            <a href="/nested.html">nested</a>
            <a href="mailto:someone@example.test">mail</a>
            </body></html>
            """));
        app.MapGet("/gallery.html", () => Html(
            "<html><head><title>Gallery</title><base href=\"/img/\"></head><body>"
            + string.Concat(Enumerable.Range(0, galleryImages).Select(i => $"<IMG SRC=g{i}.jpg ALT='Gallery photo {i}'>"))
            + "<a href=\"/deep.html\">deeper</a></body></html>"));
        app.MapGet("/deep.html", () => Html("<html><title>Deep</title><img src='/img/photo-deep.jpg' alt='Deep photo'><a href='/deeper.html'>more</a></html>"));
        app.MapGet("/deeper.html", () => Html("<html><title>Too deep</title><img src='/img/never.jpg'></html>"));
        app.MapGet("/private/secret.html", () => Html("<html><img src='/img/never.jpg'></html>"));
        app.MapGet("/nofollow.html", () => Html("<html><img src='/img/never.jpg'></html>"));
        app.MapGet("/meta-nofollow.html", () => Html("<html><head><meta name='robots' content='nofollow'></head><a href='/not-followed.html'>x</a></html>"));
        app.MapGet("/not-followed.html", () => Html("<html><img src='/img/never.jpg'></html>"));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{(n % 3) + 1}"));
        app.MapGet("/away", (HttpContext context) => Results.Redirect($"http://localhost:{context.Connection.LocalPort}/gallery.html"));
        app.MapGet("/calendar/{year:int}/{month:int}", (int year, int month) =>
        {
            var next = month == 12 ? $"/calendar/{year + 1}/1" : $"/calendar/{year}/{month + 1}";
            return Html($"<html><title>Calendar {year}-{month}</title><a href='{next}'>next month</a></html>");
        });
        // 100,000 open elements: the tree builder would need hours; the parse deadline gives up on it.
        app.MapGet("/nested.html", () => Html(string.Concat(Enumerable.Repeat("<div><a href=/img/never.jpg>", 100_000))));
        app.MapGet("/img/broken.jpg", () => Results.NotFound());
        app.MapGet("/img/notimage.jpg", () => Results.Bytes(System.Text.Encoding.UTF8.GetBytes("<html>This is not an image, whatever the header says" + new string(' ', 4000) + "</html>"), "image/jpeg"));
        app.MapGet("/img/slow.jpg", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            return Results.Bytes(_images["photo1.jpg"], "image/jpeg");
        });
        app.MapGet("/img/huge-declared.jpg", (HttpContext context) =>
        {
            context.Response.ContentType = "image/jpeg";
            context.Response.ContentLength = 10L * 1024 * 1024 * 1024;
            return StreamHugeAsync(context);
        });
        app.MapGet("/img/huge.jpg", (HttpContext context) =>
        {
            context.Response.ContentType = "image/jpeg"; // chunked: no length to refuse it by
            return StreamHugeAsync(context);
        });
        app.MapGet("/img/{name}", async (string name, HttpContext context) =>
        {
            if (Interlocked.Increment(ref _imagesServed) > Volatile.Read(ref _freeImages))
            {
                Interlocked.Increment(ref _held);
                try
                {
                    await _gate.Task.WaitAsync(context.RequestAborted);
                }
                finally
                {
                    Interlocked.Decrement(ref _held);
                }
            }

            // Some servers label images wrongly; content decides.
            return _images.TryGetValue(name, out var bytes) ? Results.Bytes(bytes, name == "big.jpg" ? "application/octet-stream" : "image/jpeg") : Results.NotFound();
        });
    }

    /// <summary>A JPEG header followed by up to 10 GB of generated bytes, written as the client reads them.</summary>
    private async Task StreamHugeAsync(HttpContext context)
    {
        var chunk = new byte[64 * 1024];
        _images["photo1.jpg"].AsSpan(0, 64).CopyTo(chunk);
        try
        {
            // Kestrel discards writes once the client is gone instead of failing them: watch for the abort.
            for (long sent = 0; sent < 10L * 1024 * 1024 * 1024 && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                Interlocked.Add(ref _hugeBytesSent, chunk.Length);
                chunk[0] = 0; // only the first chunk carries the JPEG header
                if (sent % (4 * 1024 * 1024) == 0)
                {
                    await Task.Delay(1, context.RequestAborted); // lets the abort be noticed (writes after it are silently dropped)
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the crawler hung up: exactly what should happen
        }
    }

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
