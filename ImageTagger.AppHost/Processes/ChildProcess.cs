using System.Diagnostics;

namespace ImageTagger.AppHost.Processes;

/// <summary>
/// One running program. Started through <c>setsid</c> so it leads its own process group and session: the
/// terminal's Ctrl+C reaches only the AppHost (which then stops children in dependency order), and stopping
/// signals the whole group, grandchildren included.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 60;
    private static readonly string? s_setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    private readonly Process _process;
    private readonly bool _ownGroup;
    private readonly Queue<string> _tail = new();
    private readonly Lock _tailLock = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readersStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
    }

    public int Pid { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The last lines of output, for reporting why something failed.</summary>
    public IReadOnlyList<string> Tail
    {
        get
        {
            lock (_tailLock)
            {
                return [.. _tail];
            }
        }
    }

    public static ChildProcess Start(LaunchCommand command, IReadOnlyDictionary<string, string> environment, Action<string, bool> onLine)
    {
        var info = new ProcessStartInfo
        {
            FileName = s_setsid ?? command.FileName,
            WorkingDirectory = command.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Children must not read the terminal (and be stopped by SIGTTIN) now that they have no controlling one.
            RedirectStandardInput = true,
        };
        if (s_setsid is not null)
        {
            info.ArgumentList.Add(command.FileName);
        }

        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, s_setsid is not null);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, false, onLine);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, true, onLine);
        process.Exited += (_, _) => child.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {command}");
        }

        child.Pid = process.Id;
        child.StartedAt = DateTimeOffset.UtcNow;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child._readersStarted.TrySetResult();
        return child;
    }

    /// <summary>SIGTERM to the group, up to <paramref name="grace"/> to exit, then SIGKILL to the group and the tree.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!HasExited)
        {
            Signal(NativeMethods.SIGTERM);
            try
            {
                await Exited.WaitAsync(grace, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Did not stop in time (or a second Ctrl+C): killed below.
            }
        }

        Kill();
    }

    /// <summary>Kills the group and every descendant; safe to call when already gone.</summary>
    public void Kill()
    {
        if (_ownGroup)
        {
            // Also reaches descendants whose parent already exited (re-parented, but still in the group).
            NativeMethods.SignalGroup(Pid, NativeMethods.SIGKILL);
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    public void Signal(int signal)
    {
        // Right after start setsid may not have run yet: then the group does not exist and the process is signalled.
        if (!(_ownGroup && NativeMethods.SignalGroup(Pid, signal)))
        {
            NativeMethods.Signal(Pid, signal);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line, bool isError, Action<string, bool> onLine)
    {
        if (line is null)
        {
            return;
        }

        lock (_tailLock)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        onLine(line, isError);
    }

    private void OnExited() => _ = CompleteAsync();

    private async Task CompleteAsync()
    {
        // A program that exits at once can do so before its output readers have begun; only once they have does
        // WaitForExitAsync also wait for the pipes' end (otherwise its last lines, often the reason for a failure,
        // could be lost). Exited fires before the output pipes drain; waiting for their end lets the last lines
        // arrive first. Bounded: a grandchild may still hold the pipe open.
        await _readersStarted.Task;
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // Output still open (a grandchild has it): report the exit anyway.
        }

        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        _exited.TrySetResult(code);
    }
}
