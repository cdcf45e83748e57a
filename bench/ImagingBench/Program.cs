// Run: dotnet run -c Release --project bench/ImagingBench -- [image count, default 12]
// Thumbnails/s on 12 MP JPEGs: our libvips binding vs the vipsthumbnail CLI vs Pillow (python3-pil, Debian's /usr/bin/python3).
// Two sets: gaussian noise (worst case for JPEG decoding) and a real 12 MP camera photo from the shared samples.
using System.Diagnostics;
using System.Globalization;
using ImageTagger.Imaging;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.WriteBack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12;
var work = Directory.CreateTempSubdirectory("imaging-bench-").FullName;
try
{
    Console.WriteLine($"{Environment.ProcessorCount} cores; generating {count} distinct 4000x3000 noise JPEGs (Q90) in {work}");
    Run("vips", "gaussnoise", Path.Combine(work, "noise.v"), "4000", "3000", "--sigma", "40");
    Run("vips", "bandjoin", string.Join(' ', Enumerable.Repeat(Path.Combine(work, "noise.v"), 3)), Path.Combine(work, "base.v"));
    var noise = Generate(work, "noise", Path.Combine(work, "base.v"), count);
    File.Delete(Path.Combine(work, "noise.v"));
    File.Delete(Path.Combine(work, "base.v"));

    var photoSource = FindSample("jpg/tests/42_IndexError.jpg");
    var photos = photoSource is null ? [] : Generate(work, "photo", photoSource, count);

    var options = new ImagingOptions();
    var processor = new VipsImageProcessor(Options.Create(options), NullLogger<VipsImageProcessor>.Instance);
    // Baseline for the JPEG shrink-on-load choice: libvips' own rule (at least 2x resize left after the DCT shrink).
    var libvipsRule = new VipsImageProcessor(
        Options.Create(new ImagingOptions { ShrinkOnLoadMinResize = 2.0 }), NullLogger<VipsImageProcessor>.Instance);
    processor.CreateThumbnail(noise[0], 256, ThumbnailFormat.Jpeg, 80); // warm-up: library load and init

    foreach (var (label, files) in new[] { ("noise 4000x3000", noise), ("photo 4032x3024", photos) })
    {
        if (files.Count == 0)
        {
            continue;
        }

        Console.WriteLine($"--- {label}, ~{new FileInfo(files[0]).Length / 1024 / 1024.0:F1} MiB each ---");
        Report("ours: 256px JPEG thumbnail, serial", files.Count, Time(() => files.ForEach(f => processor.CreateThumbnail(f, 256, ThumbnailFormat.Jpeg, 80))));
        Report("ours: 256px WebP thumbnail, serial", files.Count, Time(() => files.ForEach(f => processor.CreateThumbnail(f, 256, ThumbnailFormat.WebP, 80))));
        Report("ours: 256 WebP + 1024 JPEG preview (one decode), serial", files.Count, Time(() => files.ForEach(f => processor.CreateThumbnails(f))));
        Report("  same, libvips' shrink rule (baseline)", files.Count, Time(() => files.ForEach(f => libvipsRule.CreateThumbnails(f))));
        Report("ours: AI JPEG 1024px, serial", files.Count, Time(() => files.ForEach(f => processor.CreateAiImage(f))));
        Report($"ours: 256px JPEG, {Environment.ProcessorCount} threads", files.Count, Time(() =>
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, f => processor.CreateThumbnail(f, 256, ThumbnailFormat.Jpeg, 80))));
        Report("ours: pixel hash (full decode)", files.Count, Time(() => files.ForEach(f => processor.ComputePixelHash(f))));
        Report("ours: header probe", files.Count, Time(() => files.ForEach(f => processor.Probe(f))));
        Report("ours: SHA-256 file fingerprint", files.Count, Time(() => files.ForEach(f => FileFingerprint.ComputeSha256(f))));

        var outDir = Directory.CreateDirectory(Path.Combine(work, "out-" + label[..5])).FullName;
        Report("vipsthumbnail CLI 256px (one process)", files.Count, Time(() =>
            Run("vipsthumbnail", [.. files, "-s", "256", "-o", Path.Combine(outDir, "%s_vt.jpg[Q=80,strip]")])));
        Report("Pillow 256px draft+thumbnail (one process)", files.Count, Time(() => Run("/usr/bin/python3", ["-c", PillowScript, outDir, .. files])));
    }

    await using var exifTool = new ExifToolSession(Options.Create(options), NullLogger<ExifToolSession>.Instance);
    var targets = photos.Count > 0 ? photos : noise;
    var writer = new MetadataWriter(exifTool, processor, Options.Create(options), NullLogger<MetadataWriter>.Instance);
    await writer.WriteAsync(targets[0], new ImageAnnotation("warm-up", ["x"]), WriteBackMode.Embedded); // starts exiftool
    var rest = targets.Skip(1).ToList();
    Report("write-back embedded (exiftool + pixel verify)", rest.Count, Time(() => rest.ForEach(f =>
        writer.WriteAsync(f, new ImageAnnotation("A test image", ["test", "bench"]), WriteBackMode.Embedded).GetAwaiter().GetResult())));
    var unverified = new MetadataWriter(exifTool, processor, Options.Create(new ImagingOptions { VerifyPixelsOnWrite = false }), NullLogger<MetadataWriter>.Instance);
    Report("write-back embedded (exiftool, no pixel verify)", rest.Count, Time(() => rest.ForEach(f =>
        unverified.WriteAsync(f, new ImageAnnotation("Again", ["bench"]), WriteBackMode.Embedded).GetAwaiter().GetResult())));
    Report("write-back sidecar", rest.Count, Time(() => rest.ForEach(f =>
        unverified.WriteAsync(f, new ImageAnnotation("Side", ["bench"]), WriteBackMode.Sidecar).GetAwaiter().GetResult())));
}
finally
{
    Directory.Delete(work, recursive: true);
}

static List<string> Generate(string work, string prefix, string source, int count)
{
    var files = new List<string>();
    for (var i = 0; i < count; i++)
    {
        // A per-copy offset gives distinct pixels (no cache can help), same content statistics.
        var file = Path.Combine(work, $"{prefix}_{i:D3}.jpg");
        Run("vips", "linear", source, file + "[Q=90]", "1", (i % 7).ToString(CultureInfo.InvariantCulture), "--uchar");
        files.Add(file);
    }

    return files;
}

static string? FindSample(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "test-images", "exif-samples", relative);
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return null;
}

static TimeSpan Time(Action action)
{
    var stopwatch = Stopwatch.StartNew();
    action();
    return stopwatch.Elapsed;
}

static void Report(string name, int images, TimeSpan elapsed) =>
    Console.WriteLine($"{name,-50} {elapsed.TotalMilliseconds / images,8:F1} ms/image {images / elapsed.TotalSeconds,8:F1} images/s");

static void Run(string executable, params string[] arguments)
{
    var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var stderr = process.StandardError.ReadToEndAsync();
    process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{executable} failed: {stderr.Result}");
    }
}

internal static partial class Program
{
    private const string PillowScript = """
        import sys
        from PIL import Image
        for f in sys.argv[2:]:
            im = Image.open(f)
            im.draft('RGB', (256, 256))
            im.thumbnail((256, 256))
            im.save(sys.argv[1] + '/' + f.split('/')[-1] + '_pil.jpg', quality=80)
        """;
}
