using ImageTagger.Processing.Jobs;
using ImageTagger.TestSupport;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ImageTagger.Processing.Tests;

public sealed class JobCountFolderTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task The_service_folds_the_counter_changes_into_the_counts_on_each_tick()
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = "fold-" + Guid.NewGuid().ToString("N")[..8];
        await using (var seed = database.DataSource.CreateCommand("INSERT INTO jobs (kind) SELECT @k FROM generate_series(1, 12)"))
        {
            seed.Parameters.AddWithValue("k", kind);
            await seed.ExecuteNonQueryAsync(ct);
        }

        async Task<long> ScalarAsync(string sql)
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("k", kind);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }

        Assert.Equal(12, await ScalarAsync("SELECT coalesce(sum(jobs), 0)::bigint FROM job_count_changes WHERE kind = @k"));

        // Only the folder runs, on a fake clock: the fold happens because its interval passed, not because a test waited.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = ProcessingTestHost.Build(database, new() { ["Processing:CountFoldInterval"] = "00:00:05" }, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)).ToList())
            {
                services.Remove(descriptor);
            }

            services.AddHostedService<JobCountFolder>();
        });
        await host.StartAsync(ct);
        await Poll.UntilAsync(async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            return await ScalarAsync("SELECT count(*) FROM job_count_changes WHERE kind = @k") == 0;
        }, TimeSpan.FromSeconds(30), "the changes are folded");

        Assert.Equal(12, await ScalarAsync("SELECT jobs FROM job_counts WHERE folder_id = 0 AND kind = @k AND state = 'Queued'"));
        await host.StopAsync(ct);
    }
}
