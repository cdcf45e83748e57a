using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class ThumbnailStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_by_id_and_size_and_deletes_all_sizes()
    {
        using var dir = new TempImageDirectory();
        var store = new ThumbnailStore(dir.Path);
        var processor = TestHost.Processor();
        var thumbnails = processor.CreateThumbnails(SampleImages.Path("jpg", "Canon_40D.jpg"), Ct);

        foreach (var thumbnail in thumbnails)
        {
            await store.WriteAsync(1234, thumbnail, Ct);
        }

        var small = store.PathFor(1234, 256, ThumbnailFormat.WebP);
        Assert.Equal(Path.Combine(dir.Path, "1", "1234-256.webp"), small);
        Assert.Equal(thumbnails[0].Data, await File.ReadAllBytesAsync(small, Ct));
        Assert.True(File.Exists(store.PathFor(1234, 1024, ThumbnailFormat.Jpeg))); // the preview is the model's JPEG

        // Describe reads the model's JPEG from the preview, or from its own file when the two are kept apart.
        var options = new ImagingOptions();
        Assert.Equal(thumbnails[1].Data, await store.ReadAiImageAsync(1234, options, Ct));
        var apart = new ImagingOptions { PreviewIsModelImage = false };
        Assert.Null(await store.ReadAiImageAsync(1234, apart, Ct));
        var model = processor.CreateAiImage(SampleImages.Path("jpg", "Canon_40D.jpg"), Ct);
        await store.WriteAiImageAsync(1234, model, Ct);
        Assert.Equal(model.Data, await store.ReadAiImageAsync(1234, apart, Ct));
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        await store.WriteAsync(12345, thumbnails[0], Ct);
        store.Delete(1234);
        Assert.False(File.Exists(small));
        Assert.True(File.Exists(store.PathFor(12345, 256, ThumbnailFormat.WebP))); // other ids untouched
    }
}
