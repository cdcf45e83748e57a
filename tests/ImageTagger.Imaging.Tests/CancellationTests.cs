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

        // The faster of two runs: the first also pays for warm-up, and a deadline set from it could come too late.
        var full = TimeSpan.MaxValue;
        for (var run = 0; run < 2; run++)
        {
            var timed = Stopwatch.StartNew();
            processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct);
            full = timed.Elapsed < full ? timed.Elapsed : full;
        }

        // On a loaded machine one attempt may be descheduled past its deadline (or even finish); the claim is
        // that cancellation can stop a decode part-way, so it must do so in at least one of five tries.
        var attempts = new List<string>();
        var stoppedEarly = false;
        for (var attempt = 0; attempt < 5 && !stoppedEarly; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(full / 5);
            var cancelled = Stopwatch.StartNew();
            try
            {
                processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, cts.Token);
                attempts.Add($"finished in {cancelled.Elapsed}");
            }
            catch (OperationCanceledException)
            {
                attempts.Add($"cancelled after {cancelled.Elapsed}");
                stoppedEarly = cancelled.Elapsed < full * 0.9;
            }
        }

        Assert.True(stoppedEarly, $"{string.Join(", ", attempts)}; a full run takes {full}");

        // The library is still healthy afterwards.
        Assert.Equal(256, processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct).Width);
    }
}
