using ImageTagger.Processing.Jobs;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Processing.Tests;

public sealed class JobPrunerTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task The_pruner_empties_old_finished_jobs_batch_by_batch_and_keeps_recent_and_unfinished_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = ProcessingTestHost.Build(database, new() { ["Processing:KeepFinishedJobs"] = "01:00:00", ["Processing:PruneBatch"] = "7" });
        var kind = "pruner-" + Guid.NewGuid().ToString("N")[..8];
        await using (var seed = database.DataSource.CreateCommand(
            """
            INSERT INTO jobs (kind, state, completed_at, updated_at)
            SELECT @k, 'Done', now() - interval '2 hours', now() - interval '2 hours' FROM generate_series(1, 30)
            UNION ALL SELECT @k, 'Done', now() - interval '10 minutes', now() FROM generate_series(1, 3)
            UNION ALL SELECT @k, s, NULL, now() - interval '2 hours' FROM unnest(ARRAY['Queued', 'Running', 'Parked']) s
            """))
        {
            seed.Parameters.AddWithValue("k", kind);
            await seed.ExecuteNonQueryAsync(ct);
        }

        // 30 old ones in batches of 7 (the loop must not stop after the first batch); other tests' jobs may go too.
        Assert.True(await host.Services.GetRequiredService<JobPruner>().PruneAsync(ct) >= 30);

        await using var left = database.DataSource.CreateCommand("SELECT state, count(*) FROM jobs WHERE kind = @k GROUP BY state ORDER BY state");
        left.Parameters.AddWithValue("k", kind);
        var states = new List<string>();
        await using (var reader = await left.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                states.Add($"{reader.GetString(0)}:{reader.GetInt64(1)}");
            }
        }

        Assert.Equal(["Done:3", "Parked:1", "Queued:1", "Running:1"], states);
        await using var archived = database.DataSource.CreateCommand("SELECT jobs FROM job_archive WHERE folder_id = 0 AND kind = @k AND state = 'Done'");
        archived.Parameters.AddWithValue("k", kind);
        Assert.Equal(30L, await archived.ExecuteScalarAsync(ct));
    }
}
