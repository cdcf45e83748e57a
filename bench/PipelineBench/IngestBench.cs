using System.Diagnostics;
using System.Globalization;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// Ingest throughput for N 12-megapixel JPEGs: our pipeline (scan → analyze → describe → embed →
/// write-back, loopback Ollama answering instantly) vs the classic pipeline (Pillow thumbnails + one
/// exiftool process per file) vs the vipsthumbnail CLI alone (a floor for decode + thumbnail).
/// </summary>
internal static class IngestBench
{
    private static int s_databases;

    public static async Task RunAsync(int images, int runs, bool oursOnly = false)
    {
        await using var ollama = await LoopbackOllamaServer.StartAsync();
        await RunCorpusAsync("12 MP camera photos", PhotoCorpus(images), ollama, runs, oursOnly);
        await RunCorpusAsync("12 MP gaussian noise (worst case for JPEG decoding)", NoiseCorpus(images), ollama, runs, oursOnly);
    }

    /// <summary>Distinct variants of a real 12 MP camera photo (Olympus E-P3, 4032×3024, ~2.9 MB, with its EXIF).</summary>
    private static string PhotoCorpus(int images)
    {
        var source = Path.Combine(Path.GetTempPath(), "bench-photo-" + images);
        if (!Directory.Exists(source) || Directory.GetFiles(source, "*.jpg").Length != images)
        {
            Directory.CreateDirectory(source);
            Console.WriteLine($"generating {images} 12 MP photo variants in {source} ...");
            var photo = SampleImages.Path("jpg", "tests", "42_IndexError.jpg");
            for (var i = 0; i < images; i++)
            {
                // A small brightness gain and offset per copy: every file's pixels and checksum differ (no duplicate
                // detection or cache can help), the content statistics stay those of a photo.
                var gain = (1 + (i / 20 * 0.01)).ToString("0.00", CultureInfo.InvariantCulture);
                VipsCli.Run("linear", photo, Path.Combine(source, $"photo_{i:D4}.jpg[Q=92]"), gain, (i % 20).ToString(CultureInfo.InvariantCulture), "--uchar");
            }
        }

        var distinct = Directory.GetFiles(source, "*.jpg").Select(f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))).Distinct().Count();
        if (distinct != images)
        {
            throw new InvalidOperationException($"{source} holds byte-identical files; delete it to regenerate");
        }

        return source;
    }

    /// <summary>Images for warming a service up: other content than any measured corpus, so none is a duplicate.</summary>
    private static string WarmUpCorpus()
    {
        var source = Path.Combine(Path.GetTempPath(), "bench-warmup-30");
        if (!Directory.Exists(source) || Directory.GetFiles(source, "*.jpg").Length != 30)
        {
            Directory.CreateDirectory(source);
            TestImageFactory.CreateMany(source, 30, 2000, 1500);
        }

        return source;
    }

    private static string NoiseCorpus(int images)
    {
        var source = Path.Combine(Path.GetTempPath(), "bench-12mp-" + images);
        if (!Directory.Exists(source) || Directory.GetFiles(source, "*.jpg").Length != images)
        {
            Directory.CreateDirectory(source);
            Console.WriteLine($"generating {images} 12 MP noise JPEGs in {source} ...");
            TestImageFactory.CreateMany(source, images, 4000, 3000);
        }

        return source;
    }

    private static async Task RunCorpusAsync(string label, string source, LoopbackOllamaServer ollama, int runs, bool oursOnly)
    {
        var images = Directory.GetFiles(source, "*.jpg").Length;
        var megabytes = Directory.GetFiles(source, "*.jpg").Average(f => new FileInfo(f).Length) / 1024 / 1024;
        Console.WriteLine($"--- {images} × {label}, {Bench.F(megabytes)} MiB each ---");
        var warmUp = WarmUpCorpus();
        var cold = new List<double>();
        var ours = new List<double>();
        var separatePreview = new List<double>();
        var pillow = new List<double>();
        var vips = new List<double>();
        var peak = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Interleaved, so a noisy neighbour hurts every variant alike.
            cold.Add(images / (await OursAsync(source, ollama, warmUp: null)).Seconds);
            var (seconds, peakMiB) = await OursAsync(source, ollama, warmUp);
            ours.Add(images / seconds);
            peak.Add(peakMiB);
            // The same pipeline with the 1024 px preview encoded as WebP apart from the model's JPEG (the former default).
            separatePreview.Add(images / (await OursAsync(source, ollama, warmUp, ("Imaging__PreviewIsModelImage", "false"))).Seconds);
            var line = $"run {run + 1}: ours {Bench.F(ours[^1])} img/s warm, {Bench.F(cold[^1])} cold (peak {Bench.F(peakMiB, "0")} MiB), with a separate WebP preview {Bench.F(separatePreview[^1])} img/s";
            if (oursOnly)
            {
                Console.WriteLine(line);
                continue;
            }

            pillow.Add(images / await PillowAsync(source));
            vips.Add(images / await VipsThumbnailAsync(source));
            Console.WriteLine($"{line}, pillow+exiftool {Bench.F(pillow[^1])} img/s, vipsthumbnail {Bench.F(vips[^1])} img/s");
        }

        if (oursOnly)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"| ingest of {images} × {label} (median of {runs}) | images/s | vs classic |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| ImageTagger pipeline, warm service (SHA-256, thumbnails, model JPEG, EXIF, describe, embed, verified embedded write-back) | {Bench.F(Bench.Median(ours))} | {Bench.F(Bench.Median(ours) / Bench.Median(pillow), "0.00")}× |");
        Console.WriteLine($"| same, cold service (JIT tiering inside the timed run) | {Bench.F(Bench.Median(cold))} | {Bench.F(Bench.Median(cold) / Bench.Median(pillow), "0.00")}× |");
        Console.WriteLine($"| same warm, 1024 px preview as a separate WebP (`Imaging:PreviewIsModelImage=false`) | {Bench.F(Bench.Median(separatePreview))} | {Bench.F(Bench.Median(separatePreview) / Bench.Median(pillow), "0.00")}× |");
        Console.WriteLine($"| classic: SHA-256 + Pillow thumbnails 256+1024 + one exiftool per file | {Bench.F(Bench.Median(pillow))} | 1.00× |");
        Console.WriteLine($"| vipsthumbnail CLI alone (1024 px, no metadata, no DB) | {Bench.F(Bench.Median(vips))} | {Bench.F(Bench.Median(vips) / Bench.Median(pillow), "0.00")}× |");
        Console.WriteLine($"| peak memory of the Processing service | {Bench.F(Bench.Median(peak), "0")} MiB | |");
        Console.WriteLine();
    }

    private static async Task<(double Seconds, double PeakMiB)> OursAsync(string source, LoopbackOllamaServer ollama, string? warmUp, params (string Key, string Value)[] settings)
    {
        var work = CopyFolder(source, "ours");
        var thumbnails = Directory.CreateTempSubdirectory("bench-thumbs-").FullName;
        // A database per pipeline run: dropping a database ends the connections still pooled for it.
        var connectionString = await Bench.CreateDatabaseAsync($"bench_ingest_{Interlocked.Increment(ref s_databases)}");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = ollama.Url.ToString(),
            ["Ollama__VisionModel"] = "llava:7b",
            ["Ollama__MaxConcurrency"] = "4",
            ["Processing__AiConcurrency"] = "4",
            ["Processing__PollInterval"] = "00:00:00.200",
            ["Processing__RescanInterval"] = "00:00:00",
            ["Processing__WatchFolders"] = "false",
            ["Storage__ThumbnailRoot"] = thumbnails,
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var (serviceProcess, _) = await Bench.StartServiceAsync("ImageTagger.Processing", environment);
        using var service = serviceProcess;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var peak = 0.0;
        if (warmUp is not null)
        {
            // Other images (not copies of the measured ones, which would be skipped as duplicates) through the
            // same service, so the JIT's tiering is done before the clock starts: the steady state of a service
            // working through a library.
            var warmCopy = CopyFolder(warmUp, "warm");
            await IngestFolderAsync(dataSource, warmCopy, service, p => peak = Math.Max(peak, p));
            Directory.Delete(warmCopy, true);
        }

        var stopwatch = Stopwatch.StartNew();
        await IngestFolderAsync(dataSource, work, service, p => peak = Math.Max(peak, p));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        service.Kill(entireProcessTree: true);
        Directory.Delete(work, true);
        Directory.Delete(thumbnails, true);
        return (seconds, peak);
    }

    /// <summary>Adds the folder (embedded write-back), scans it, and returns when every image is settled and no job is left.</summary>
    private static async Task IngestFolderAsync(NpgsqlDataSource dataSource, string folder, Process service, Action<double> peakMiB)
    {
        long folderId;
        await using (var insert = dataSource.CreateCommand("INSERT INTO folders (path, write_back_mode) VALUES ($1, 'Embedded') RETURNING id"))
        {
            insert.Parameters.AddWithValue(folder);
            folderId = (long)(await insert.ExecuteScalarAsync())!;
        }

        await new ImageTagger.Catalog.Jobs.JobQueue(dataSource).EnqueueAsync(ImageTagger.Catalog.Jobs.NewJob.ScanFolder(folderId));
        var expected = Directory.GetFiles(folder).Length;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                "SELECT (SELECT count(*) FROM images WHERE folder_id = $1 AND (status = 'Done' AND written_back_at IS NOT NULL OR status IN ('Failed', 'Duplicate'))), (SELECT count(*) FROM jobs WHERE state IN ('Queued','Running'))");
            command.Parameters.AddWithValue(folderId);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var done = reader.GetInt64(0);
            var pending = reader.GetInt64(1);
            await reader.DisposeAsync();
            peakMiB(Bench.PeakMemoryMiB(service.Id));
            if (done >= expected && pending == 0)
            {
                return;
            }

            if (stopwatch.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"ingest did not finish: {done}/{expected}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<double> PillowAsync(string source)
    {
        var work = CopyFolder(source, "pillow");
        var output = Directory.CreateTempSubdirectory("bench-pillow-").FullName;
        var script = Path.Combine(Bench.RepoRoot, "bench", "PipelineBench", "classic_pipeline.py");
        var stopwatch = Stopwatch.StartNew();
        var (exit, text) = await Bench.RunAsync("/usr/bin/python3", [script, work, output]);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (exit != 0)
        {
            throw new InvalidOperationException("classic pipeline failed: " + text);
        }

        Directory.Delete(work, true);
        Directory.Delete(output, true);
        return seconds;
    }

    private static async Task<double> VipsThumbnailAsync(string source)
    {
        var output = Directory.CreateTempSubdirectory("bench-vips-").FullName;
        var files = Directory.GetFiles(source, "*.jpg");
        var stopwatch = Stopwatch.StartNew();
        var (exit, text) = await Bench.RunAsync("vipsthumbnail", ["--size", "1024", "-o", Path.Combine(output, "%s.jpg"), .. files]);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (exit != 0)
        {
            throw new InvalidOperationException("vipsthumbnail failed: " + text);
        }

        Directory.Delete(output, true);
        return seconds;
    }

    private static string CopyFolder(string source, string name)
    {
        var target = Directory.CreateTempSubdirectory($"bench-{name}-").FullName;
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
