using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// Search latency end to end (HTTP + GraphQL + SQL) at N images with 768-dimension embeddings, per mode,
/// and the recall@10 of the HNSW index against an exact scan.
/// </summary>
internal static class SearchBench
{
    private static readonly string[] s_nouns = ["dog", "cat", "bicycle", "car", "beach", "mountain", "forest", "lake", "city", "street", "bridge", "train", "boat", "flower", "bird", "horse", "castle", "market", "garden", "snow", "desert", "river", "child", "woman", "man", "guitar", "coffee", "pizza", "sunset", "church"];
    private static readonly string[] s_adjectives = ["red", "blue", "old", "small", "large", "bright", "dark", "busy", "quiet", "snowy", "sunny", "wet", "green", "golden", "wooden"];
    private static readonly string[] s_places = ["in the morning", "at night", "in the rain", "under a clear sky", "near the water", "in a park", "on a hill", "in the old town"];

    /// <summary>
    /// A second build of the Api to time side by side (a folder holding ImageTagger.Api.dll, e.g. a clone of main built
    /// in Release): each query goes to both, alternating which goes first, so machine noise hits both alike.
    /// </summary>
    public const string BaselineSetting = "BENCH_BASELINE_SERVICE_DIR";

    public static async Task RunAsync(int images, int queriesPerMode)
    {
        var name = $"bench_search_{images}";
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(42);
        string connectionString;
        if (Environment.GetEnvironmentVariable("BENCH_SEARCH_REUSE") == "1" && await CountImagesAsync(name) == images)
        {
            // The same generated data as a previous run (loading takes minutes): only the timing is repeated.
            connectionString = Bench.ConnectionString(name);
            Console.WriteLine($"reusing {name} ({images} images)");
        }
        else
        {
            connectionString = await Bench.CreateDatabaseAsync(name);
            await LoadAsync(connectionString, images, random);
            Console.WriteLine($"loaded {images} images + embeddings and built the HNSW index in {Bench.F(stopwatch.Elapsed.TotalSeconds)} s");
        }

        await using var ollama = await LoopbackOllamaServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = ollama.Url.ToString(),
        };
        var (api, url) = await Bench.StartServiceAsync("ImageTagger.Api", environment);
        using var apiProcess = api;
        using var http = new HttpClient { BaseAddress = url };
        var baselineDir = Environment.GetEnvironmentVariable(BaselineSetting);
        Process? baselineProcess = null;
        HttpClient? baseline = null;
        if (!string.IsNullOrEmpty(baselineDir))
        {
            var (process, baselineUrl) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>(environment) { [Bench.ServiceDirSetting] = baselineDir });
            baselineProcess = process;
            baseline = new HttpClient { BaseAddress = baselineUrl };
        }

        Console.WriteLine(baseline is null
            ? $"| search at {images:N0} images, 768 dims ({queriesPerMode} queries per mode, HTTP + GraphQL) | p50 ms | p95 ms | hits per query |"
            : $"| search at {images:N0} images, 768 dims ({queriesPerMode} queries per mode, HTTP + GraphQL, interleaved) | p50 ms | p95 ms | baseline p50 ms | baseline p95 ms | p50 ratio | hits per query |");
        Console.WriteLine(baseline is null ? "|---|---|---|---|" : "|---|---|---|---|---|---|---|");
        foreach (var mode in new[] { "KEYWORD", "SEMANTIC", "HYBRID" })
        {
            var latencies = new List<double>();
            var baselineLatencies = new List<double>();
            var hits = new List<double>();
            for (var i = 0; i < queriesPerMode + 20; i++)
            {
                var query = $"{s_adjectives[random.Next(s_adjectives.Length)]} {s_nouns[random.Next(s_nouns.Length)]}";
                var body = new { query = "query($q: String!, $m: SearchMode) { search(query: $q, mode: $m, first: 24) { modeUsed edges { score node { id fileName thumbnailUrl } } } }", variables = new { q = query, m = mode } };
                var baselineFirst = baseline is not null && i % 2 == 1;
                var baselineMs = baselineFirst ? await TimeQueryAsync(baseline!, body, mode) : 0;
                var (ms, json) = await TimeQueryWithAnswerAsync(http, body, mode);
                if (baseline is not null && !baselineFirst)
                {
                    baselineMs = await TimeQueryAsync(baseline, body, mode);
                }

                if (i >= 20)
                {
                    latencies.Add(ms);
                    baselineLatencies.Add(baselineMs);
                    hits.Add(CountOccurrences(json, "\"fileName\""));
                }
            }

            Console.WriteLine(baseline is null
                ? $"| {mode.ToLowerInvariant()} | {Bench.F(Bench.Percentile(latencies, 0.5))} | {Bench.F(Bench.Percentile(latencies, 0.95))} | {Bench.F(hits.Average())} |"
                : $"| {mode.ToLowerInvariant()} | {Bench.F(Bench.Percentile(latencies, 0.5))} | {Bench.F(Bench.Percentile(latencies, 0.95))} | {Bench.F(Bench.Percentile(baselineLatencies, 0.5))} | {Bench.F(Bench.Percentile(baselineLatencies, 0.95))} | {Bench.F(Bench.Percentile(latencies, 0.5) / Bench.Percentile(baselineLatencies, 0.5), "0.00")} | {Bench.F(hits.Average())} |");
        }

        api.Kill(entireProcessTree: true);
        baselineProcess?.Kill(entireProcessTree: true);
        baselineProcess?.Dispose();
        baseline?.Dispose();
        Console.WriteLine($"recall@10 of HNSW (ef_search 100) vs exact scan over 100 queries: {Bench.F(await RecallAsync(connectionString, random), "0.000")}");
    }

    private static async Task<double> TimeQueryAsync(HttpClient http, object body, string mode) => (await TimeQueryWithAnswerAsync(http, body, mode)).Milliseconds;

    private static async Task<(double Milliseconds, string Json)> TimeQueryWithAnswerAsync(HttpClient http, object body, string mode)
    {
        var sw = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/graphql", body);
        var json = await response.Content.ReadAsStringAsync();
        sw.Stop();
        if (!json.Contains("\"modeUsed\":\"" + mode + "\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("search did not run as asked: " + json[..Math.Min(300, json.Length)]);
        }

        return (sw.Elapsed.TotalMilliseconds, json);
    }

    private static async Task<long> CountImagesAsync(string database)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Bench.ConnectionString(database));
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM image_embeddings", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return -1; // no such database (yet)
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task LoadAsync(string connectionString, int images, Random random)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long folderId;
        await using (var folder = new NpgsqlCommand("INSERT INTO folders (path) VALUES ('/bench') RETURNING id; DROP INDEX IF EXISTS " + EmbeddingIndex.IndexName(768), connection))
        {
            folderId = (long)(await folder.ExecuteScalarAsync())!;
        }

        var descriptions = new string[images];
        await using (var writer = await connection.BeginTextImportAsync("COPY images (folder_id, path, file_name, modified_at, description, tag_text, status) FROM STDIN"))
        {
            for (var i = 0; i < images; i++)
            {
                var noun = s_nouns[random.Next(s_nouns.Length)];
                var other = s_nouns[random.Next(s_nouns.Length)];
                descriptions[i] = $"A {s_adjectives[random.Next(s_adjectives.Length)]} {noun} next to a {s_adjectives[random.Next(s_adjectives.Length)]} {other} {s_places[random.Next(s_places.Length)]}";
                await writer.WriteLineAsync($"{folderId}\t/bench/img_{i:D6}.jpg\timg_{i:D6}.jpg\t2026-01-01 00:00:00+00\t{descriptions[i]}\t{noun} {other}\tDone");
            }
        }

        long firstId;
        await using (var min = new NpgsqlCommand("SELECT min(id) FROM images", connection))
        {
            firstId = (long)(await min.ExecuteScalarAsync())!;
        }

        await using (var writer = await connection.BeginTextImportAsync("COPY image_embeddings (image_id, model, dimensions, embedding, content_hash) FROM STDIN"))
        {
            var line = new StringBuilder(10_000);
            for (var i = 0; i < images; i++)
            {
                var vector = DeterministicEmbedder.Embed("search_document: " + descriptions[i], 768);
                line.Clear().Append(firstId + i).Append("\tnomic-embed-text\t768\t[");
                for (var d = 0; d < vector.Length; d++)
                {
                    line.Append(d == 0 ? "" : ",").Append(vector[d].ToString("0.#####", CultureInfo.InvariantCulture));
                }

                await writer.WriteLineAsync(line.Append("]\tb").ToString());
            }
        }

        await using (var index = new NpgsqlCommand("SET maintenance_work_mem = '1GB'; ANALYZE images; ANALYZE image_embeddings;", connection))
        {
            await index.ExecuteNonQueryAsync();
        }

        await EmbeddingIndex.EnsureAsync(connection, 768);
    }

    private static async Task<double> RecallAsync(string connectionString, Random random)
    {
        await using var provider = ImageTagger.TestSupport.Postgres.CatalogServices.Build(connectionString);
        var store = provider.GetRequiredService<EmbeddingStore>();
        var recall = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var query = DeterministicEmbedder.Embed($"search_query: {s_adjectives[random.Next(s_adjectives.Length)]} {s_nouns[random.Next(s_nouns.Length)]} {s_places[random.Next(s_places.Length)]}", 768);
            var exact = (await store.NearestAsync(query, "nomic-embed-text", 10, exact: true)).Select(h => h.ImageId).ToHashSet();
            var approximate = await store.NearestAsync(query, "nomic-embed-text", 10);
            recall.Add(approximate.Count(h => exact.Contains(h.ImageId)) / 10.0);
        }

        return recall.Average();
    }
}
