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

    public static async Task RunAsync(int images, int runs, bool oursOnly, IReadOnlyList<(string Key, string Value)[]> compare, string corpus)
    {
        await using var ollama = await LoopbackOllamaServer.StartAsync();
        var corpora = new List<(string Label, string Folder)>();
        if (corpus is "all" or "photo")
        {
            corpora.Add(("12 MP camera photos", PhotoCorpus(images)));
        }

        if (corpus is "all" or "noise")
        {
            corpora.Add(("12 MP gaussian noise (worst case for JPEG decoding)", NoiseCorpus(images)));
        }

        foreach (var (label, folder) in corpora)
        {
            if (compare.Count > 0)
            {
                await CompareSettingsAsync(label, folder, ollama, runs, compare);
            }
            else
            {
                await RunCorpusAsync(label, folder, ollama, runs, oursOnly);
            }
        }
    }

    /// <summary>Warm service with its defaults vs the same with other settings, interleaved run by run.</summary>
    private static async Task CompareSettingsAsync(
        string label, string source, LoopbackOllamaServer ollama, int runs, IReadOnlyList<(string Key, string Value)[]> variants)
    {
        var images = Directory.GetFiles(source, "*.jpg").Length;
        Console.WriteLine($"--- {images} × {label}: defaults vs {variants.Count} variant(s), warm service ---");
        var warmUp = WarmUpCorpus(30);
        var names = new[] { "defaults" }.Concat(variants.Select(v => string.Join(",", v.Select(s => $"{s.Key}={s.Value}")))).ToArray();
        var rates = names.Select(_ => new List<double>()).ToArray();
        var peaks = names.Select(_ => new List<double>()).ToArray();
        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < names.Length; i++)
            {
                var settings = i == 0 ? [] : variants[i - 1];
                var (seconds, peak) = await OursAsync(source, ollama, warmUp, settings);
                rates[i].Add(images / seconds);
                peaks[i].Add(peak);
            }

            Console.WriteLine($"run {run + 1}: " + string.Join(", ", names.Select((n, i) => $"{n} {Bench.F(rates[i][^1])} img/s ({Bench.F(peaks[i][^1], "0")} MiB)")));
        }

        Console.WriteLine();
        Console.WriteLine($"| {label}, warm (median of {runs}) | images/s | vs defaults | peak memory of the Processing service |");
        Console.WriteLine("|---|---|---|---|");
        for (var i = 0; i < names.Length; i++)
        {
            Console.WriteLine($"| {names[i]} | {Bench.F(Bench.Median(rates[i]))} | {Bench.F(Bench.Median(rates[i]) / Bench.Median(rates[0]), "0.00")}× | {Bench.F(Bench.Median(peaks[i]), "0")} MiB |");
        }

        Console.WriteLine();
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

    /// <summary>
    /// Images for warming a service up: other content than any measured corpus, so none is a duplicate. 30 get the
    /// service past start-up; about 200 more are what .NET's tiered JIT needs to finish recompiling the hot code
    /// (perf shows the JIT thread busy for the first ~150 images after start), the steady state of a service
    /// working through a library.
    /// </summary>
    private static string WarmUpCorpus(int count)
    {
        var source = Path.Combine(Path.GetTempPath(), "bench-warmup-" + count);
        if (!Directory.Exists(source) || Directory.GetFiles(source, "*.jpg").Length != count)
        {
            Directory.CreateDirectory(source);
            TestImageFactory.CreateMany(source, count, 2000, 1500);
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
        var warmUp = WarmUpCorpus(30);
        var steadyWarmUp = WarmUpCorpus(230);
        var cold = new List<double>();
        var ours = new List<double>();
        var steady = new List<double>();
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
            steady.Add(images / (await OursAsync(source, ollama, steadyWarmUp)).Seconds);
            var line = $"run {run + 1}: ours {Bench.F(cold[^1])} img/s cold, {Bench.F(ours[^1])} warm, {Bench.F(steady[^1])} steady (peak {Bench.F(peakMiB, "0")} MiB)";
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

        string Row(string name, List<double> rates) =>
            $"| {name} | {Bench.F(Bench.Median(rates))} | {Bench.F(Bench.Median(rates) / Bench.Median(pillow), "0.00")}× |";
        Console.WriteLine();
        Console.WriteLine($"| ingest of {images} × {label} (median of {runs}) | images/s | vs classic |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(Row("ImageTagger pipeline, steady state: service already through 230 other images, JIT done (SHA-256, thumbnails, model JPEG, EXIF, describe, embed, verified embedded write-back)", steady));
        Console.WriteLine(Row("same, warm service (30 images after start; tiered JIT still recompiling)", ours));
        Console.WriteLine(Row("same, cold service (timed from its first healthy answer)", cold));
        Console.WriteLine(Row("classic: SHA-256 + Pillow thumbnails 256+1024 + one exiftool per file", pillow));
        Console.WriteLine(Row("vipsthumbnail CLI alone (1024 px, no metadata, no DB)", vips));
        Console.WriteLine($"| peak memory of the Processing service (warm run) | {Bench.F(Bench.Median(peak), "0")} MiB | |");
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
