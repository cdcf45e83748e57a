using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ImageTagger.Imaging.ExifTool;

/// <summary>
/// One <c>exiftool -stay_open True -@ -</c> process. Not thread-safe by itself: <see cref="ExifToolSession"/>
/// leases it to one caller at a time. Restarts lazily when the process has died.
/// </summary>
internal sealed partial class ExifToolProcess(string executable, ILogger logger) : IAsyncDisposable
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private Process? _process;
    private int _sequence;

    /// <summary>OS process id of the running exiftool, or null (for tests and diagnostics).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public async Task<ExifToolResult> ExecuteAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var command = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (argument.Contains('\n') || argument.Contains('\r'))
            {
                throw new ExifToolException(ExifToolFailure.InvalidArgument, "exiftool arguments cannot contain line breaks.");
            }

            command.Append(argument).Append('\n');
        }

        var id = Interlocked.Increment(ref _sequence);
        var marker = $"{{ready{id}}}";
        // -echo4 prints the marker on stderr after the command, so both streams have a clear end.
        command.Append("-echo4\n").Append(marker).Append('\n').Append("-execute").Append(id).Append('\n');

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);

        var process = await EnsureStartedAsync(timeoutSource.Token, cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync(command.ToString().AsMemory(), timeoutSource.Token);
            await process.StandardInput.FlushAsync(timeoutSource.Token);
        }
        catch (IOException)
        {
            // The process died between commands (broken pipe): nothing ran, so start a new one and resend once.
            await KillAsync();
            process = await EnsureStartedAsync(timeoutSource.Token, cancellationToken);
            await process.StandardInput.WriteAsync(command.ToString().AsMemory(), timeoutSource.Token);
            await process.StandardInput.FlushAsync(timeoutSource.Token);
        }

        var stdout = ReadUntilAsync(process.StandardOutput, marker);
        var stderr = ReadUntilAsync(process.StandardError, marker);
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            // A command cannot be aborted inside exiftool: kill the process; the next command starts a fresh one.
            await KillAsync();
            await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(static _ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
            LogTimeout(logger, timeout);
            throw new ExifToolException(ExifToolFailure.Timeout, $"exiftool did not finish within {timeout.TotalSeconds:0.#} s; the process was restarted.");
        }

        var (output, outputComplete) = await stdout;
        var (errors, errorsComplete) = await stderr;
        if (!outputComplete || !errorsComplete)
        {
            await KillAsync();
            LogDied(logger, errors.Trim());
            throw new ExifToolException(ExifToolFailure.ProcessDied, $"exiftool exited during a command. {errors.Trim()}".Trim());
        }

        return new ExifToolResult(output, errors);
    }

    private async Task<Process> EnsureStartedAsync(CancellationToken timeoutToken, CancellationToken callerToken)
    {
        if (_process is { HasExited: false } running)
        {
            return running;
        }

        await KillAsync();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = s_utf8,
            StandardOutputEncoding = s_utf8,
            StandardErrorEncoding = s_utf8,
        };
        foreach (var argument in (string[])["-stay_open", "True", "-@", "-", "-common_args", "-charset", "filename=utf8", "-charset", "iptc=utf8"])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new ExifToolException(ExifToolFailure.NotAvailable, "exiftool did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ExifToolException(
                ExifToolFailure.NotAvailable,
                $"Cannot start '{executable}': {ex.Message}. Install the Debian package libimage-exiftool-perl or set Imaging:ExifToolPath.",
                ex);
        }

        LogStarted(logger, _process.Id);
        timeoutToken.ThrowIfCancellationRequested();
        callerToken.ThrowIfCancellationRequested();
        return _process;
    }

    private static async Task<(string Text, bool Complete)> ReadUntilAsync(StreamReader reader, string marker)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == marker)
            {
                return (text.ToString(), true);
            }

            text.Append(line).Append('\n');
        }

        return (text.ToString(), false);
    }

    private async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone or unkillable: nothing more to do.
        }
        finally
        {
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var process = _process;
        if (process is { HasExited: false })
        {
            try
            {
                await process.StandardInput.WriteAsync("-stay_open\nFalse\n");
                await process.StandardInput.FlushAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
            {
                // Fall through to kill.
            }
        }

        await KillAsync();
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Debug, Message = "Started exiftool process {ProcessId}")]
    private static partial void LogStarted(ILogger logger, int processId);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "exiftool timed out after {Timeout}; process killed")]
    private static partial void LogTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Warning, Message = "exiftool exited during a command: {Errors}")]
    private static partial void LogDied(ILogger logger, string errors);
}
