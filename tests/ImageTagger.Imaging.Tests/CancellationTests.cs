using System.Diagnostics;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class CancellationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Cancelling_stops_a_running_decode()
    {
        var processor = TestHost.Processor();
        using var dir = new TempImageDirectory();
        // A large PNG has no shrink-on-load: the full decode takes a while, long enough to cancel inside libvips.
        var path = TestImageFactory.CreatePng(dir.File("big.png"), 9000, 7000);

        var full = Stopwatch.StartNew();
        processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct);
        full.Stop();

        // On a loaded machine one attempt may be descheduled past its deadline; the claim is that
        // cancellation can stop a decode part-way, so it must do so in at least one of three tries.
        var attempts = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(full.Elapsed / 5);
            var cancelled = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, cts.Token));
            attempts.Add(cancelled.Elapsed);
            if (cancelled.Elapsed < full.Elapsed * 0.9)
            {
                break;
            }
        }

        Assert.True(attempts.Min() < full.Elapsed * 0.9, $"cancelled after {string.Join(", ", attempts)}, a full run takes {full.Elapsed}");

        // The library is still healthy afterwards.
        Assert.Equal(256, processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct).Width);
    }
}
