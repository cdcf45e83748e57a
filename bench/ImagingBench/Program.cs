// Run: dotnet run -c Release --project bench/ImagingBench [-p:Libvips=bundled] -- [image count, default 12] [--no-writeback] [--renditions-only]
// (-p:Libvips=bundled: NetVips.Native's libvips 8.18 instead of Debian's 8.14; it cannot decode HEIC/HEIF, which the bench shows)
// Per 12 MP JPEG, wall and CPU time (all threads of this process, or of the child processes for the CLIs):
// our libvips pipeline vs SixLabors.ImageSharp 2.1.13 vs the vipsthumbnail CLI vs Pillow; HEIC/HEIF decode;
// then every shared sample file through ours and through ImageSharp, each ImageSharp file in its own process
// with a timeout (2.1.13 can spin forever on valid files), so a hang is reported as such and costs nothing later.
using System.Diagnostics;
using System.Globalization;
using ImageTagger.Imaging;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.WriteBack;
using ImagingBench;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

if (args is ["--imagesharp-one", var single])
{
    return SharpBaseline.RunOne(single);
}

var count = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12;
var writeBack = !args.Contains("--no-writeback");
// --renditions-only: the photo rows the libvips choice rests on, and HEIC/HEIF (for runs repeated across builds).
var renditionsOnly = args.Contains("--renditions-only");
var work = Directory.CreateTempSubdirectory("imaging-bench-").FullName;
try
{
    Console.WriteLine($"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine($"generating {count} distinct 4000x3000 noise JPEGs (Q90) in {work}");
    Run("vips", "gaussnoise", Path.Combine(work, "noise.v"), "4000", "3000", "--sigma", "40");
    Run("vips", "bandjoin", string.Join(' ', Enumerable.Repeat(Path.Combine(work, "noise.v"), 3)), Path.Combine(work, "base.v"));
    var noise = Generate(work, "noise", Path.Combine(work, "base.v"), count);
    File.Delete(Path.Combine(work, "noise.v"));
    File.Delete(Path.Combine(work, "base.v"));

    var samples = FindSamples();
    var photoSource = samples is null ? null : Path.Combine(samples, "jpg", "tests", "42_IndexError.jpg");
    var photos = photoSource is null || !File.Exists(photoSource) ? [] : Generate(work, "photo", photoSource, count);

    var options = new ImagingOptions();
    var processor = new VipsImageProcessor(Options.Create(options), NullLogger<VipsImageProcessor>.Instance);
    // Baseline for the JPEG shrink-on-load choice: libvips' own rule (at least 2x resize left after the DCT shrink).
    var libvipsRule = new VipsImageProcessor(
        Options.Create(new ImagingOptions { ShrinkOnLoadMinResize = 2.0 }), NullLogger<VipsImageProcessor>.Instance);
    processor.CreateThumbnail(noise[0], 256, ThumbnailFormat.Jpeg, 80); // warm-up: library load and init
    Console.WriteLine($"libvips loaded from {LoadedLibvips()}");

    foreach (var (label, files) in new[] { ("noise 4000x3000", noise), ("photo 4032x3024", photos) })
    {
        if (files.Count == 0 || (renditionsOnly && files == noise))
        {
            continue;
        }

        Console.WriteLine($"--- {label}, ~{new FileInfo(files[0]).Length / 1024 / 1024.0:F1} MiB each ---");
        Console.WriteLine($"{"",-58} {"wall",12} {"CPU",12}");
        // The row the libvips choice is made on: what the analyze stage does per photo.
        files.ForEach(f => processor.CreateThumbnails(f)); // JIT warm-up of this path, untimed
        Report("ours: 256 WebP + 1024 JPEG (one decode), serial", files.Count, Measure(() => files.ForEach(f => processor.CreateThumbnails(f))));
        if (renditionsOnly)
        {
            Report("vipsthumbnail CLI: 1024 JPEG only (the ingest floor)", files.Count, Measure(() =>
                Run("vipsthumbnail", [.. files, "-s", "1024", "-o", Path.Combine(work, "%s_vt.jpg[Q=85,strip]")])));
            continue;
        }

        Report("  same, libvips' shrink rule (baseline)", files.Count, Measure(() => files.ForEach(f => libvipsRule.CreateThumbnails(f))));
        var sharp = new SharpBaseline();
        sharp.CreateThumbnails(files[0]); // JIT warm-up
        Report("ImageSharp 2.1.13: 256 WebP + 1024 JPEG (one decode)", files.Count, Measure(() => files.ForEach(f => sharp.CreateThumbnails(f))));
        var outDir = Directory.CreateDirectory(Path.Combine(work, "out-" + label[..5])).FullName;
        Report("vipsthumbnail CLI: 1024 JPEG + 256 WebP (two runs)", files.Count, Measure(() =>
        {
            Run("vipsthumbnail", [.. files, "-s", "1024", "-o", Path.Combine(outDir, "%s_vt.jpg[Q=85,strip]")]);
            Run("vipsthumbnail", [.. files, "-s", "256", "-o", Path.Combine(outDir, "%s_vt.webp[Q=80,strip]")]);
        }));
        Report("vipsthumbnail CLI: 1024 JPEG only (the ingest floor)", files.Count, Measure(() =>
            Run("vipsthumbnail", [.. files, "-s", "1024", "-o", Path.Combine(outDir, "%s_vt.jpg[Q=85,strip]")])));
        Report("ours: 256px JPEG thumbnail, serial", files.Count, Measure(() => files.ForEach(f => processor.CreateThumbnail(f, 256, ThumbnailFormat.Jpeg, 80))));
        Report("ours: 256px WebP thumbnail, serial", files.Count, Measure(() => files.ForEach(f => processor.CreateThumbnail(f, 256, ThumbnailFormat.WebP, 80))));
        Report("ours: AI JPEG 1024px, serial", files.Count, Measure(() => files.ForEach(f => processor.CreateAiImage(f))));
        Report($"ours: 256px JPEG, {Environment.ProcessorCount} threads", files.Count, Measure(() =>
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, f => processor.CreateThumbnail(f, 256, ThumbnailFormat.Jpeg, 80))));
        Report("ours: pixel hash (full decode)", files.Count, Measure(() => files.ForEach(f => processor.ComputePixelHash(f))));
        Report("ours: header probe", files.Count, Measure(() => files.ForEach(f => processor.Probe(f))));
        Report("ours: SHA-256 file fingerprint", files.Count, Measure(() => files.ForEach(f => FileFingerprint.ComputeSha256(f))));
        Report("Pillow 256px draft+thumbnail (one process)", files.Count, Measure(() => Run("/usr/bin/python3", ["-c", PillowScript, outDir, .. files])));
    }

    if (samples is not null)
    {
        Heif(processor, samples);
        if (!renditionsOnly)
        {
            Robustness(processor, samples, work);
        }
    }

    if (writeBack && !renditionsOnly)
    {
        await using var exifTool = new ExifToolSession(Options.Create(options), NullLogger<ExifToolSession>.Instance);
        var targets = photos.Count > 0 ? photos : noise;
        var writer = new MetadataWriter(exifTool, processor, Options.Create(options), NullLogger<MetadataWriter>.Instance);
        await writer.WriteAsync(targets[0], new ImageAnnotation("warm-up", ["x"]), WriteBackMode.Embedded); // starts exiftool
        var rest = targets.Skip(1).ToList();
        Report("write-back embedded (exiftool + pixel verify)", rest.Count, Measure(() => rest.ForEach(f =>
            writer.WriteAsync(f, new ImageAnnotation("A test image", ["test", "bench"]), WriteBackMode.Embedded).GetAwaiter().GetResult())));
        var unverified = new MetadataWriter(exifTool, processor, Options.Create(new ImagingOptions { VerifyPixelsOnWrite = false }), NullLogger<MetadataWriter>.Instance);
        Report("write-back embedded (exiftool, no pixel verify)", rest.Count, Measure(() => rest.ForEach(f =>
            unverified.WriteAsync(f, new ImageAnnotation("Again", ["bench"]), WriteBackMode.Embedded).GetAwaiter().GetResult())));
        Report("write-back sidecar", rest.Count, Measure(() => rest.ForEach(f =>
            unverified.WriteAsync(f, new ImageAnnotation("Side", ["bench"]), WriteBackMode.Sidecar).GetAwaiter().GetResult())));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

return 0;

// HEIC/HEIF, what phones write by default: 256 WebP + 1024 JPEG per file, and a full decode (pixel hash).
static void Heif(VipsImageProcessor processor, string samples)
{
    var files = Directory.GetFiles(Path.Combine(samples, "heic"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    Console.WriteLine($"--- HEIC/HEIF samples ({files.Count}) ---");
    foreach (var file in files)
    {
        var name = Path.GetRelativePath(samples, file);
        try
        {
            var info = processor.Probe(file);
            var thumbnails = Measure(() => processor.CreateThumbnails(file));
            var full = Measure(() => processor.ComputePixelHash(file));
            Console.WriteLine($"{name,-48} {info.Width}x{info.Height}: 256+1024 renditions {thumbnails.Wall.TotalMilliseconds,6:F0} ms wall {thumbnails.Cpu.TotalMilliseconds,6:F0} ms CPU; full decode {full.Wall.TotalMilliseconds,6:F0} ms wall {full.Cpu.TotalMilliseconds,6:F0} ms CPU");
        }
        catch (ImageDecodeException ex)
        {
            Console.WriteLine($"{name,-48} FAILED: {ex.Reason} ({ex.Detail})");
        }
    }
}

// Every shared sample (real, broken, HEIC, TIFF) plus PNG variants libvips can make: a clean outcome for each?
static void Robustness(VipsImageProcessor processor, string samples, string work)
{
    var pngs = Directory.CreateDirectory(Path.Combine(work, "png-variants")).FullName;
    var source = Path.Combine(samples, "jpg", "tests", "42_IndexError.jpg");
    Run("vips", "thumbnail", source, Path.Combine(pngs, "small.v"), "300");
    foreach (var (name, saveOptions) in new[]
             {
                 ("interlaced.png", "[interlace]"), ("palette-8.png", "[palette,bitdepth=8]"), ("palette-4.png", "[palette,bitdepth=4]"),
                 ("palette-2.png", "[palette,bitdepth=2]"), ("palette-1.png", "[palette,bitdepth=1]"), ("plain.png", ""),
                 ("interlaced-palette.png", "[interlace,palette]"),
             })
    {
        Run("vips", "copy", Path.Combine(pngs, "small.v"), Path.Combine(pngs, name) + saveOptions);
    }

    Run("vips", "colourspace", Path.Combine(pngs, "small.v"), Path.Combine(pngs, "grey16.v"), "grey16");
    Run("vips", "copy", Path.Combine(pngs, "grey16.v"), Path.Combine(pngs, "grey16.png"));
    Run("vips", "colourspace", Path.Combine(pngs, "small.v"), Path.Combine(pngs, "rgb16.v"), "rgb16");
    Run("vips", "copy", Path.Combine(pngs, "rgb16.v"), Path.Combine(pngs, "rgb16-interlaced.png[interlace]"));
    Run("vips", "bandjoin_const", Path.Combine(pngs, "small.v"), Path.Combine(pngs, "alpha.png"), "128");

    var files = Directory.GetFiles(samples, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith(".rst", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal))
        .Concat(Directory.GetFiles(pngs, "*.png"))
        .Order(StringComparer.Ordinal)
        .ToList();
    var timeout = TimeSpan.FromSeconds(20);
    Console.WriteLine($"--- every sample file ({files.Count}) through ours and through ImageSharp (own process each, {timeout.TotalSeconds:F0} s timeout) ---");
    var ours = new Dictionary<string, int>();
    var sharp = new Dictionary<string, int>();
    foreach (var file in files)
    {
        string outcome;
        try
        {
            processor.CreateThumbnail(file, 256, ThumbnailFormat.Jpeg, 80);
            outcome = "ok";
        }
        catch (ImageDecodeException ex)
        {
            outcome = $"clean error ({ex.Reason})";
        }
        catch (Exception ex)
        {
            outcome = $"UNEXPECTED {ex.GetType().Name}";
        }

        ours[outcome] = ours.GetValueOrDefault(outcome) + 1;
        var theirs = SharpBaseline.RunIsolated(file, timeout);
        var kind = theirs.StartsWith("threw", StringComparison.Ordinal) ? "threw" : theirs;
        sharp[kind] = sharp.GetValueOrDefault(kind) + 1;
        if (theirs != "ok" && outcome == "ok" || theirs == "timeout" || outcome.StartsWith("UNEXPECTED", StringComparison.Ordinal))
        {
            Console.WriteLine($"  {Path.GetRelativePath(samples, file).Replace(work, "generated"),-56} ours: {outcome}; ImageSharp: {theirs}");
        }
    }

    Console.WriteLine("ours:       " + string.Join(", ", ours.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
    Console.WriteLine("ImageSharp: " + string.Join(", ", sharp.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
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

static string? FindSamples()
{
    var configured = Environment.GetEnvironmentVariable("IMAGETAGGER_TEST_IMAGES");
    if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
    {
        return configured;
    }

    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "test-images", "exif-samples");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    return null;
}

// Which libvips this process really uses (Debian's, or NetVips.Native's bundled one), from the loader's own map.
static string LoadedLibvips() =>
    File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
        .FirstOrDefault(p => p.Contains("libvips.so", StringComparison.Ordinal)) ?? "?";

static (TimeSpan Wall, TimeSpan Cpu) Measure(Action action)
{
    var cpu = CpuTime.Total();
    var stopwatch = Stopwatch.StartNew();
    action();
    return (stopwatch.Elapsed, CpuTime.Total() - cpu);
}

static void Report(string name, int images, (TimeSpan Wall, TimeSpan Cpu) elapsed) =>
    Console.WriteLine($"{name,-58} {elapsed.Wall.TotalMilliseconds / images,8:F1} ms {elapsed.Cpu.TotalMilliseconds / images,8:F1} ms  per image");

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
