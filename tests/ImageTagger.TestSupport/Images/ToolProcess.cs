using System.Diagnostics;

namespace ImageTagger.TestSupport.Images;

/// <summary>Runs a command-line tool to completion (two minutes at most) and returns what it printed.</summary>
internal static class ToolProcess
{
    public static (int ExitCode, string Output, string Error) Run(string executable, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', arguments)} took longer than 2 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
