using System.Diagnostics;
using ImageTagger.Processing.Crawling;

namespace ImageTagger.Processing.Tests.Crawling;

public sealed class HostThrottleTests
{
    [Fact]
    public async Task Requests_to_one_host_are_spaced_by_the_larger_delay_and_other_hosts_do_not_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        var throttle = new HostThrottle(4, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var host = new Uri("http://a.test/x");
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            using var _ = await throttle.AcquireAsync(host, null, ct);
        }

        Assert.InRange(stopwatch.ElapsedMilliseconds, 190, 2000); // starts at 0, 100, 200 ms
        stopwatch.Restart();
        using (await throttle.AcquireAsync(new Uri("http://b.test/y"), null, ct))
        {
            Assert.True(stopwatch.ElapsedMilliseconds < 90, "another host has its own schedule");
        }

        stopwatch.Restart();
        using (await throttle.AcquireAsync(host, TimeSpan.FromMilliseconds(300), ct))
        {
        }

        using (await throttle.AcquireAsync(host, TimeSpan.FromMilliseconds(300), ct))
        {
            Assert.InRange(stopwatch.ElapsedMilliseconds, 290, 2000); // robots.txt Crawl-delay beats the crawl's delay
        }
    }

    [Fact]
    public async Task At_most_n_requests_per_host_are_in_flight()
    {
        var ct = TestContext.Current.CancellationToken;
        var throttle = new HostThrottle(2, TimeSpan.Zero, TimeProvider.System);
        var host = new Uri("http://a.test/");
        var first = await throttle.AcquireAsync(host, null, ct);
        var second = await throttle.AcquireAsync(host, null, ct);
        var third = throttle.AcquireAsync(host, null, ct);
        await Task.Delay(100, ct);
        Assert.False(third.IsCompleted);
        first.Dispose();
        first.Dispose(); // a second release is ignored
        using var acquired = await third.WaitAsync(TimeSpan.FromSeconds(5), ct);
        var fourth = throttle.AcquireAsync(host, null, ct);
        await Task.Delay(100, ct);
        Assert.False(fourth.IsCompleted, "the double release must not have freed an extra slot");
        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5), ct)).Dispose();
    }
}
