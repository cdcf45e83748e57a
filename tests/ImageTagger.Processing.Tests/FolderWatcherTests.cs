using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ImageTagger.Processing.Tests;

public sealed class FolderWatcherTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    // Only the watcher runs: no lanes claim the analyze jobs it queues, so tests can count them.
    private IHost StartWatcherOnly(TimeProvider clock) => ProcessingTestHost.Build(database, configure: services =>
    {
        services.AddSingleton<TimeProvider>(clock);
        var workers = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null && d.ImplementationType is null && d.ImplementationInstance is null).ToList();
        foreach (var descriptor in workers)
        {
            services.Remove(descriptor);
        }

        services.AddHostedService(sp => sp.GetRequiredService<Watching.FolderWatcherService>());
    });

    [Fact]
    public async Task A_file_copied_in_slowly_is_picked_up_once_when_complete_and_a_deletion_marks_it_missing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var folder = await ProcessingTestHost.AddFolderAsync(database, temp.Path, ct: ct);
        // The debounce runs on a fake clock: while the file is being written no time passes, so however slowly this
        // machine writes, the watcher cannot mistake a pause for the end of the copy.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = StartWatcherOnly(clock);
        await host.StartAsync(ct);
        var watcher = host.Services.GetRequiredService<Watching.FolderWatcherService>();
        await Poll.UntilAsync(() => Task.FromResult(watcher.WatchedFolders.Contains(folder.Id)), TimeSpan.FromSeconds(15), "the folder is watched");

        // Straight into the watched folder: a file written into a brand-new subfolder can beat the watch that inotify
        // adds for that subfolder, and then no event is raised at all (a later scan finds such files).
        var path = Path.Combine(temp.Path, "slow copy.jpg");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            for (var i = 0; i < 8; i++)
            {
                await stream.WriteAsync(new byte[1000], ct);
                await stream.FlushAsync(ct);
            }
        }

        await using var db = database.CreateDbContext();
        Assert.False(await db.Images.AnyAsync(i => i.Path == path, ct), "nothing is catalogued before the debounce has passed");

        // Only now does time move (each poll advances a debounce), also past file events delivered late.
        await Poll.UntilAsync(async () =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(300));
            return await db.Images.AnyAsync(i => i.Path == path && i.SizeBytes == 8000, ct);
        }, TimeSpan.FromSeconds(15), "the complete file is catalogued");
        var image = await db.Images.AsNoTracking().SingleAsync(i => i.Path == path, ct);
        var analyzeJobs = await db.Jobs.CountAsync(j => j.ImageId == image.Id && j.Kind == JobKinds.Analyze, ct);
        Assert.Equal(1, analyzeJobs);

        File.Delete(path);
        await Poll.UntilAsync(async () =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(300));
            return (await db.Images.AsNoTracking().SingleAsync(i => i.Id == image.Id, ct)).Status == Catalog.Images.ImageStatus.Missing;
        }, TimeSpan.FromSeconds(15), "the deleted file is marked missing");
        await host.StopAsync(ct);
    }
}
