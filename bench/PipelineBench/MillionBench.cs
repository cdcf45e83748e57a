using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport.Ollama;
using Npgsql;
using Pgvector;
using Pgvector.Npgsql;

namespace PipelineBench;

/// <summary>
/// A library of a million images (issue 20): for each size, loads (or reuses) the generated library, then measures
/// gallery pages (OFFSET before, keyset after), counts (count(*) before, kept counters after), dashboard queries,
/// search over HTTP + GraphQL, filtered semantic search with and without pgvector's iterative index scans,
/// vector(768) against halfvec(768), job pruning, the rescan's bookkeeping and the Api's memory. Prints one table with
/// the sizes side by side and appends it to bench/RESULTS.md.
/// </summary>
internal static class MillionBench
{
    private sealed class Results
    {
        public List<string> Order { get; } = [];
        public Dictionary<(string Metric, int Size), string> Values { get; } = [];

        public void Add(string metric, int size, string value)
        {
            if (!Order.Contains(metric))
            {
                Order.Add(metric);
            }

            Values[(metric, size)] = value;
            Console.WriteLine($"  [{size:N0}] {metric}: {value}");
        }
    }

    public static async Task RunAsync(int[] sizes, int queries, bool loadOnly)
    {
        var metas = new Dictionary<int, Dictionary<string, string>>();
        foreach (var size in sizes)
        {
            metas[size] = await MillionLoad.EnsureAsync($"bench_million_{size}", size);
        }

        if (loadOnly)
        {
            return;
        }

        var results = new Results();
        var started = DateTime.UtcNow;
        foreach (var size in sizes)
        {
            Console.WriteLine($"measuring {size:N0} images ...");
            await MeasureAsync(Bench.ConnectionString($"bench_million_{size}"), size, metas[size], queries, results);
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| measure ({queries} timed requests per row unless noted; ms = p50 / p95) | {string.Join(" | ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture) + " images"))} |");
        table.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")));
        foreach (var metric in results.Order)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {metric} | {string.Join(" | ", sizes.Select(s => results.Values.GetValueOrDefault((metric, s), "–")))} |");
        }

        Console.WriteLine();
        Console.WriteLine(table);
        var section = new StringBuilder()
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"### `bash bench/run.sh million --sizes {string.Join(',', sizes)} --queries {queries}` — {started:yyyy-MM-dd HH:mm}–{DateTime.UtcNow:HH:mm} UTC")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {Environment.OSVersion}, load average at the start {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; PostgreSQL 15 + pgvector {await ScalarTextAsync(Bench.ConnectionString($"bench_million_{sizes[0]}"), "SELECT extversion FROM pg_extension WHERE extname = 'vector'")} in its own instance (nice 19), bench and Api under nice 19.")
            .AppendLine()
            .Append(table);
        await File.AppendAllTextAsync(Path.Combine(Bench.RepoRoot, "bench", "RESULTS.md"), section.ToString());
    }

    private static async Task MeasureAsync(string connectionString, int size, Dictionary<string, string> meta, int queries, Results results)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        results.Add("load: COPY images / tags / embeddings, s", size, $"{meta["images_copy_s"]} / {meta["tags_copy_s"]} / {meta["embeddings_copy_s"]}");
        results.Add("HNSW halfvec(768) build at load, s; size, MB", size,
            $"{meta["halfvec_build_s"]}; {await ScalarTextAsync(connectionString, $"SELECT pg_relation_size('{MillionLoad.HalfIndex}') / 1000000")}");
        if (meta.TryGetValue("last_upgrade_s", out var upgrade))
        {
            results.Add("upgrade of the loaded database to this build's schema (migrations, then index builds), s", size, $"{upgrade} ({meta["last_upgrade_at"]})");
        }

        results.Add("image_embeddings, MB: table / out-of-line (TOAST) / indexes", size,
            await ScalarTextAsync(connectionString, "SELECT pg_relation_size('image_embeddings') / 1000000 || ' / ' || pg_relation_size(reltoastrelid) / 1000000 || ' / ' || pg_indexes_size('image_embeddings') / 1000000 FROM pg_class WHERE relname = 'image_embeddings'"));
        results.Add("offline text model's vectors (MiniLM 384-d of each image's tags): embed / COPY / halfvec HNSW build, s; index MB", size,
            $"{meta["minilm_embed_s"]} / {meta["minilm_copy_s"]} / {meta["minilm_build_s"]}; {await ScalarTextAsync(connectionString, $"SELECT pg_relation_size('{EmbeddingIndex.IndexName(OfflineEmbeddingModels.TextDimensions)}') / 1000000")}");
        results.Add("database on disk, MB (images table + its indexes)", size,
            $"{await ScalarTextAsync(connectionString, "SELECT pg_database_size(current_database()) / 1000000")} ({await ScalarTextAsync(connectionString, "SELECT pg_total_relation_size('images') / 1000000")})");

        // Before/after at the SQL level, the same statements the old and new code run.
        results.Add("gallery total: count(*) (before)", size, await TimeSqlAsync(dataSource, queries / 4, "SELECT count(*) FROM images WHERE status <> 'Missing'"));
        results.Add("gallery total: kept counters (after)", size, await TimeSqlAsync(dataSource, queries, "SELECT coalesce(sum(images), 0)::bigint FROM image_counts WHERE status <> 'Missing'"));
        results.Add("stats: old count/sum/distinct queries (before)", size, await TimeSqlAsync(dataSource, queries / 4,
            "SELECT (SELECT count(*) FROM images WHERE status <> 'Missing'), (SELECT coalesce(sum(size_bytes), 0)::bigint FROM images WHERE status <> 'Missing'), (SELECT count(DISTINCT image_id) FROM image_embeddings), (SELECT count(*) FROM (SELECT status, count(*) FROM images GROUP BY status) s)"));

        await using var ollama = await LoopbackOllamaServer.StartAsync();
        var (api, url) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = ollama.Url.ToString(),
        });

        // What the offline text model (MiniLM, issue 21) adds to each query: a second Api with it off, asked the same
        // searches in turn with the first, so both see the same caches and the same machine load.
        var (plain, plainUrl) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = ollama.Url.ToString(),
            ["OfflineAi__TextEmbeddings"] = "false",
        });
        using var apiProcess = api;
        using var plainProcess = plain;
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        using var plainHttp = new HttpClient { BaseAddress = plainUrl, Timeout = TimeSpan.FromMinutes(5) };
        try
        {
            await MeasureApiAsync(http, plainHttp, dataSource, connectionString, size, queries, results);
            results.Add("Api resident memory after all requests, MiB (now / peak)", size,
                $"{Bench.F(CurrentMemoryMiB(api.Id), "0")} / {Bench.F(Bench.PeakMemoryMiB(api.Id), "0")}");
        }
        finally
        {
            api.Kill(entireProcessTree: true);
            plain.Kill(entireProcessTree: true);
        }

        await MeasureVectorsAsync(dataSource, connectionString, size, Math.Max(10, queries / 5), results);
        await MeasureBookkeepingAsync(dataSource, size, results);
    }

    private static async Task MeasureApiAsync(HttpClient http, HttpClient plainHttp, NpgsqlDataSource dataSource, string connectionString, int size, int queries, Results results)
    {
        const string gallery = "query($a: String, $o: ImageOrder, $w: ImageFilter) { images(first: 24, after: $a, orderBy: $o, where: $w) { edges { cursor node { id fileName thumbnailUrl } } pageInfo { hasNextPage endCursor } } }";
        const string galleryWithTotal = "query($a: String, $o: ImageOrder, $w: ImageFilter) { images(first: 24, after: $a, orderBy: $o, where: $w) { totalCount edges { cursor node { id fileName thumbnailUrl } } pageInfo { hasNextPage endCursor } } }";
        var half = size / 2;
        var middleId = long.Parse(await ScalarTextAsync(connectionString, $"SELECT id FROM images WHERE status <> 'Missing' ORDER BY id DESC OFFSET {half} LIMIT 1"), CultureInfo.InvariantCulture);
        var middleTaken = await ScalarTextAsync(connectionString, $"SELECT id || '|' || (extract(epoch FROM taken_at) * 1000000)::bigint FROM images WHERE status <> 'Missing' AND taken_at IS NOT NULL ORDER BY taken_at DESC, id DESC OFFSET {half / 2} LIMIT 1");
        var takenParts = middleTaken.Split('|');
        var takenTicks = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks + long.Parse(takenParts[1], CultureInfo.InvariantCulture) * 10;
        var folderId = await ScalarTextAsync(connectionString, "SELECT min(id) FROM folders");

        results.Add("gallery first page, newest, totalCount from counters", size, await TimeGraphQLAsync(http, queries, galleryWithTotal, new { o = "NEWEST" }));
        results.Add($"gallery page at row {half:N0}, OFFSET cursor (before: count + OFFSET)", size, await TimeGraphQLAsync(http, Math.Max(5, queries / 10), galleryWithTotal, new { o = "NEWEST", a = OffsetCursor(half - 1) }));
        results.Add($"gallery page at row {half:N0}, keyset cursor (after)", size, await TimeGraphQLAsync(http, queries, galleryWithTotal, new { o = "NEWEST", a = KeysetCursor("Newest", middleId, "") }));
        results.Add($"gallery by capture time, page at row {half / 2:N0}: OFFSET (before)", size, await TimeGraphQLAsync(http, Math.Max(5, queries / 10), gallery, new { o = "TAKEN_AT", a = OffsetCursor(half / 2 - 1) }));
        results.Add($"gallery by capture time, page at row {half / 2:N0}: keyset (after)", size, await TimeGraphQLAsync(http, queries, gallery, new { o = "TAKEN_AT", a = KeysetCursor("TakenAt", long.Parse(takenParts[0], CultureInfo.InvariantCulture), takenTicks.ToString(CultureInfo.InvariantCulture)) }));
        results.Add("gallery of one folder (1 %), first page + totalCount", size, await TimeGraphQLAsync(http, queries, galleryWithTotal, new { o = "NEWEST", w = new { folderId } }));
        results.Add("gallery of one album tag (1 %), first page + totalCount (exact count)", size, await TimeGraphQLAsync(http, queries, galleryWithTotal, new { o = "NEWEST", w = new { tags = new[] { "album07" } } }));
        results.Add("stats (counters)", size, await TimeGraphQLAsync(http, queries, "{ stats { images tags folders embedded bytes imagesByStatus { status count } } }", new { }));
        results.Add("tagCloud(limit: 100)", size, await TimeGraphQLAsync(http, queries, "{ tagCloud(limit: 100) { name usageCount } }", new { }));
        results.Add("folders with counts", size, await TimeGraphQLAsync(http, queries, "{ folders { id path imageCount } }", new { }));

        // Mid-ingest: every image queued for description (the slow AI stage). Progress and the workers' claims must not
        // count or sort the queue.
        const string progress = "{ processingStatus { done total pending ratePerMinute stages { kind done queued } } }";
        await using (var seed = dataSource.CreateCommand(
            "INSERT INTO jobs (kind, state, image_id, folder_id, dedupe_key) SELECT 'describe', 'Queued', id, folder_id, 'describe:' || id FROM images; ANALYZE jobs;"))
        {
            seed.CommandTimeout = 0;
            await seed.ExecuteNonQueryAsync();
        }

        results.Add($"processingStatus, {size:N0} jobs queued", size, await TimeGraphQLAsync(http, queries, progress, new { }));
        var lanes = new JobQueue(dataSource);
        foreach (var (lane, kinds) in new[] { ("ai", new[] { "describe", "embed" }), ("io", new[] { "scan-folder", "analyze", "writeback", "crawl" }) })
        {
            var claims = new List<double>();
            for (var i = 0; i < queries; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await lanes.ClaimAsync("bench", kinds, 8, TimeSpan.FromMinutes(5));
                claims.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            results.Add($"claim of 8 jobs by the {lane} lane, {size:N0} jobs queued", size, Ms(claims));
        }

        await using (var clear = dataSource.CreateCommand("DELETE FROM jobs WHERE kind = 'describe'"))
        {
            clear.CommandTimeout = 0;
            await clear.ExecuteNonQueryAsync();
        }

        // Progress over a jobs table holding one finished job per image (what an ingest leaves), then after pruning.
        await using (var seed = dataSource.CreateCommand(
            "INSERT INTO jobs (kind, state, image_id, folder_id, completed_at, updated_at) SELECT 'analyze', 'Done', id, folder_id, now() - interval '2 days', now() - interval '2 days' FROM images"))
        {
            seed.CommandTimeout = 0;
            await seed.ExecuteNonQueryAsync();
        }

        await using (var analyze = dataSource.CreateCommand("ANALYZE jobs"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        const string dashboard = "{ stats { images embedded bytes imagesByStatus { status count } } processingStatus { done total pending ratePerMinute stages { kind done queued } } tagCloud(limit: 50) { name usageCount } folders { id imageCount } }";
        results.Add($"processingStatus, {size:N0} finished jobs in the table (before pruning)", size, await TimeGraphQLAsync(http, queries, progress, new { }));
        results.Add("dashboard (stats + progress + tag cloud + folders), jobs not pruned", size, await TimeGraphQLAsync(http, queries, dashboard, new { }));
        var prune = Stopwatch.StartNew();
        var pruned = 0;
        int batch;
        do
        {
            batch = await lanes.PruneFinishedAsync(DateTimeOffset.UtcNow.AddDays(-1), 10_000);
            pruned += batch;
        }
        while (batch == 10_000);

        prune.Stop();
        results.Add("prune finished jobs into the archive (10,000 per statement)", size, $"{pruned:N0} jobs in {Bench.F(prune.Elapsed.TotalSeconds)} s");
        results.Add("processingStatus after pruning (done still counted from the archive)", size, await TimeGraphQLAsync(http, queries, progress, new { }));
        results.Add("dashboard after pruning", size, await TimeGraphQLAsync(http, queries, dashboard, new { }));

        // Search through the Api (query embedding from the loopback Ollama), with what searching reads in memory, as after
        // some use: the HNSW index, the images table and its text index in shared buffers, the embeddings in the OS cache.
        // (Right after a bulk load or a migration that rewrote the table, the first searches read from disk instead.)
        await using (var prewarm = dataSource.CreateCommand(
            """
            CREATE EXTENSION IF NOT EXISTS pg_prewarm;
            SELECT pg_prewarm('ix_image_embeddings_hnsw_768_half'), pg_prewarm('ix_image_embeddings_hnsw_384_half'), pg_prewarm('images'), pg_prewarm('ix_images_search_doc'), pg_prewarm('images_pkey'),
                   pg_prewarm('image_embeddings', 'read'), pg_prewarm((SELECT reltoastrelid FROM pg_class WHERE relname = 'image_embeddings')::regclass, 'read');
            """))
        {
            prewarm.CommandTimeout = 0;
            await prewarm.ExecuteNonQueryAsync();
        }

        await SearchRowsAsync([(http, ""), (plainHttp, ", offline text model off")], size, queries, results);
    }

    /// <summary>
    /// Keyword, semantic and hybrid search through each Api, then semantic with a 1 % tag filter. Each query goes to
    /// every Api in turn (which one first alternates), so a row and its baseline are measured side by side.
    /// </summary>
    private static async Task SearchRowsAsync(IReadOnlyList<(HttpClient Http, string Suffix)> apis, int size, int queries, Results results)
    {
        const string search = "query($q: String!, $m: SearchMode) { search(query: $q, mode: $m, first: 24) { modeUsed edges { score node { id fileName thumbnailUrl } } } }";
        const string filtered = "query($q: String!, $t: [String!]) { search(query: $q, mode: SEMANTIC, tags: $t, first: 24, minScore: 0) { modeUsed edges { node { id } } } }";
        var random = new Random(7);
        foreach (var mode in new[] { "KEYWORD", "SEMANTIC", "HYBRID" })
        {
            var latencies = apis.Select(_ => new List<double>()).ToList();
            for (var i = 0; i < queries + 10; i++)
            {
                var q = $"{MillionLoad.Adjectives[random.Next(MillionLoad.Adjectives.Length)]} {MillionLoad.Nouns[random.Next(MillionLoad.Nouns.Length)]}";
                for (var turn = 0; turn < apis.Count; turn++)
                {
                    var a = (i + turn) % apis.Count;
                    var ms = await TimeOneAsync(apis[a].Http, search, new { q, m = mode });
                    if (i >= 10)
                    {
                        latencies[a].Add(ms);
                    }
                }
            }

            for (var a = 0; a < apis.Count; a++)
            {
                results.Add($"search {mode.ToLowerInvariant()}, 24 hits{apis[a].Suffix}", size, Ms(latencies[a]));
            }
        }

        var filteredHits = apis.Select(_ => new List<double>()).ToList();
        var filteredLatencies = apis.Select(_ => new List<double>()).ToList();
        for (var i = 0; i < queries / 2 + 5; i++)
        {
            var q = $"{MillionLoad.Adjectives[random.Next(MillionLoad.Adjectives.Length)]} {MillionLoad.Nouns[random.Next(MillionLoad.Nouns.Length)]}";
            var tag = $"album{random.Next(MillionLoad.Albums):D2}";
            for (var turn = 0; turn < apis.Count; turn++)
            {
                var a = (i + turn) % apis.Count;
                var (ms, json) = await TimeOneWithAnswerAsync(apis[a].Http, filtered, new { q, t = new[] { tag } });
                if (i >= 5)
                {
                    filteredLatencies[a].Add(ms);
                    filteredHits[a].Add(CountOccurrences(json, "\"id\""));
                }
            }
        }

        for (var a = 0; a < apis.Count; a++)
        {
            results.Add($"search semantic with a 1 % album-tag filter (hits per page of 24){apis[a].Suffix}", size, $"{Ms(filteredLatencies[a])} ({Bench.F(filteredHits[a].Average())})");
        }

        // One common word, as people often search: each noun is in about 6.6 % of the descriptions, so ranking reads
        // eight times the rows of a two-word query. Keyword only (no model involved), so one Api is enough.
        var single = new Random(13);
        var singleLatencies = new List<double>();
        for (var i = 0; i < queries + 10; i++)
        {
            var ms = await TimeOneAsync(apis[0].Http, search, new { q = MillionLoad.Nouns[single.Next(MillionLoad.Nouns.Length)], m = "KEYWORD" });
            if (i >= 10)
            {
                singleLatencies.Add(ms);
            }
        }

        results.Add("search keyword, one common word (about 6.6 % of the library matches)", size, Ms(singleLatencies));
    }

    /// <summary>
    /// The HNSW index against an exact scan of the stored (half-precision) vectors, and filtered semantic search with
    /// and without iterative index scans, at the SQL level. (Full against half precision, for the index and then the
    /// column, was measured in earlier runs: bench/RESULTS.md, issue 20.)
    /// </summary>
    private static async Task MeasureVectorsAsync(NpgsqlDataSource dataSource, string connectionString, int size, int queries, Results results)
    {
        var random = new Random(11);
        var vectors = Enumerable.Range(0, queries).Select(_ => new Vector(DeterministicEmbedder.Embed(
            $"search_query: {MillionLoad.Adjectives[random.Next(MillionLoad.Adjectives.Length)]} {MillionLoad.Nouns[random.Next(MillionLoad.Nouns.Length)]} {MillionLoad.Places[random.Next(MillionLoad.Places.Length)]}", 768))).ToList();
        const string exactSql = "SELECT image_id FROM image_embeddings WHERE dimensions = 768 ORDER BY embedding <=> @v, image_id LIMIT 10";
        const string halfSql = "SELECT image_id FROM image_embeddings WHERE dimensions = 768 ORDER BY embedding::halfvec(768) <=> @v::halfvec(768) LIMIT 10";
        var exact = new List<HashSet<long>>();
        var exactTenth = new List<double>();
        var exactMs = new List<double>();
        foreach (var v in vectors)
        {
            var (ms, ids) = await NearestAsync(dataSource, "SET LOCAL enable_indexscan = off; SET LOCAL max_parallel_workers_per_gather = 0", exactSql, v, null);
            exactMs.Add(ms);
            exact.Add([.. ids]);
            exactTenth.Add((await ExactDistancesAsync(dataSource, v, ids)).Max());
        }

        results.Add($"exact scan, top 10 ({queries} queries)", size, Ms(exactMs));
        foreach (var (name, sql) in new[] { ("halfvec(768)", halfSql) })
        {
            var recall = new List<double>();
            var tieRecall = new List<double>();
            var latencies = new List<double>();
            foreach (var v in vectors)
            {
                await NearestAsync(dataSource, "SET LOCAL hnsw.ef_search = 100", sql, v, null); // warm: the index read from cache
            }

            for (var i = 0; i < vectors.Count; i++)
            {
                var (ms, ids) = await NearestAsync(dataSource, "SET LOCAL hnsw.ef_search = 100", sql, vectors[i], null);
                latencies.Add(ms);
                recall.Add(ids.Count(exact[i].Contains) / 10.0);
                // Many generated descriptions repeat word for word, so the exact top 10 is one pick among equal distances:
                // a hit as near as the exact 10th is as right as the id the exact scan happened to pick.
                var distances = await ExactDistancesAsync(dataSource, vectors[i], ids);
                tieRecall.Add(distances.Count(d => d <= exactTenth[i] + 1e-9) / 10.0);
            }

            results.Add($"HNSW {name}, ef_search 100: recall@10 vs an exact scan (by id / ties counted), latency", size, $"{Bench.F(recall.Average(), "0.000")} / {Bench.F(tieRecall.Average(), "0.000")}, {Ms(latencies)}");
        }

        // A filter keeping ~1 % of the rows: plain HNSW returns what survives among ef_search candidates; iterative scans keep
        // going. Ordered as the app orders (the half-precision index). The first two rows forbid sorts (and seq/bitmap scans), so the HNSW index is the only plan; the third is the app's.
        var folder = long.Parse(await ScalarTextAsync(connectionString, "SELECT min(id) FROM folders"), CultureInfo.InvariantCulture);
        var album = long.Parse(await ScalarTextAsync(connectionString, "SELECT id FROM tags WHERE normalized_name = 'album07'"), CultureInfo.InvariantCulture);
        var filters = new[]
        {
            ("folder", "JOIN images i ON i.id = e.image_id WHERE i.folder_id = @f AND i.status NOT IN ('Missing', 'Duplicate') AND e.dimensions = 768", (object)folder),
            ("album tag", "JOIN images i ON i.id = e.image_id WHERE EXISTS (SELECT 1 FROM image_tags it WHERE it.image_id = e.image_id AND it.tag_id = @f) AND i.status NOT IN ('Missing', 'Duplicate') AND e.dimensions = 768", album),
        };
        foreach (var (name, where, value) in filters)
        {
            var exactFiltered = new List<HashSet<long>>();
            foreach (var v in vectors)
            {
                var (_, ids) = await NearestAsync(dataSource, "SET LOCAL enable_indexscan = off", $"SELECT e.image_id FROM image_embeddings e {where} ORDER BY e.embedding <=> @v, e.image_id LIMIT 24", v, value);
                exactFiltered.Add([.. ids]);
            }

            foreach (var (label, settings) in new[]
            {
                ("plain HNSW (before)", "SET LOCAL hnsw.ef_search = 100; SET LOCAL hnsw.iterative_scan = off; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"),
                ("iterative scan, relaxed order (after)", "SET LOCAL hnsw.ef_search = 100; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"),
                ("planner's choice, iterative on (the app)", "SET LOCAL hnsw.ef_search = 100; SET LOCAL hnsw.iterative_scan = relaxed_order"),
            })
            {
                var recall = new List<double>();
                var hits = new List<double>();
                var latencies = new List<double>();
                for (var i = 0; i < vectors.Count; i++)
                {
                    var (ms, ids) = await NearestAsync(dataSource, settings, $"SELECT e.image_id FROM image_embeddings e {where} ORDER BY e.embedding::halfvec(768) <=> @v::halfvec(768) LIMIT 24", vectors[i], value);
                    latencies.Add(ms);
                    hits.Add(ids.Count);
                    recall.Add(exactFiltered[i].Count == 0 ? 1 : ids.Count(exactFiltered[i].Contains) / (double)exactFiltered[i].Count);
                }

                results.Add($"semantic, 1 % {name} filter, {label}: hits of 24, recall, ms", size, $"{Bench.F(hits.Average())}, {Bench.F(recall.Average(), "0.000")}, {Ms(latencies)}");
            }
        }
    }

    /// <summary>What a rescan's bookkeeping costs: reading the known rows of every folder, as FolderScanner does per folder.</summary>
    private static async Task MeasureBookkeepingAsync(NpgsqlDataSource dataSource, int size, Results results)
    {
        var folders = new List<long>();
        await using (var list = dataSource.CreateCommand("SELECT id FROM folders ORDER BY id"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                folders.Add(reader.GetInt64(0));
            }
        }

        var stopwatch = Stopwatch.StartNew();
        var rows = 0;
        foreach (var folder in folders)
        {
            var known = new Dictionary<string, (long Id, long Size, DateTimeOffset Modified, string Status)>(StringComparer.Ordinal);
            await using var read = dataSource.CreateCommand("SELECT id, path, size_bytes, modified_at, status FROM images WHERE folder_id = @id AND (@paths::text[] IS NULL OR path = ANY(@paths))");
            read.Parameters.AddWithValue("id", folder);
            read.Parameters.Add(new NpgsqlParameter("paths", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                known[reader.GetString(1)] = (reader.GetInt64(0), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4));
                rows++;
            }
        }

        results.Add("rescan bookkeeping: known rows of all folders read as FolderScanner does, s", size, $"{Bench.F(stopwatch.Elapsed.TotalSeconds, "0.00")} ({rows:N0} rows, {folders.Count} folders)");
    }

    private static async Task<(double Ms, List<long> Ids)> NearestAsync(NpgsqlDataSource dataSource, string settings, string sql, Vector vector, object? filter)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand(settings, connection, transaction))
        {
            await set.ExecuteNonQueryAsync();
        }

        var stopwatch = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("v", vector);
        if (filter is not null)
        {
            command.Parameters.AddWithValue("f", filter);
        }

        var ids = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var ms = stopwatch.Elapsed.TotalMilliseconds;
        await transaction.CommitAsync();
        return (ms, ids);
    }

    /// <summary>Full-precision cosine distances of <paramref name="ids"/> to <paramref name="vector"/>.</summary>
    private static async Task<List<double>> ExactDistancesAsync(NpgsqlDataSource dataSource, Vector vector, List<long> ids)
    {
        await using var command = dataSource.CreateCommand("SELECT embedding <=> @v FROM image_embeddings WHERE dimensions = 768 AND image_id = ANY(@ids)");
        command.Parameters.AddWithValue("v", vector);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var distances = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            distances.Add(reader.GetDouble(0));
        }

        return distances;
    }

    private static string OffsetCursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("arrayconnection:" + offset.ToString(CultureInfo.InvariantCulture)));

    // The Api's keyset cursor format (ImageCursor), built here from SQL so the bench can start at any depth.
    private static string KeysetCursor(string order, long id, string value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"k1|{order}|{id.ToString(CultureInfo.InvariantCulture)}|{value}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<string> TimeSqlAsync(NpgsqlDataSource dataSource, int runs, string sql)
    {
        var latencies = new List<double>();
        for (var i = 0; i < Math.Max(3, runs) + 2; i++)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.CommandTimeout = 0;
            var stopwatch = Stopwatch.StartNew();
            await command.ExecuteScalarAsync();
            if (i >= 2)
            {
                latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return Ms(latencies);
    }

    private static async Task<string> TimeGraphQLAsync(HttpClient http, int runs, string query, object variables)
    {
        var latencies = new List<double>();
        for (var i = 0; i < Math.Max(3, runs) + 2; i++)
        {
            var ms = await TimeOneAsync(http, query, variables);
            if (i >= 2)
            {
                latencies.Add(ms);
            }
        }

        return Ms(latencies);
    }

    private static async Task<double> TimeOneAsync(HttpClient http, string query, object variables) => (await TimeOneWithAnswerAsync(http, query, variables)).Ms;

    private static async Task<(double Ms, string Json)> TimeOneWithAnswerAsync(HttpClient http, string query, object variables)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        var json = await response.Content.ReadAsStringAsync();
        stopwatch.Stop();
        if (json.Contains("\"errors\"", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("GraphQL request failed: " + json[..Math.Min(400, json.Length)]);
        }

        return (stopwatch.Elapsed.TotalMilliseconds, json);
    }

    private static string Ms(IReadOnlyList<double> latencies) => $"{Bench.F(Bench.Percentile(latencies, 0.5))} / {Bench.F(Bench.Percentile(latencies, 0.95))} ms";

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static double CurrentMemoryMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task<string> ScalarTextAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }
}
