using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging.ExifTool;

/// <summary>Runs exiftool commands (one argument per list item, no shell quoting).</summary>
public interface IExifTool
{
    Task<ExifToolResult> ExecuteAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);
}

/// <summary>
/// A small pool of long-lived exiftool processes (<see cref="ImagingOptions.ExifToolProcesses"/>, default 1).
/// Thread-safe: callers queue for a free process; each process runs one command at a time, restarts if it
/// died, and is killed when a command times out or is cancelled.
/// </summary>
public sealed class ExifToolSession : IExifTool, IAsyncDisposable, IDisposable
{
    private readonly Channel<ExifToolProcess> _idle;
    private readonly ExifToolProcess[] _processes;
    private readonly TimeSpan _timeout;
    private int _disposed;

    public ExifToolSession(IOptions<ImagingOptions> options, ILogger<ExifToolSession> logger)
    {
        var value = options.Value;
        _timeout = value.ExifToolCommandTimeout;
        _processes = Enumerable.Range(0, value.ExifToolProcesses).Select(_ => new ExifToolProcess(value.ExifToolPath, logger)).ToArray();
        _idle = Channel.CreateUnbounded<ExifToolProcess>();
        foreach (var process in _processes)
        {
            _idle.Writer.TryWrite(process);
        }
    }

    /// <summary>Process ids of running exiftool processes (diagnostics and tests).</summary>
    internal IReadOnlyList<int> RunningProcessIds => _processes.Select(p => p.ProcessId).OfType<int>().ToArray();

    public async Task<ExifToolResult> ExecuteAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var process = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            return await process.ExecuteAsync(arguments, _timeout, cancellationToken);
        }
        finally
        {
            _idle.Writer.TryWrite(process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Let in-flight commands finish (briefly) before the processes are told to exit.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (var i = 0; i < _processes.Length; i++)
        {
            try
            {
                await _idle.Reader.ReadAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _idle.Writer.TryComplete();
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
