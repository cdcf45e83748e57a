using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Postgres;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

/// <summary>
/// The counters the database keeps (image_counts, embedding_counts) agree with a real count after every kind of
/// change, and job pruning moves only finished jobs into the archive.
/// </summary>
public sealed class LargeLibraryBookkeepingTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private async Task<long> ScalarAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every (status, images, bytes) of the folder from the counters equals the same from the images themselves.</summary>
    private async Task AssertCountersMatchAsync(long folderId, CancellationToken ct)
    {
        async Task<List<string>> Rows(string sql)
        {
            var rows = new List<string>();
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("f", folderId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add($"{reader.GetString(0)}:{reader.GetInt64(1)}:{reader.GetInt64(2)}");
            }

            return rows;
        }

        var counted = await Rows("SELECT status, count(*), coalesce(sum(size_bytes), 0)::bigint FROM images WHERE folder_id = @f GROUP BY status ORDER BY status");
        var kept = await Rows("SELECT status, images, bytes FROM image_counts WHERE folder_id = @f AND images <> 0 ORDER BY status");
        Assert.Equal(counted, kept);
    }

    [Fact]
    public async Task Image_counters_stay_exact_through_inserts_updates_tag_edits_and_deletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = await ScalarAsync("INSERT INTO folders (path) VALUES (@p) RETURNING id", ct, ("p", "/counters/" + Guid.NewGuid().ToString("N")));
        await ExecAsync(
            """
            INSERT INTO images (folder_id, path, file_name, size_bytes, modified_at, status)
            SELECT @f, '/counters/' || @f || '/' || g || '.jpg', g || '.jpg', g * 10, now(), CASE WHEN g % 3 = 0 THEN 'Done' ELSE 'Discovered' END
            FROM generate_series(1, 50) g
            """,
            ct,
            ("f", folder));
        await AssertCountersMatchAsync(folder, ct);
        Assert.Equal(50, await ScalarAsync("SELECT sum(images) FROM image_counts WHERE folder_id = @f", ct, ("f", folder)));

        // Status changes (one statement over many rows, and row by row), a size change, a move to Missing.
        await ExecAsync("UPDATE images SET status = 'Done' WHERE folder_id = @f AND file_name LIKE '1%'", ct, ("f", folder));
        await ExecAsync("UPDATE images SET size_bytes = size_bytes + 7 WHERE folder_id = @f AND file_name = '2.jpg'", ct, ("f", folder));
        await ExecAsync("UPDATE images SET status = 'Missing' WHERE folder_id = @f AND file_name IN ('4.jpg', '5.jpg')", ct, ("f", folder));
        await AssertCountersMatchAsync(folder, ct);

        // Tag edits rewrite the images' tag text (an UPDATE that changes no counter).
        var tag = await ScalarAsync("INSERT INTO tags (name, normalized_name) VALUES (@n, @n) RETURNING id", ct, ("n", "t" + Guid.NewGuid().ToString("N")[..8]));
        await ExecAsync("INSERT INTO image_tags (image_id, tag_id, source) SELECT id, @t, 'User' FROM images WHERE folder_id = @f", ct, ("t", tag), ("f", folder));
        await ExecAsync("DELETE FROM image_tags WHERE tag_id = @t AND image_id IN (SELECT id FROM images WHERE folder_id = @f AND status = 'Done')", ct, ("t", tag), ("f", folder));
        await AssertCountersMatchAsync(folder, ct);

        await ExecAsync("DELETE FROM images WHERE folder_id = @f AND status = 'Discovered' AND file_name LIKE '%7.jpg'", ct, ("f", folder));
        await AssertCountersMatchAsync(folder, ct);

        // A folder removed with its images (ON DELETE CASCADE) leaves nothing counted.
        await ExecAsync("DELETE FROM folders WHERE id = @f", ct, ("f", folder));
        Assert.Equal(0, await ScalarAsync("SELECT coalesce(sum(images), 0) + coalesce(sum(bytes), 0) FROM image_counts WHERE folder_id = @f", ct, ("f", folder)));
    }

    [Fact]
    public async Task Embedding_counters_follow_inserts_upserts_and_deletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = "m-" + Guid.NewGuid().ToString("N")[..8];
        var folder = await ScalarAsync("INSERT INTO folders (path) VALUES (@p) RETURNING id", ct, ("p", "/emb/" + Guid.NewGuid().ToString("N")));
        await ExecAsync("INSERT INTO images (folder_id, path, file_name, modified_at) SELECT @f, '/emb/' || @f || '/' || g, g::text, now() FROM generate_series(1, 5) g", ct, ("f", folder));
        const string upsert = """
            INSERT INTO image_embeddings (image_id, model, dimensions, embedding, content_hash)
            SELECT id, @m, 3, '[1,0,0]', 'h' FROM images WHERE folder_id = @f
            ON CONFLICT (image_id, model) DO UPDATE SET content_hash = 'h2'
            """;
        await ExecAsync(upsert, ct, ("m", model), ("f", folder));
        await ExecAsync(upsert, ct, ("m", model), ("f", folder)); // all conflicts: updates, no new rows
        Assert.Equal(5, await ScalarAsync("SELECT embeddings FROM embedding_counts WHERE model = @m", ct, ("m", model)));
        await ExecAsync("DELETE FROM images WHERE folder_id = @f AND file_name IN ('1', '2')", ct, ("f", folder)); // cascades
        Assert.Equal(3, await ScalarAsync("SELECT embeddings FROM embedding_counts WHERE model = @m", ct, ("m", model)));
    }

    [Fact]
    public async Task Pruning_archives_old_finished_jobs_and_never_touches_unfinished_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = new JobQueue(database.DataSource);
        var kind = "prune-" + Guid.NewGuid().ToString("N")[..8];
        var folder = await ScalarAsync("INSERT INTO folders (path) VALUES (@p) RETURNING id", ct, ("p", "/jobs/" + Guid.NewGuid().ToString("N")));
        // Old jobs in every state (finished an hour ago), and a fresh finished one.
        await ExecAsync(
            """
            INSERT INTO jobs (kind, state, folder_id, completed_at, updated_at)
            SELECT @k, s, @f, CASE WHEN s = 'Done' THEN now() - interval '1 hour' END, now() - interval '1 hour'
            FROM unnest(ARRAY['Done', 'Done', 'Done', 'Cancelled', 'Queued', 'Running', 'Parked']) s
            """,
            ct,
            ("k", kind),
            ("f", folder));
        await ExecAsync("INSERT INTO jobs (kind, state, folder_id, completed_at) VALUES (@k, 'Done', @f, now())", ct, ("k", kind), ("f", folder));

        // Batches of 2 until nothing old is left: 3 Done + 1 Cancelled go.
        var pruned = 0;
        int batch;
        do
        {
            batch = await queue.PruneFinishedAsync(DateTimeOffset.UtcNow.AddMinutes(-30), 2, ct);
            pruned += batch;
        }
        while (batch == 2);

        Assert.Equal(4, pruned);
        Assert.Equal(4, await ScalarAsync("SELECT count(*) FROM jobs WHERE kind = @k", ct, ("k", kind)));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM jobs WHERE kind = @k AND state = 'Done'", ct, ("k", kind)));
        foreach (var state in new[] { "Queued", "Running", "Parked" })
        {
            Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM jobs WHERE kind = @k AND state = @s", ct, ("k", kind), ("s", state)));
        }

        Assert.Equal(3, await ScalarAsync("SELECT jobs FROM job_archive WHERE folder_id = @f AND kind = @k AND state = 'Done'", ct, ("f", folder), ("k", kind)));
        Assert.Equal(1, await ScalarAsync("SELECT jobs FROM job_archive WHERE folder_id = @f AND kind = @k AND state = 'Cancelled'", ct, ("f", folder), ("k", kind)));
        Assert.Equal(0, await queue.PruneFinishedAsync(DateTimeOffset.UtcNow.AddMinutes(-30), 2, ct));
    }
}
