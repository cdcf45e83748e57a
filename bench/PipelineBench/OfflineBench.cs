using System.Diagnostics;
using ImageTagger.Ai.Offline;
using ImageTagger.Imaging.Pixels;
using ImageTagger.TestSupport.Images;

namespace PipelineBench;

/// <summary>
/// The offline models (issue 21) on the shared exif-samples photos, in this process, as the pipeline runs them
/// (model JPEG at 1024 px, one intra-op thread, one run at a time): per-image cost of each stage, memory the models
/// add, how many photos OCR finds text in, and whether each photo's visual nearest neighbour is a same-subject
/// photo (same sample group: the orientation set, the GPS series, HDR pairs).
/// </summary>
internal static class OfflineBench
{
    public static async Task RunAsync(int runs)
    {
        var files = Directory.EnumerateFiles(SampleImages.Path("jpg"), "*.jp*g", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("corrupted.jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var pictures = new List<(string File, byte[] Jpeg)>();
        foreach (var file in files)
        {
            try
            {
                // What analysis caches for the models: upright, 1024 px long side.
                var fitted = RgbDecoder.FitFile(file, 1024);
                using var image = NetVips.Image.NewFromMemory(fitted.Data, fitted.Width, fitted.Height, 3, NetVips.Enums.BandFormat.Uchar);
                pictures.Add((file, image.JpegsaveBuffer(q: 85)));
            }
            catch (ImageTagger.Imaging.ImageDecodeException)
            {
                // Deliberately broken samples: analysis would have failed them.
            }
        }

        var before = Bench.PeakMemoryMiB(Environment.ProcessId);
        using var models = new OfflineModels(new OfflineAiOptions());
        models.Verify();
        using var ocr = new PaddleOcr(models);
        using var resnet = new ResNetImageFeaturizer(models);
        using var minilm = new MiniLmTextEmbedder(models);

        var load = Stopwatch.StartNew();
        var first = RgbDecoder.Fit(pictures[0].Jpeg, 1024, "first");
        await ocr.ReadAsync(new RgbPixels(first.Width, first.Height, first.Data), default);
        var ocrLoad = load.Elapsed.TotalMilliseconds;
        load.Restart();
        var square = RgbDecoder.Square(pictures[0].Jpeg, ResNetImageFeaturizer.InputSide, "first");
        await resnet.FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), default);
        var resnetLoad = load.Elapsed.TotalMilliseconds;
        load.Restart();
        await minilm.EmbedAsync("warm up", default);
        var minilmLoad = load.Elapsed.TotalMilliseconds;

        var ocrMs = new List<double>();
        var featureMs = new List<double>();
        var textMs = new List<double>();
        var texts = new Dictionary<string, string>();
        var features = new Dictionary<string, float[]>();
        for (var run = 0; run < runs; run++)
        {
            foreach (var (file, jpeg) in pictures)
            {
                var watch = Stopwatch.StartNew();
                var pixels = RgbDecoder.Fit(jpeg, 1024, file);
                var read = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), default);
                ocrMs.Add(watch.Elapsed.TotalMilliseconds);
                texts[file] = read.Text;

                watch.Restart();
                var sq = RgbDecoder.Square(jpeg, ResNetImageFeaturizer.InputSide, file);
                features[file] = await resnet.FeaturesAsync(new RgbPixels(sq.Width, sq.Height, sq.Data), default);
                featureMs.Add(watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                await minilm.EmbedAsync($"{read.Text}\n{Path.GetFileNameWithoutExtension(file).Replace('_', ' ')}\n{Path.GetFileName(Path.GetDirectoryName(file))}", default);
                textMs.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var after = Bench.PeakMemoryMiB(Environment.ProcessId);
        var withText = texts.Where(t => t.Value.Length > 0).ToList();

        // Same-subject groups in the samples: orientation/ (one scene, 16 files), gps/ (one trip), hdr/ (pairs), and the
        // exif-org camera set's own pairs are unrelated. A neighbour in the same group counts as agreement.
        static string Group(string file)
        {
            var name = Path.GetFileName(file);
            var folder = Path.GetFileName(Path.GetDirectoryName(file)!);
            return folder switch
            {
                "orientation" or "gps" => folder,
                "hdr" => "hdr-" + name.Split('_')[0],
                _ => file,
            };
        }

        var grouped = features.Keys.Where(f => features.Keys.Any(o => o != f && Group(o) == Group(f))).ToList();
        var agree = grouped.Count(f => Group(features.Where(p => p.Key != f).MaxBy(p => VectorMath.Cosine(features[f], p.Value)).Key) == Group(f));

        Console.WriteLine($"--- offline models on {pictures.Count} exif-samples photos (1024 px model JPEG), {runs} passes, 1 intra-op thread ---");
        Console.WriteLine();
        Console.WriteLine("| stage (per image, decode of the model JPEG included) | median | p90 | first call (model load) |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| ocr: PaddleOCR PP-OCRv4 detection + recognition | {Bench.F(Bench.Median(ocrMs), "0")} ms | {Bench.F(Percentile(ocrMs, 0.9), "0")} ms | {Bench.F(ocrLoad, "0")} ms |");
        Console.WriteLine($"| features: ResNet18 at 224×224 | {Bench.F(Bench.Median(featureMs), "0")} ms | {Bench.F(Percentile(featureMs, 0.9), "0")} ms | {Bench.F(resnetLoad, "0")} ms |");
        Console.WriteLine($"| text-embed: MiniLM over OCR text + names | {Bench.F(Bench.Median(textMs), "0.0")} ms | {Bench.F(Percentile(textMs, 0.9), "0.0")} ms | {Bench.F(minilmLoad, "0")} ms |");
        Console.WriteLine($"| peak resident memory: before loading / after all three models ran | {Bench.F(before, "0")} MiB / {Bench.F(after, "0")} MiB | | |");
        Console.WriteLine();
        Console.WriteLine($"OCR found text in {withText.Count} of {pictures.Count} photos:");
        foreach (var (file, text) in withText)
        {
            Console.WriteLine($"- {Path.GetRelativePath(SampleImages.Root, file)}: {text.Replace('\n', ' ')}");
        }

        Console.WriteLine();
        Console.WriteLine($"Nearest-neighbour agreement (ResNet18, cosine): {agree} of {grouped.Count} photos that have a same-subject sibling have one as their nearest neighbour.");
        Console.WriteLine();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
