using System.Diagnostics;
using System.Globalization;
using ImageTagger.Ai.Offline;
using ImageTagger.Imaging.Pixels;
using ImageTagger.TestSupport.Images;

namespace PipelineBench;

/// <summary>
/// Bounded memory of the offline models (issue 21): many passes of OCR, ResNet18 and MiniLM over the exif-samples
/// photos (their sizes differ, so OCR's input shapes do), resident memory after each pass, then after the models'
/// idle unload. Each configuration runs in a child process of its own (allocator settings are read at process
/// start), side by side with the process as it was started: glibc's default arenas.
/// </summary>
internal static class OfflineMemoryBench
{
    public const string ChildCommand = "offline-memory-child";

    public static async Task RunAsync(int passes, int idleSeconds, IReadOnlyList<(string Name, string Value)[]> environments)
    {
        var runs = new List<(string Label, List<string[]> Rows)>();
        foreach (var environment in environments)
        {
            var label = environment.Length == 0 ? "glibc defaults" : string.Join(" ", environment.Select(e => $"{e.Name}={e.Value}"));
            Console.Error.WriteLine($"[offline-memory] {label}: {passes} passes");
            var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                info.ArgumentList.Add(typeof(OfflineMemoryBench).Assembly.Location);
            }

            foreach (var arg in new[] { ChildCommand, "--passes", $"{passes}", "--idle-seconds", $"{idleSeconds}" })
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            using var child = Process.Start(info)!;
            var rows = new List<string[]>();
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ROW\t", StringComparison.Ordinal))
                {
                    rows.Add(line.Split('\t')[1..]);
                    Console.Error.WriteLine($"[offline-memory] {label}: {string.Join(" | ", rows[^1])}");
                }
            }

            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"offline memory child ({label}) exited with {child.ExitCode}");
            }

            runs.Add((label, rows));
        }

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        Console.WriteLine($"--- offline models' memory: {passes} passes of OCR + ResNet18 + MiniLM over the exif-samples photos, idle unload after {idleSeconds} s; load average {string.Join(' ', load)} ---");
        Console.WriteLine();
        Console.WriteLine("Resident memory (RSS) of the process after each step, MiB; in brackets: malloc in use / malloc free but held / managed heap.");
        Console.WriteLine();
        Console.WriteLine($"| after | {string.Join(" | ", runs.Select(r => r.Label))} |");
        Console.WriteLine($"|---|{string.Concat(runs.Select(_ => "---|"))}");
        for (var i = 0; i < runs.Max(r => r.Rows.Count); i++)
        {
            var step = runs.First(r => r.Rows.Count > i).Rows[i][0];
            Console.WriteLine($"| {step} | {string.Join(" | ", runs.Select(r => r.Rows.Count <= i ? "" : r.Rows[i][2] == "-" ? r.Rows[i][1] : $"{r.Rows[i][1]} ({r.Rows[i][2]})"))} |");
        }

        Console.WriteLine($"| peak (VmHWM) | {string.Join(" | ", runs.Select(r => r.Rows.Last(row => row[3] != "-")[3]))} |");
        Console.WriteLine();
    }

    /// <summary>The child: loads the photos, runs the passes and prints a ROW line after each step.</summary>
    public static async Task ChildAsync(int passes, int idleSeconds)
    {
        var pictures = new List<(string File, byte[] Jpeg)>();
        foreach (var file in Directory.EnumerateFiles(SampleImages.Path("jpg"), "*.jp*g", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("corrupted.jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            try
            {
                var fitted = RgbDecoder.FitFile(file, 1024);
                using var image = NetVips.Image.NewFromMemory(fitted.Data, fitted.Width, fitted.Height, 3, NetVips.Enums.BandFormat.Uchar);
                pictures.Add((file, image.JpegsaveBuffer(q: 85)));
            }
            catch (ImageTagger.Imaging.ImageDecodeException)
            {
            }
        }

        var options = new OfflineAiOptions { IdleUnloadAfter = TimeSpan.FromSeconds(idleSeconds) };
        using var models = new OfflineModels(options);
        models.Verify();
        using var ocr = new PaddleOcr(models);
        using var resnet = new ResNetImageFeaturizer(models);
        using var minilm = new MiniLmTextEmbedder(models);
        Row("start (photos decoded)");

        // BENCH_MALLOC_TRIM=1: malloc_trim after every image, and what it costs.
        var trimEachImage = Environment.GetEnvironmentVariable("BENCH_MALLOC_TRIM") == "1";
        var trimTime = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        for (var pass = 1; pass <= passes; pass++)
        {
            foreach (var (file, jpeg) in pictures)
            {
                var pixels = RgbDecoder.Fit(jpeg, 1024, file);
                var read = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), default);
                var square = RgbDecoder.Square(jpeg, ResNetImageFeaturizer.InputSide, file);
                await resnet.FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), default);
                await minilm.EmbedAsync($"{read.Text}\n{Path.GetFileNameWithoutExtension(file).Replace('_', ' ')}", default);
                if (trimEachImage)
                {
                    var trim = Stopwatch.StartNew();
                    NativeHeap.Trim();
                    trimTime += trim.Elapsed;
                }
            }

            Row($"pass {pass}");
        }

        var trimmed = trimEachImage ? $", malloc_trim {trimTime.TotalMilliseconds / (passes * pictures.Count):0.0} ms/image" : "";
        Console.WriteLine($"ROW\ttime of the {passes} passes of {pictures.Count} photos\t{watch.Elapsed.TotalSeconds:0} s{trimmed}\t-\t-");

        if (idleSeconds > 0)
        {
            // Real time here: the models unload themselves once idle for the configured time.
            var deadline = Stopwatch.StartNew();
            while ((ocr.IsLoaded || resnet.IsLoaded || minilm.IsLoaded) && deadline.Elapsed < TimeSpan.FromSeconds(idleSeconds + 60))
            {
                await Task.Delay(250);
            }

            Row($"idle unload ({idleSeconds} s idle)");
            var again = RgbDecoder.Fit(pictures[^1].Jpeg, 1024, "again");
            await ocr.ReadAsync(new RgbPixels(again.Width, again.Height, again.Data), default);
            var square = RgbDecoder.Square(pictures[^1].Jpeg, ResNetImageFeaturizer.InputSide, "again");
            await resnet.FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), default);
            await minilm.EmbedAsync("reloaded", default);
            Row("one more image (models reloaded)");
        }
    }

    private static void Row(string step)
    {
        var status = File.ReadAllLines($"/proc/{Environment.ProcessId}/status");
        double MiB(string key) =>
            double.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        var heap = NativeHeap.Stats();
        var malloc = heap is { } h ? $"{h.InUse / 1048576.0:0} / {h.FreeHeld / 1048576.0:0}" : "? / ?";
        var managed = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0;
        Console.WriteLine($"ROW\t{step}\t{MiB("VmRSS:"):0}\t{malloc} / {managed:0}\t{MiB("VmHWM:"):0}");
    }
}
