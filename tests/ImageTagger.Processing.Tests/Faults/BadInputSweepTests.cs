using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Processing.Tests.Faults;

/// <summary>
/// Every file of the shared test images (real cameras, all orientations, HEIC, TIFF, deliberately broken
/// files) plus generated nasties goes through the whole pipeline: each ends processed, a duplicate, or failed
/// with a clear reason, and the service stays up.
/// </summary>
public sealed class BadInputSweepTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task Every_shared_test_image_and_generated_nasty_ends_done_or_failed_with_a_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles(SampleImages.Root, "*", SearchOption.AllDirectories))
        {
            if (Scanning.FileWalker.IsCandidate(file) && !Path.GetFileName(file).StartsWith("README", StringComparison.Ordinal))
            {
                // Flattened, with the sub-folder in the name: several folders hold files of the same name.
                var relative = Path.GetRelativePath(SampleImages.Root, file).Replace('/', '_');
                File.Copy(file, photos.File(relative));
                copied++;
            }
        }

        TestImageFactory.CreateEmptyFile(photos.File("zero-bytes.jpg"));
        TestImageFactory.CreateNonImage(photos.File("text-with-image-name.png"));
        TestImageFactory.CreatePngWithWrongExtension(photos.File("png-named.jpg"));
        TestImageFactory.CreateJpegBombHeader(photos.File("bomb.jpg"));
        TestImageFactory.CreatePngBombHeader(photos.File("bomb.png"));
        TestImageFactory.CreateTruncatedCopy(SampleImages.ValidJpegs()[0], photos.File("half.jpg"));
        var total = copied + 6;

        var folderId = (await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct)).Id;
        using var host = ProcessingTestHost.Build(database, ProcessingTestHost.PipelineSettings(ollama.Url, thumbs.Path));
        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folderId), ct);
        await Poll.UntilAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            var settled = await db.Images.CountAsync(i => i.FolderId == folderId && (i.Status == ImageStatus.Done || i.Status == ImageStatus.Failed || i.Status == ImageStatus.Duplicate), ct);
            var pending = await db.Jobs.AnyAsync(j => j.FolderId == folderId && (j.State == JobState.Queued || j.State == JobState.Running), ct);
            return settled == total && !pending;
        }, TimeSpan.FromSeconds(240), "every file is settled");
        await host.StopAsync(ct);

        await using var check = database.CreateDbContext();
        var images = await check.Images.AsNoTracking().Where(i => i.FolderId == folderId).ToListAsync(ct);
        Assert.Equal(total, images.Count);
        Assert.All(images.Where(i => i.Status == ImageStatus.Failed), i => Assert.False(string.IsNullOrWhiteSpace(i.Error), $"{i.FileName} failed without a reason"));
        var byName = images.ToDictionary(i => i.FileName);
        Assert.Equal(ImageStatus.Failed, byName["zero-bytes.jpg"].Status);
        Assert.Equal(ImageStatus.Failed, byName["text-with-image-name.png"].Status);
        Assert.Contains("not an image", byName["text-with-image-name.png"].Error);
        Assert.Equal(ImageStatus.Done, byName["png-named.jpg"].Status);
        Assert.Equal("png", byName["png-named.jpg"].Format);
        Assert.Equal(ImageStatus.Failed, byName["bomb.jpg"].Status);
        Assert.Equal(ImageStatus.Failed, byName["bomb.png"].Status);
        Assert.Equal(ImageStatus.Failed, byName["half.jpg"].Status);

        // Most real photos make it; HEIC and TIFF included.
        Assert.True(images.Count(i => i.Status == ImageStatus.Done) >= copied * 3 / 4, string.Join("; ", images.Where(i => i.Status == ImageStatus.Failed).Select(i => $"{i.FileName}: {i.Error}")));
        Assert.Contains(images, i => i.Status == ImageStatus.Done && i.Format == "heif");
        Assert.Contains(images, i => i.Status == ImageStatus.Done && i.Format == "tiff");
    }
}
