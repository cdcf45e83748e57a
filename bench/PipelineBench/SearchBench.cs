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

    public static async Task RunAsync(int images, int queriesPerMode)
    {
        var connectionString = await Bench.CreateDatabaseAsync($"bench_search_{images}");
        var random = new Random(42);
        var stopwatch = Stopwatch.StartNew();
        await LoadAsync(connectionString, images, random);
        Console.WriteLine($"loaded {images} images + embeddings and built the HNSW index in {Bench.F(stopwatch.Elapsed.TotalSeconds)} s");

        await using var ollama = await LoopbackOllamaServer.StartAsync();
        var (api, url) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = ollama.Url.ToString(),
        });
        using var apiProcess = api;
        using var http = new HttpClient { BaseAddress = url };

        Console.WriteLine($"| search at {images:N0} images, 768 dims ({queriesPerMode} queries per mode, HTTP + GraphQL) | p50 ms | p95 ms | hits per query |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var mode in new[] { "KEYWORD", "SEMANTIC", "HYBRID" })
        {
            var latencies = new List<double>();
            var hits = new List<double>();
            for (var i = 0; i < queriesPerMode + 20; i++)
            {
                var query = $"{s_adjectives[random.Next(s_adjectives.Length)]} {s_nouns[random.Next(s_nouns.Length)]}";
                var body = new { query = "query($q: String!, $m: SearchMode) { search(query: $q, mode: $m, first: 24) { modeUsed edges { score node { id fileName thumbnailUrl } } } }", variables = new { q = query, m = mode } };
                var sw = Stopwatch.StartNew();
                using var response = await http.PostAsJsonAsync("/graphql", body);
                var json = await response.Content.ReadAsStringAsync();
                sw.Stop();
                if (!json.Contains("\"modeUsed\":\"" + mode + "\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("search did not run as asked: " + json[..Math.Min(300, json.Length)]);
                }

                if (i >= 20)
                {
                    latencies.Add(sw.Elapsed.TotalMilliseconds);
                    hits.Add(CountOccurrences(json, "\"fileName\""));
                }
            }

            Console.WriteLine($"| {mode.ToLowerInvariant()} | {Bench.F(Bench.Percentile(latencies, 0.5))} | {Bench.F(Bench.Percentile(latencies, 0.95))} | {Bench.F(hits.Average())} |");
        }

        api.Kill(entireProcessTree: true);
        Console.WriteLine($"recall@10 of HNSW (ef_search 100) vs exact scan over 100 queries: {Bench.F(await RecallAsync(connectionString, random), "0.000")}");
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
        await using (var folder = new NpgsqlCommand("INSERT INTO folders (path) VALUES ('/bench') RETURNING id; DROP INDEX IF EXISTS ix_image_embeddings_hnsw_768;", connection))
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
