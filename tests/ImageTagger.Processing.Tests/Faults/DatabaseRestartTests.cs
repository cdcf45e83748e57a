using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.Processing.Tests.Faults;

/// <summary>The database restarting mid-batch (a private cluster, so nothing else is disturbed).</summary>
public sealed class DatabaseRestartTests
{
    [Fact]
    public async Task Processing_rides_out_a_database_restart_mid_batch_and_finishes_every_image_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PrivatePostgresServer.StartAsync(ct);
        var connectionString = await postgres.CreateCatalogAsync("restart", cancellationToken: ct);
        await using var ollama = await LoopbackOllamaServer.StartAsync(ct);
        ollama.Latency = TimeSpan.FromMilliseconds(150);
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        const int count = 10;
        for (var i = 0; i < count; i++)
        {
            TestImageFactory.CreateJpeg(photos.File($"r{i}.jpg"), 400 + i, 300);
        }

        using var host = ProcessingTestHost.Build(connectionString, 768, ProcessingTestHost.PipelineSettings(ollama.Url, thumbs.Path));
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        long folderId;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var insert = new NpgsqlCommand("INSERT INTO folders (path) VALUES (@p) RETURNING id", connection))
        {
            insert.Parameters.AddWithValue("p", photos.Path);
            folderId = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folderId), ct);

        async Task<(long Done, long Pending)> CountAsync()
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE status = 'Done'), (SELECT count(*) FROM jobs WHERE state IN ('Queued', 'Running')) FROM images",
                connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        await Poll.UntilAsync(async () => (await CountAsync()).Done >= 2, TimeSpan.FromSeconds(60), "some images are done");
        await postgres.RestartAsync(ct);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                var (done, pending) = await CountAsync();
                return done == count && pending == 0;
            }
            catch (NpgsqlException)
            {
                return false; // the pool is still reconnecting
            }
        }, TimeSpan.FromSeconds(120), "every image is done after the restart");
        await host.StopAsync(ct);

        await using var db = new CatalogDbContext(new DbContextOptionsBuilder<CatalogDbContext>().UseNpgsql(dataSource, CatalogDbContext.ConfigureNpgsql).Options);
        var doneJobs = await db.Jobs.AsNoTracking().Where(j => j.State == JobState.Done && j.ImageId != null).ToListAsync(ct);
        foreach (var stage in new[] { JobKinds.Analyze, JobKinds.Describe, JobKinds.Embed })
        {
            Assert.Equal(count, doneJobs.Count(j => j.Kind == stage));
            Assert.Equal(count, doneJobs.Where(j => j.Kind == stage).Select(j => j.ImageId).Distinct().Count());
        }

        Assert.All(await db.Images.AsNoTracking().ToListAsync(ct), i => Assert.Equal(ImageStatus.Done, i.Status));
    }
}
