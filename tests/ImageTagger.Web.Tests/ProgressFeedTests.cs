extern alias web;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using web::ImageTagger.Web.Api;

namespace ImageTagger.Web.Tests;

/// <summary>The Web's one live subscription to the Api's progress, against a real Api that is absent, starts and stops.</summary>
public sealed class ProgressFeedTests
{
    [Fact]
    public async Task The_feed_survives_a_missing_api_connects_when_it_starts_pushes_progress_and_reports_the_loss()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var services = new ServiceCollection();
        services.AddHttpClient(web::ImageTagger.Web.WebServiceExtensions.StreamClient, http =>
        {
            http.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        await using var provider = services.BuildServiceProvider();
        using var feed = new ProgressFeed(new ApiSubscriptions(provider.GetRequiredService<IHttpClientFactory>()), NullLogger<ProgressFeed>.Instance);
        var snapshots = new ConcurrentQueue<ProgressSnapshot>();
        feed.Changed += snapshots.Enqueue;
        await feed.StartAsync(ct);

        // Nothing listens yet: the feed says so and keeps trying.
        await Poll.UntilAsync(() => Task.FromResult(snapshots.Count(s => !s.Connected)), n => n >= 1, "a reported failed connection");

        var stack = new WebStack { ApiPort = port };
        try
        {
            await stack.InitializeAsync();
            await Poll.UntilAsync(() => Task.FromResult(feed.Current.Connected), c => c, "connected to the Api once it listens");

            // Work enqueued through the Api reaches the feed as pushed progress, with no query from the Web.
            var folder = Path.Combine(stack.Root.Path, "feed");
            Directory.CreateDirectory(folder);
            SampleImages.CopyTo(SampleImages.ValidJpegs()[0], folder, "one.jpg");
            await stack.GraphQLAsync("mutation($path: String!) { addFolder(input: { path: $path }) { errors { code } } }", new { path = folder });
            await Poll.UntilAsync(() => Task.FromResult(feed.Current.Status?.Total ?? 0), total => total > 0, "pushed progress with the new jobs");
        }
        finally
        {
            await stack.DisposeAsync();
        }

        await Poll.UntilAsync(() => Task.FromResult(feed.Current.Connected), c => !c, "the loss reported after the Api stopped");
        Assert.NotNull(feed.Current.Status);
        await feed.StopAsync(ct);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
