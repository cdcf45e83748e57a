using System.Diagnostics;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// Does the pipeline keep the model busy? Ollama (loopback) answers every request in a fixed 200 ms; with
/// P requests allowed in flight, a saturated pipeline completes P / 0.2 s requests per second.
/// </summary>
internal static class SaturationBench
{
    public static async Task RunAsync(int images, int[] concurrencies)
    {
        var source = Path.Combine(Path.GetTempPath(), "bench-small-" + images);
        if (!Directory.Exists(source) || Directory.GetFiles(source, "*.jpg").Length != images)
        {
            Directory.CreateDirectory(source);
            TestImageFactory.CreateMany(source, images, 640, 480);
        }

        await using var ollama = await LoopbackOllamaServer.StartAsync();
        ollama.Latency = TimeSpan.FromMilliseconds(200);
        Console.WriteLine($"| Ollama concurrency P (200 ms per request, {images} images) | requests/s | ideal P/0.2 s | busy | max in flight seen |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var p in concurrencies)
        {
            ollama.ResetCounters();
            var connectionString = await Bench.CreateDatabaseAsync($"bench_saturation_{p}");
            var thumbnails = Directory.CreateTempSubdirectory("bench-thumbs-").FullName;
            long folderId;
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var insert = new NpgsqlCommand("INSERT INTO folders (path) VALUES (@p) RETURNING id", connection);
                insert.Parameters.AddWithValue("p", source);
                folderId = (long)(await insert.ExecuteScalarAsync())!;
            }

            var (serviceProcess, _) = await Bench.StartServiceAsync("ImageTagger.Processing", new Dictionary<string, string>
            {
                ["ConnectionStrings__imagetagger"] = connectionString,
                    ["Ollama__Url"] = ollama.Url.ToString(),
                ["Ollama__VisionModel"] = "llava:7b",
                ["Ollama__MaxConcurrency"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Processing__AiConcurrency"] = (2 * p).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Processing__PollInterval"] = "00:00:00.200",
                ["Processing__RescanInterval"] = "00:00:00",
                ["Processing__WatchFolders"] = "false",
                ["Storage__ThumbnailRoot"] = thumbnails,
            });
            using var service = serviceProcess;
            await new ImageTagger.Catalog.Jobs.JobQueue(NpgsqlDataSource.Create(connectionString)).EnqueueAsync(ImageTagger.Catalog.Jobs.NewJob.ScanFolder(folderId));
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                var stopwatch = Stopwatch.StartNew();
                while (stopwatch.Elapsed < TimeSpan.FromMinutes(10))
                {
                    await using var done = new NpgsqlCommand("SELECT count(*) FROM images WHERE status = 'Done'", connection);
                    if ((long)(await done.ExecuteScalarAsync())! >= images)
                    {
                        break;
                    }

                    await Task.Delay(100);
                }

                // The AI window: from the first describe starting to the last embed finishing.
                await using var window = new NpgsqlCommand(
                    "SELECT extract(epoch FROM max(completed_at) - min(started_at)) FROM jobs WHERE kind IN ('describe', 'embed')",
                    connection);
                var seconds = Convert.ToDouble(await window.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
                var requests = ollama.RequestCount(LoopbackEndpoint.Chat) + ollama.RequestCount(LoopbackEndpoint.Embed);
                var rate = requests / seconds;
                var ideal = p / 0.2;
                Console.WriteLine($"| {p} | {Bench.F(rate)} | {Bench.F(ideal)} | {Bench.F(100 * rate / ideal, "0")} % | {ollama.MaxConcurrentObserved} |");
            }

            service.Kill(entireProcessTree: true);
            Directory.Delete(thumbnails, true);
        }
    }
}
