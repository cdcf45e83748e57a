using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

namespace ImagingBench;

/// <summary>
/// The same renditions through SixLabors.ImageSharp 2.1.13: a baseline for the bench only. It has no
/// shrink-on-load (every JPEG is decoded at full size) and can spin forever on some valid PNGs, so the
/// per-file robustness pass runs each file in its own process with a timeout.
/// </summary>
internal sealed class SharpBaseline
{
    private static readonly JpegEncoder Jpeg = new() { Quality = 85 };

    // Method 2 matches our libwebp effort 2.
    private static readonly WebpEncoder WebP = new() { Quality = 80, Method = WebpEncodingMethod.Level2 };

    /// <summary>1024 px JPEG, then 256 px WebP resized from it (as ours derives both from one decode), no metadata.</summary>
    public void CreateThumbnails(string path)
    {
        using var image = Image.Load(path);
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Mutate(x => x.AutoOrient().Resize(new ResizeOptions { Size = new Size(1024, 1024), Mode = ResizeMode.Max }));
        using (var jpeg = new MemoryStream())
        {
            image.Save(jpeg, Jpeg);
        }

        image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(256, 256), Mode = ResizeMode.Max }));
        using var webp = new MemoryStream();
        image.Save(webp, WebP);
    }

    /// <summary>Child-process entry: one file, exit 0 when it decoded and encoded.</summary>
    public static int RunOne(string path)
    {
        try
        {
            new SharpBaseline().CreateThumbnails(path);
            Console.WriteLine("ok");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"threw {ex.GetType().Name}");
            return 2;
        }
    }

    /// <summary>"ok", "threw X" or "timeout" (the child is killed: a spinning decoder is never waited for).</summary>
    public static string RunIsolated(string path, TimeSpan timeout)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SharpBaseline).Assembly.Location);
        }

        start.ArgumentList.Add("--imagesharp-one");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return "timeout";
        }

        var line = output.Result.Trim();
        return line.Length == 0 ? $"crashed (exit {process.ExitCode})" : line;
    }
}
