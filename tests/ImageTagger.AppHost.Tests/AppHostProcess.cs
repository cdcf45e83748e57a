using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageTagger.AppHost.Output;
using ImageTagger.AppHost.Processes;

namespace ImageTagger.AppHost.Tests;

/// <summary>
/// Runs the AppHost the way a user does (its own dll, a process) with a temporary data folder, free ports and no
/// Ollama; collects its output. Disposing kills whatever is left and stops its PostgreSQL, so a failed test
/// leaves nothing behind.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly string? _root;

    private AppHostProcess(Process process, string? root, string dataDir)
    {
        _process = process;
        _root = root;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    public int Pid => _process.Id;

    public string Output => string.Join(Environment.NewLine, _lines);

    public string StateFilePath => Path.Combine(DataDir, "apphost.json");

    public static AppHostProcess Start(params string[] arguments)
    {
        var root = Directory.CreateTempSubdirectory("imagetagger-apphost-").FullName;
        // PostgreSQL runs as user postgres when the tests run as root: it must be able to enter the data folder.
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        return Start(root, Path.Combine(root, "data"), arguments);
    }

    /// <summary>A second AppHost on the same data folder (the first one owns and deletes it).</summary>
    public static AppHostProcess StartSharing(AppHostProcess first, params string[] arguments) => Start(null, first.DataDir, arguments);

    private static AppHostProcess Start(string? root, string dataDir, string[] arguments)
    {
        var info = new ProcessStartInfo(LaunchResolver.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        info.ArgumentList.Add(TestPaths.AppHostDll);
        foreach (var argument in new[] { "--data-dir", dataDir, "--pg-port", "0", "--api-port", "0", "--web-port", "0", "--no-build", "--no-ollama-start",
                     "--ollama-url", $"http://127.0.0.1:{FreePort.Pick().ToString(CultureInfo.InvariantCulture)}", "--shutdown-timeout", "10" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info };
        var host = new AppHostProcess(process, root, dataDir);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; fails with the output so far if it does not.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Find(text) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                // Exited: once its output is drained the line is either there or never comes.
                await _process.WaitForExitAsync(cancellationToken);
                return Find(text) ?? throw Xunit.Sdk.FailException.ForFailure($"The AppHost exited ({_process.ExitCode}) without a line containing '{text}'. Output:{Environment.NewLine}{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No line containing '{text}' within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
            }

            await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private string? Find(string text) => _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));

    public AppHostState ReadState()
    {
        var state = StateFile.Read(StateFilePath);
        Assert.NotNull(state);
        return state;
    }

    /// <summary>Polls apphost.json until <paramref name="predicate"/> holds.</summary>
    public async Task<AppHostState> WaitForStateAsync(Func<AppHostState, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (StateFile.Read(StateFilePath) is { } state && predicate(state))
                {
                    return state;
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Being replaced right now.
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"apphost.json did not reach the expected state within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
        return null!;
    }

    public void SendSignal(int signal) => Assert.True(NativeMethods.Signal(_process.Id, signal), "could not signal the AppHost");

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The AppHost did not exit within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // Children live in their own process groups: kill any the AppHost could not stop (only after a failure).
        if (File.Exists(StateFilePath) && StateFile.Read(StateFilePath) is { } state && state.AppHostPid == _process.Id)
        {
            foreach (var pid in state.Resources.Select(r => r.Pid).OfType<int>())
            {
                NativeMethods.SignalGroup(pid, NativeMethods.SIGKILL);
                NativeMethods.Signal(pid, NativeMethods.SIGKILL);
            }
        }

        // The PostgreSQL of a shared data folder is left to its owner (disposed last).
        var pgData = Path.Combine(DataDir, "pgdata");
        if (_root is not null && File.Exists(Path.Combine(pgData, "postmaster.pid")))
        {
            using var stop = Process.Start("bash", [Path.Combine(TestPaths.RepositoryRoot, "scripts", "pg.sh"), "stop", "--data-dir", pgData]);
            await stop.WaitForExitAsync();
        }

        _process.Dispose();
        _lineArrived.Dispose();
        if (_root is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _lineArrived.Release();
        }
    }
}

internal static class TestPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImageTagger.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ImageTagger.sln not found");
    });

    public static string RepositoryRoot => s_root.Value;

    /// <summary>Debug or Release: the folder above net10.0 in this test's own output path.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string AppHostDll => Output("ImageTagger.AppHost", "ImageTagger.AppHost");

    public static string FakeServiceDll => Output(Path.Combine("tests", "ImageTagger.AppHost.FakeService"), "ImageTagger.AppHost.FakeService");

    /// <summary>A --resource-command value that runs the fake service as <paramref name="name"/>.</summary>
    public static string Fake(string name, string extra = "") =>
        $"{name}='{LaunchResolver.DotnetHost}' '{FakeServiceDll}' --name {name} {extra}".TrimEnd();

    private static string Output(string projectDir, string assembly) =>
        Path.Combine(RepositoryRoot, projectDir, "bin", Configuration, "net10.0", assembly + ".dll");
}
