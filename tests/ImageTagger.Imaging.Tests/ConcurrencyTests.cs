using System.Collections.Concurrent;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class ConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Many_threads_thumbnail_at_once_with_broken_files_mixed_in()
    {
        var processor = TestHost.Processor();
        using var dir = new TempImageDirectory();
        var good = TestImageFactory.CreateMany(dir.Path, 6, 2000, 1500);
        var broken = new[]
        {
            SampleImages.Path("jpg", "corrupted.jpg"),
            TestImageFactory.CreateTruncatedCopy(good[0], dir.File("cut.jpg"), 0.4),
            TestImageFactory.CreateNonImage(dir.File("text.jpg")),
        };

        // Serial reference results.
        var expected = good.ToDictionary(p => p, p => processor.ComputePixelHash(p, Ct));

        var failures = new ConcurrentBag<Exception>();
        var successes = 0;
        var typedFailures = 0;
        var work = Enumerable.Range(0, 48).Select(i => i % 8 < 6 ? good[i % 6] : broken[i % 3]).ToArray();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, (path, ct) =>
        {
            try
            {
                var thumbs = processor.CreateRenditions(
                    path, [new RenditionRequest(256, ThumbnailFormat.WebP, 75), new RenditionRequest(1024, ThumbnailFormat.Jpeg, 80)], ct);
                if (thumbs[1].Width != 1024 || thumbs[1].Height != 768 || processor.ComputePixelHash(path, ct) != expected[path])
                {
                    failures.Add(new InvalidOperationException($"wrong result for {path}"));
                }

                Interlocked.Increment(ref successes);
            }
            catch (ImageDecodeException) when (broken.Contains(path))
            {
                Interlocked.Increment(ref typedFailures);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Empty(failures);
        Assert.Equal(work.Count(good.Contains), successes);
        Assert.Equal(work.Count(broken.Contains), typedFailures);
    }
}
