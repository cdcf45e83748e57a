using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport.Ollama;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.Npgsql;

namespace PipelineBench;

/// <summary>
/// Loads a generated library of N images for <see cref="MillionBench"/>: 100 folders (1 % each), two noun tags from the
/// description plus one of 100 album tags (1 % each), 90 % with a capture time, 768-d embeddings of the descriptions
/// (the loopback Ollama's embedder, so query embeddings live in the same space), then both HNSW indexes. COPY
/// throughout; the per-row tag trigger is bypassed (tag text is written with the image) and the counters recounted.
/// Timings are kept in <c>bench_meta</c> so a rerun on the same data can print them again.
/// </summary>
internal static class MillionLoad
{
    public static readonly string[] Nouns = ["dog", "cat", "bicycle", "car", "beach", "mountain", "forest", "lake", "city", "street", "bridge", "train", "boat", "flower", "bird", "horse", "castle", "market", "garden", "snow", "desert", "river", "child", "woman", "man", "guitar", "coffee", "pizza", "sunset", "church"];
    public static readonly string[] Adjectives = ["red", "blue", "old", "small", "large", "bright", "dark", "busy", "quiet", "snowy", "sunny", "wet", "green", "golden", "wooden"];
    public static readonly string[] Places = ["in the morning", "at night", "in the rain", "under a clear sky", "near the water", "in a park", "on a hill", "in the old town"];
    public const int Folders = 100;
    public const int Albums = 100;
    /// <summary>The app's index (half precision since issue 20's measurements).</summary>
    public static readonly string HalfIndex = EmbeddingIndex.IndexName(768);

    public static async Task<Dictionary<string, string>> EnsureAsync(string database, int images)
    {
        var connectionString = Bench.ConnectionString(database);
        var meta = await ReadMetaAsync(connectionString);
        if (meta.TryGetValue("images", out var loaded) && loaded == images.ToString(CultureInfo.InvariantCulture) && meta.ContainsKey("halfvec_build_s"))
        {
            Console.WriteLine($"reusing {database} ({images:N0} images, loaded {meta.GetValueOrDefault("loaded_at")})");

            // A reused database still gets this build's migrations (e.g. a new one since it was loaded), as a user's
            // library would on upgrading: what that took is kept when it was more than a moment.
            var upgrade = Stopwatch.StartNew();
            await Bench.MigrateAsync(connectionString);
            if (upgrade.Elapsed > TimeSpan.FromSeconds(10))
            {
                meta["last_upgrade_s"] = Bench.F(upgrade.Elapsed.TotalSeconds);
                meta["last_upgrade_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
                await using var metaConnection = new NpgsqlConnection(connectionString);
                await metaConnection.OpenAsync();
                await WriteMetaAsync(metaConnection, meta);
            }

            await EnsureOfflineTextAsync(connectionString, meta);
            return meta;
        }

        connectionString = await Bench.CreateDatabaseAsync(database);
        meta = new Dictionary<string, string>();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using var connection = await dataSource.OpenConnectionAsync();
        await ExecAsync(connection, "DROP INDEX IF EXISTS " + EmbeddingIndex.IndexName(768));
        var random = new Random(42);
        var stopwatch = Stopwatch.StartNew();
        var folderIds = new long[Folders];
        for (var f = 0; f < Folders; f++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO folders (path, image_count) VALUES (@p, 0) RETURNING id", connection);
            insert.Parameters.AddWithValue("p", $"/bench/f{f:D3}");
            folderIds[f] = (long)(await insert.ExecuteScalarAsync())!;
        }

        var tagIds = new Dictionary<string, long>();
        foreach (var name in Nouns.Concat(Enumerable.Range(0, Albums).Select(a => $"album{a:D2}")))
        {
            await using var insert = new NpgsqlCommand("INSERT INTO tags (name, normalized_name) VALUES (@n, @n) RETURNING id", connection);
            insert.Parameters.AddWithValue("n", name);
            tagIds[name] = (long)(await insert.ExecuteScalarAsync())!;
        }

        var descriptions = new string[images];
        var imageTags = new (int Noun, int Other, int Album)[images];
        var start = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var writer = await connection.BeginTextImportAsync("COPY images (folder_id, path, file_name, size_bytes, modified_at, taken_at, format, description, tag_text, status) FROM STDIN"))
        {
            for (var i = 0; i < images; i++)
            {
                var noun = random.Next(Nouns.Length);
                var other = random.Next(Nouns.Length);
                var album = random.Next(Albums);
                var folder = random.Next(Folders);
                imageTags[i] = (noun, other, album);
                descriptions[i] = $"A {Adjectives[random.Next(Adjectives.Length)]} {Nouns[noun]} next to a {Adjectives[random.Next(Adjectives.Length)]} {Nouns[other]} {Places[random.Next(Places.Length)]}";
                var taken = random.Next(10) == 0 ? "\\N" : start.AddMinutes(random.Next(5_000_000)).ToString("yyyy-MM-dd HH:mm:ssK", CultureInfo.InvariantCulture);
                var tagText = string.Join(' ', new[] { Nouns[noun], Nouns[other], $"album{album:D2}" }.Distinct().Order(StringComparer.Ordinal));
                await writer.WriteLineAsync($"{folderIds[folder]}\t/bench/f{folder:D3}/img_{i:D7}.jpg\timg_{i:D7}.jpg\t{1_000_000 + random.Next(7_000_000)}\t2026-01-01 00:00:00+00\t{taken}\tjpeg\t{descriptions[i]}\t{tagText}\tDone");
            }
        }

        long firstId;
        await using (var min = new NpgsqlCommand("SELECT min(id) FROM images", connection))
        {
            firstId = (long)(await min.ExecuteScalarAsync())!;
        }

        meta["images_copy_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        stopwatch.Restart();
        // The per-row trigger would rewrite each image's tag text (already written above) three times.
        await ExecAsync(connection, "SET session_replication_role = replica");
        await using (var writer = await connection.BeginBinaryImportAsync("COPY image_tags (image_id, tag_id, source) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < images; i++)
            {
                var (noun, other, album) = imageTags[i];
                foreach (var tag in new[] { Nouns[noun], Nouns[other], $"album{album:D2}" }.Distinct())
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(firstId + i, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(tagIds[tag], NpgsqlDbType.Bigint);
                    await writer.WriteAsync("Model", NpgsqlDbType.Text);
                }
            }

            await writer.CompleteAsync();
        }

        await ExecAsync(connection, "SET session_replication_role = origin; UPDATE tags t SET usage_count = (SELECT count(*) FROM image_tags it WHERE it.tag_id = t.id)");
        meta["tags_copy_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        stopwatch.Restart();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY image_embeddings (image_id, model, dimensions, embedding, content_hash) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < images; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(firstId + i, NpgsqlDbType.Bigint);
                await writer.WriteAsync("nomic-embed-text", NpgsqlDbType.Text);
                await writer.WriteAsync(768, NpgsqlDbType.Integer);
                await writer.WriteAsync(Half(DeterministicEmbedder.Embed("search_document: " + descriptions[i], 768)));
                await writer.WriteAsync("b", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        await ExecAsync(connection, "UPDATE folders f SET image_count = (SELECT count(*) FROM images i WHERE i.folder_id = f.id); SELECT recount_catalog();");
        foreach (var table in new[] { "images", "image_tags", "image_embeddings", "tags", "folders" })
        {
            await ExecAsync(connection, "VACUUM ANALYZE " + table);
        }

        meta["embeddings_copy_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        await ExecAsync(connection, "SET maintenance_work_mem = '6GB'");
        stopwatch.Restart();
        await EmbeddingIndex.EnsureAsync(connection, 768);
        meta["halfvec_build_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        meta["images"] = images.ToString(CultureInfo.InvariantCulture);
        meta["loaded_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        await ExecAsync(connection, "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)");
        await WriteMetaAsync(connection, meta);
        await EnsureOfflineTextAsync(connectionString, meta);
        Console.WriteLine($"loaded {database}: " + string.Join(", ", meta.Select(p => $"{p.Key}={p.Value}")));
        return meta;
    }

    /// <summary>
    /// The offline text model's vectors (MiniLM, 384-d), so the Api with that model on runs a real second semantic
    /// search. Real MiniLM vectors of each image's tags ("album07, cat, dog": about 46,000 distinct texts), not of its
    /// whole offline text (OCR, names, description), which would take an hour to embed for a million images on two
    /// cores. Added to a database loaded before this step existed, too.
    /// </summary>
    private static async Task EnsureOfflineTextAsync(string connectionString, Dictionary<string, string> meta)
    {
        if (meta.ContainsKey("minilm_build_s"))
        {
            return;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using var connection = await dataSource.OpenConnectionAsync();
        var stopwatch = Stopwatch.StartNew();
        var rows = new List<(long Id, string Text)>();
        await using (var read = new NpgsqlCommand("SELECT id, replace(tag_text, ' ', ', ') FROM images ORDER BY id", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using (var models = new OfflineModels(new OfflineAiOptions()))
        using (var embedder = new MiniLmTextEmbedder(models))
        {
            foreach (var batch in rows.Select(r => r.Text).Distinct(StringComparer.Ordinal).Chunk(64))
            {
                var embedded = await embedder.EmbedAsync(batch, CancellationToken.None);
                for (var i = 0; i < batch.Length; i++)
                {
                    vectors[batch[i]] = embedded[i];
                }
            }
        }

        meta["minilm_embed_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        stopwatch.Restart();

        // Rows go in without the index, which is then built once (kept up row by row, a million inserts take hours).
        await ExecAsync(connection, $"DELETE FROM image_embeddings WHERE model = '{OfflineEmbeddingModels.Text}'; DROP INDEX IF EXISTS {EmbeddingIndex.IndexName(OfflineEmbeddingModels.TextDimensions)}");
        await using (var writer = await connection.BeginBinaryImportAsync("COPY image_embeddings (image_id, model, dimensions, embedding, content_hash) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, text) in rows)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                await writer.WriteAsync(OfflineEmbeddingModels.Text, NpgsqlDbType.Text);
                await writer.WriteAsync(OfflineEmbeddingModels.TextDimensions, NpgsqlDbType.Integer);
                await writer.WriteAsync(Half(vectors[text]));
                await writer.WriteAsync("t", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        await ExecAsync(connection, "VACUUM ANALYZE image_embeddings");
        meta["minilm_copy_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        stopwatch.Restart();
        await ExecAsync(connection, "SET maintenance_work_mem = '6GB'");
        await EmbeddingIndex.EnsureAsync(connection, OfflineEmbeddingModels.TextDimensions);
        meta["minilm_build_s"] = Bench.F(stopwatch.Elapsed.TotalSeconds);
        await WriteMetaAsync(connection, meta);
        Console.WriteLine($"offline text vectors: {rows.Count:N0} images, {vectors.Count:N0} distinct texts; embed {meta["minilm_embed_s"]} s, copy {meta["minilm_copy_s"]} s, HNSW {meta["minilm_build_s"]} s");
    }

    /// <summary>As the column stores it (binary COPY takes no cast).</summary>
    private static HalfVector Half(float[] vector) => new(Array.ConvertAll(vector, f => (Half)f));

    private static async Task WriteMetaAsync(NpgsqlConnection connection, Dictionary<string, string> meta)
    {
        foreach (var (key, value) in meta)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO bench_meta VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", connection);
            insert.Parameters.AddWithValue("k", key);
            insert.Parameters.AddWithValue("v", value);
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<Dictionary<string, string>> ReadMetaAsync(string connectionString)
    {
        var meta = new Dictionary<string, string>();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT key, value FROM bench_meta", connection);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                meta[reader.GetString(0)] = reader.GetString(1);
            }
        }
        catch (PostgresException)
        {
            // No such database or table yet: load.
        }

        return meta;
    }

    public static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
