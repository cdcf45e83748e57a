using System.Diagnostics;

namespace ImageTagger.TestSupport.Images;

/// <summary>Runs the <c>vips</c> command-line tool (Debian package libvips-tools) for test image generation.</summary>
public static class VipsCli
{
    public static string Executable { get; set; } = "vips";

    /// <summary>Runs <c>vips</c> with the given arguments and throws with its stderr when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start vips");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vips {string.Join(' ', arguments)} took longer than 2 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"vips {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}
