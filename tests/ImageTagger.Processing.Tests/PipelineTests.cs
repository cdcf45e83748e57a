using System.Diagnostics;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Tags;
using ImageTagger.Imaging;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests;

/// <summary>The whole pipeline: real PostgreSQL, libvips, exiftool, and an Ollama-protocol server on loopback.</summary>
public sealed class PipelineTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private static IHost BuildHost(CatalogDatabase database, LoopbackOllamaServer ollama, string thumbnails, Dictionary<string, string?>? extra = null)
    {
        var settings = ProcessingTestHost.PipelineSettings(ollama.Url, thumbnails,
            ("Ollama:RetryBaseDelay", "00:00:00.010"), ("Ollama:RequestTimeout", "00:00:05"), ("Processing:AiRecoveryInterval", "00:00:00.300"), ("Processing:WatchFolders", "true"));
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return ProcessingTestHost.Build(database, settings);
    }

    private async Task<List<Image>> ImagesAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        return await db.Images.AsNoTracking().Include(i => i.Tags).ThenInclude(t => t.Tag).Where(i => i.FolderId == folderId).OrderBy(i => i.FileName).ToListAsync();
    }

    private static bool Settled(Image i) => i.Status is ImageStatus.Done or ImageStatus.Failed or ImageStatus.Duplicate or ImageStatus.Missing;

    [Fact]
    public async Task A_folder_of_real_photos_and_broken_files_is_processed_end_to_end()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        var samples = SampleImages.ValidJpegs().Take(4).ToList();
        foreach (var sample in samples)
        {
            photos.Copy(sample);
        }

        photos.Copy(samples[0], "copy of first.jpg"); // same bytes: a duplicate
        TestImageFactory.CreatePng(photos.File("drawing.png"), 320, 200);
        TestImageFactory.CreateTruncatedCopy(samples[1], photos.File("truncated.jpg"));
        TestImageFactory.CreateNonImage(photos.File("notes.jpg"));
        TestImageFactory.CreateEmptyFile(photos.File("empty.jpg"));

        using var host = BuildHost(database, ollama, thumbs.Path);
        var processor = host.Services.GetRequiredService<IImageProcessor>();
        var pixelsBefore = Directory.EnumerateFiles(photos.Path).Where(p => p.EndsWith(".jpg", StringComparison.Ordinal) && new FileInfo(p).Length > 0 && !p.EndsWith("notes.jpg", StringComparison.Ordinal) && !p.EndsWith("truncated.jpg", StringComparison.Ordinal))
            .ToDictionary(p => p, p => processor.ComputePixelHash(p, ct));

        Folder folder;
        await using (var db = database.CreateDbContext())
        {
            folder = new Folder { Path = photos.Path, WriteBackMode = WriteBackMode.Embedded };
            db.Folders.Add(folder);
            await db.SaveChangesAsync(ct);
        }

        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);
        await Poll.UntilAsync(async () =>
        {
            var images = await ImagesAsync(folder.Id);
            return images.Count == 9 && images.All(Settled) && !await WorkPendingAsync(folder.Id);
        }, TimeSpan.FromSeconds(120), "every image is settled", () => DescribeAsync(folder.Id));
        await host.StopAsync(ct);

        var byName = (await ImagesAsync(folder.Id)).ToDictionary(i => i.FileName);

        // Two files with the same bytes: whichever was analysed first is the original, the other its duplicate.
        var pair = new[] { byName[Path.GetFileName(samples[0])], byName["copy of first.jpg"] };
        var duplicate = Assert.Single(pair, i => i.Status == ImageStatus.Duplicate);
        var original = Assert.Single(pair, i => i.Status == ImageStatus.Done);
        Assert.Equal(original.Id, duplicate.DuplicateOfId);

        foreach (var sample in samples.Skip(1).Select(Path.GetFileName).Append(original.FileName).Append("drawing.png"))
        {
            var image = byName[sample!];
            Assert.True(image.Status == ImageStatus.Done, $"{image.FileName}: {image.Status} ({image.Error})");
            Assert.Equal("A loopback test image with a red square on a white background.", image.Description);
            Assert.Equal("llava:7b", image.DescriptionModel);
            Assert.Contains(image.Tags, t => t.Tag!.NormalizedName == "red square" && t.Source == TagSource.Ai);
            Assert.NotNull(image.Checksum);
            Assert.True(image.Width > 0 && image.Height > 0);
            Assert.NotNull(image.WrittenBackAt);
            // The small thumbnail in WebP; the preview is the model's JPEG itself, stored once.
            Assert.Equal(
                [$"{image.Id}-1024.jpg", $"{image.Id}-256.webp"],
                Directory.EnumerateFiles(thumbs.Path, $"{image.Id}-*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var embedding = await host.Services.GetRequiredService<EmbeddingStore>().GetAsync(image.Id, "nomic-embed-text", ct);
            Assert.NotNull(embedding);
            Assert.Equal(768, embedding.Vector.Length);
        }

        foreach (var broken in new[] { "truncated.jpg", "notes.jpg", "empty.jpg" })
        {
            Assert.Equal(ImageStatus.Failed, byName[broken].Status);
            Assert.StartsWith("analyze: ", byName[broken].Error);
        }

        Assert.Contains("not an image", byName["notes.jpg"].Error);

        // Write-back changed metadata only: every original decodes to the same pixels, and nothing was left behind.
        Assert.NotEmpty(pixelsBefore);
        foreach (var (path, hash) in pixelsBefore)
        {
            Assert.Equal(hash, processor.ComputePixelHash(path, ct));
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(photos.Path), p => !p.EndsWith(".jpg", StringComparison.Ordinal) && !p.EndsWith(".png", StringComparison.Ordinal));
        var written = await host.Services.GetRequiredService<Imaging.WriteBack.IMetadataWriter>().ReadAsync(Path.Combine(photos.Path, Path.GetFileName(samples[2])!), ct);
        Assert.Equal("A loopback test image with a red square on a white background.", written.Description);
        Assert.Contains("red square", written.Keywords);

        // Each stage ran once per image: nothing was done twice. (The offline text embedding runs once per change of
        // the image's text: after OCR and after the description, so at most twice.)
        await using var check = database.CreateDbContext();
        var perStage = await check.Jobs.AsNoTracking().Where(j => j.FolderId == folder.Id && j.ImageId != null)
            .GroupBy(j => new { j.ImageId, j.Kind }).Select(g => new { g.Key.Kind, Count = g.Count() }).ToListAsync(ct);
        Assert.All(perStage, s => Assert.Equal(1, s.Kind == JobKinds.TextEmbed ? Math.Min(s.Count, 1) : s.Count));
        Assert.All(perStage.Where(s => s.Kind == JobKinds.TextEmbed), s => Assert.InRange(s.Count, 1, 2));
        Assert.Equal(5, ollama.RequestCount(LoopbackEndpoint.Chat));
    }

    private async Task<string> DescribeAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        var images = await db.Images.AsNoTracking().Where(i => i.FolderId == folderId).Select(i => $"{i.FileName}={i.Status} ({i.Error})").ToListAsync();
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.FolderId == folderId).Select(j => $"{j.Kind}#{j.ImageId}={j.State}/{j.Attempts} ({j.LastError})").ToListAsync();
        return string.Join("; ", images.Concat(jobs));
    }

    private async Task<bool> WorkPendingAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.AnyAsync(j => j.FolderId == folderId && (j.State == JobState.Queued || j.State == JobState.Running));
    }

    [Fact]
    public async Task When_Ollama_is_down_AI_jobs_are_parked_not_lost_and_resume_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        ollama.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "model runner crashed"));
        ollama.FailAlways(LoopbackEndpoint.Tags, LoopbackFault.Status(503, "down"));
        ollama.FailAlways(LoopbackEndpoint.Version, LoopbackFault.Status(503, "down"));
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        // Images no other test in this class uses: the catalog recognises known bytes across folders.
        photos.Copy(SampleImages.ValidJpegs()[^1]);
        TestImageFactory.CreateJpeg(photos.File("generated.jpg"), 641, 479);

        using var host = BuildHost(database, ollama, thumbs.Path);
        var folder = await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct);
        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);

        await Poll.UntilAsync(async () =>
        {
            var images = await ImagesAsync(folder.Id);
            return images.Count == 2 && images.All(i => i.Status == ImageStatus.Failed);
        }, TimeSpan.FromSeconds(60), "AI failures park the images as failed", () => DescribeAsync(folder.Id));
        var failed = await ImagesAsync(folder.Id);
        Assert.All(failed, i => Assert.StartsWith("describe: ollama unavailable", i.Error));
        Assert.All(failed, i => Assert.NotNull(i.Checksum)); // the non-AI work finished regardless

        ollama.FailAlways(LoopbackEndpoint.Chat, null);
        ollama.FailAlways(LoopbackEndpoint.Tags, null);
        ollama.FailAlways(LoopbackEndpoint.Version, null);
        await Poll.UntilAsync(async () => (await ImagesAsync(folder.Id)).All(i => i.Status == ImageStatus.Done), TimeSpan.FromSeconds(60), "the parked jobs resume and finish");
        await host.StopAsync(ct);

        Assert.All(await ImagesAsync(folder.Id), i => Assert.NotNull(i.Description));
    }

    [Fact]
    public async Task A_file_deleted_before_its_analysis_ends_up_missing_not_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        var path = photos.Copy(SampleImages.ValidJpegs()[^2]);
        var folder = await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct);

        // Scan without workers, delete the file, then let the workers run.
        using (var scanOnly = BuildHost(database, ollama, thumbs.Path))
        {
            await scanOnly.Services.GetRequiredService<Scanning.FolderScanner>().ScanAsync(folder.Id, ct);
        }

        File.Delete(path);
        using var host = BuildHost(database, ollama, thumbs.Path);
        await host.StartAsync(ct);
        await Poll.UntilAsync(async () => (await ImagesAsync(folder.Id)).Single().Status == ImageStatus.Missing, TimeSpan.FromSeconds(30), "the image is marked missing");
        await host.StopAsync(ct);
        Assert.Equal(0, ollama.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task A_moved_file_keeps_its_identity_description_and_tags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        var original = photos.Copy(SampleImages.ValidJpegs()[^3], "before.jpg");
        var folder = await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct);
        using var host = BuildHost(database, ollama, thumbs.Path);
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<JobQueue>();
        await queue.EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);
        await Poll.UntilAsync(async () => (await ImagesAsync(folder.Id)).SingleOrDefault()?.Status == ImageStatus.Done, TimeSpan.FromSeconds(60), "the first image is done");
        var before = (await ImagesAsync(folder.Id)).Single();
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        {
            await TagStore.AddAsync(connection, null, [before.Id], ["my favourite"], TagSource.User, ct);
        }

        var chatsBefore = ollama.RequestCount(LoopbackEndpoint.Chat);
        Directory.CreateDirectory(photos.File("renamed"));
        File.Move(original, photos.File("renamed/after.jpg"));
        await queue.EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);
        await Poll.UntilAsync(async () =>
        {
            var images = await ImagesAsync(folder.Id);
            return images.Count == 1 && images[0].FileName == "after.jpg" && images[0].Status == ImageStatus.Done;
        }, TimeSpan.FromSeconds(60), "the moved file is recognised");
        await host.StopAsync(ct);

        var after = (await ImagesAsync(folder.Id)).Single();
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(before.Description, after.Description);
        Assert.Contains(after.Tags, t => t.Tag!.NormalizedName == "my favourite" && t.Source == TagSource.User);
        Assert.Equal(chatsBefore, ollama.RequestCount(LoopbackEndpoint.Chat)); // not described again
    }
}
