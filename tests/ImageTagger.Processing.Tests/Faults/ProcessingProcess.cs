using System.Diagnostics;
using ImageTagger.TestSupport;

namespace ImageTagger.Processing.Tests.Faults;

/// <summary>The real ImageTagger.Processing executable as a child process, so a test can SIGKILL it.</summary>
internal sealed class ProcessingProcess : IDisposable
{
    private readonly Process _process;

    private ProcessingProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ProcessingProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryPaths.Root, "ImageTagger.Processing", "bin", configuration, "net10.0", "ImageTagger.Processing.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built; build the solution first.");
        }

        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start ImageTagger.Processing");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProcessingProcess(process);
    }

    /// <summary>SIGKILL: no shutdown hooks run, leases are left behind as a crash would leave them.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
