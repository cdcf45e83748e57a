using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Scanning;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests;

public sealed class FolderScannerTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private async Task<(FolderScanner Scanner, IHost Host)> CreateAsync()
    {
        var host = ProcessingTestHost.Build(database);
        await Task.CompletedTask;
        return (host.Services.GetRequiredService<FolderScanner>(), host);
    }

    private async Task<List<Image>> ImagesAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        return await db.Images.AsNoTracking().Where(i => i.FolderId == folderId).OrderBy(i => i.Path).ToListAsync();
    }

    private async Task<int> QueuedAnalyzeJobsAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.CountAsync(j => j.FolderId == folderId && j.Kind == JobKinds.Analyze && j.State == JobState.Queued);
    }

    [Fact]
    public async Task First_scan_finds_candidates_recursively_including_odd_names_and_queues_analysis()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        temp.Write("a.jpg");
        temp.Write("B.JPEG");
        temp.Write("sub dir/ünïcødé photo.png");
        temp.Write("sub dir/deeper/c.webp");
        temp.Write("noextension");
        temp.Write("notes.txt");
        temp.Write(".hidden/d.jpg");
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);

        var result = await scanner.ScanAsync(folder.Id, ct);

        Assert.Equal(5, result.Added);
        var images = await ImagesAsync(folder.Id);
        Assert.Equal(
            ["B.JPEG", "a.jpg", "c.webp", "noextension", "ünïcødé photo.png"],
            images.Select(i => i.FileName).Order(StringComparer.Ordinal));
        Assert.All(images, i => Assert.Equal(ImageStatus.Discovered, i.Status));
        Assert.All(images, i => Assert.Equal(64, i.SizeBytes));
        Assert.Equal(5, await QueuedAnalyzeJobsAsync(folder.Id));
        await using var db = database.CreateDbContext();
        var stored = await db.Folders.AsNoTracking().SingleAsync(f => f.Id == folder.Id, ct);
        Assert.Equal(5, stored.ImageCount);
        Assert.NotNull(stored.LastScanAt);
    }

    [Fact]
    public async Task Non_recursive_folders_stop_at_the_top_level()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        temp.Write("top.jpg");
        temp.Write("nested/below.jpg");
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, recursive: false, ct);

        await scanner.ScanAsync(folder.Id, ct);

        Assert.Equal(["top.jpg"], (await ImagesAsync(folder.Id)).Select(i => i.FileName));
    }

    [Fact]
    public async Task Rescan_only_stats_unchanged_files_and_picks_up_changes_deletions_and_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var keep = temp.Write("keep.jpg");
        var change = temp.Write("change.jpg");
        var delete = temp.Write("delete.jpg");
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);
        await scanner.ScanAsync(folder.Id, ct);
        await using (var db = database.CreateDbContext())
        {
            // Pretend the first analysis ran, so only real changes queue new work.
            await db.Jobs.Where(j => j.FolderId == folder.Id).ExecuteDeleteAsync(ct);
            await db.Images.Where(i => i.FolderId == folder.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImageStatus.Done), ct);
        }

        var unchanged = await scanner.ScanAsync(folder.Id, ct);
        Assert.Equal((0, 0, 0, 3), (unchanged.Added, unchanged.Changed, unchanged.Missing, unchanged.Unchanged));
        Assert.Equal(0, await QueuedAnalyzeJobsAsync(folder.Id));

        File.WriteAllBytes(change, new byte[200]);
        File.Delete(delete);
        var second = await scanner.ScanAsync(folder.Id, ct);
        Assert.Equal((0, 1, 1, 1), (second.Added, second.Changed, second.Missing, second.Unchanged));
        var images = (await ImagesAsync(folder.Id)).ToDictionary(i => i.FileName);
        Assert.Equal(ImageStatus.Discovered, images["change.jpg"].Status);
        Assert.Equal(200, images["change.jpg"].SizeBytes);
        Assert.Equal(ImageStatus.Missing, images["delete.jpg"].Status);
        Assert.Equal(ImageStatus.Done, images["keep.jpg"].Status);
        Assert.Equal(1, await QueuedAnalyzeJobsAsync(folder.Id));

        temp.Write("delete.jpg");
        var third = await scanner.ScanAsync(folder.Id, ct);
        Assert.Equal(1, third.Changed);
        Assert.Equal(ImageStatus.Discovered, (await ImagesAsync(folder.Id)).Single(i => i.FileName == "delete.jpg").Status);
        Assert.True(File.Exists(keep));
    }

    [Fact]
    public async Task A_folder_larger_than_a_scan_batch_is_written_in_batches_with_every_file_and_job_once()
    {
        // ScanBatch 5 over 12 files: three batches for the new files, two for the changed and missing ones.
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var files = Enumerable.Range(0, 12).Select(i => temp.Write($"batch/{i:D2}.jpg")).ToList();
        using var host = ProcessingTestHost.Build(database, new Dictionary<string, string?> { ["Processing:ScanBatch"] = "5" });
        var scanner = host.Services.GetRequiredService<FolderScanner>();
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);

        var first = await scanner.ScanAsync(folder.Id, ct);
        Assert.Equal(12, first.Added);
        Assert.Equal(12, (await ImagesAsync(folder.Id)).Count);
        Assert.Equal(12, await QueuedAnalyzeJobsAsync(folder.Id));

        await using (var db = database.CreateDbContext())
        {
            await db.Jobs.Where(j => j.FolderId == folder.Id).ExecuteDeleteAsync(ct);
            await db.Images.Where(i => i.FolderId == folder.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImageStatus.Done), ct);
        }

        foreach (var changed in files.Take(6))
        {
            File.WriteAllBytes(changed, new byte[100]);
        }

        foreach (var gone in files.Skip(6).Take(6))
        {
            File.Delete(gone);
        }

        var second = await scanner.ScanAsync(folder.Id, ct);
        Assert.Equal((0, 6, 6, 0), (second.Added, second.Changed, second.Missing, second.Unchanged));
        var images = await ImagesAsync(folder.Id);
        Assert.Equal(6, images.Count(i => i.Status == ImageStatus.Missing));
        Assert.Equal(6, images.Count(i => i.Status == ImageStatus.Discovered && i.SizeBytes == 100));
        Assert.Equal(6, await QueuedAnalyzeJobsAsync(folder.Id));
        await using var check = database.CreateDbContext();
        Assert.Equal(6, (await check.Folders.AsNoTracking().SingleAsync(f => f.Id == folder.Id, ct)).ImageCount);
    }

    [Fact]
    public async Task A_symlink_loop_is_walked_once_and_does_not_hang()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        temp.Write("a/one.jpg");
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "a", "loop"), temp.Path);
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "self"), Path.Combine(temp.Path, "a"));
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);

        var result = await scanner.ScanAsync(folder.Id, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);

        Assert.Equal(1, result.Added);
    }

    [Fact]
    public async Task Symlinks_leading_out_of_the_folder_are_not_followed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        using var outside = new TempFolder();
        temp.Write("inside.jpg");
        var secret = outside.Write("secret/private.jpg");
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "escape"), Path.Combine(outside.Path, "secret"));
        File.CreateSymbolicLink(Path.Combine(temp.Path, "linked.jpg"), secret);
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);

        await scanner.ScanAsync(folder.Id, ct);

        Assert.Equal(["inside.jpg"], (await ImagesAsync(folder.Id)).Select(i => i.FileName));
    }

    [Fact]
    public async Task A_folder_that_is_not_there_is_reported_and_nothing_is_marked_missing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        temp.Write("x.jpg");
        var (scanner, host) = await CreateAsync();
        using var _ = host;
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);
        await scanner.ScanAsync(folder.Id, ct);
        var moved = temp.Path + "-unmounted";
        Directory.Move(temp.Path, moved);
        try
        {
            var result = await scanner.ScanAsync(folder.Id, ct);
            Assert.Contains("not found", result.Error);
            Assert.All(await ImagesAsync(folder.Id), i => Assert.NotEqual(ImageStatus.Missing, i.Status));
            await using var db = database.CreateDbContext();
            Assert.Contains("not found", (await db.Folders.AsNoTracking().SingleAsync(f => f.Id == folder.Id, ct)).LastScanError);
        }
        finally
        {
            Directory.Move(moved, temp.Path);
        }
    }
}
