using System.Collections.Concurrent;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Scanning;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Watching;

/// <summary>
/// Watches active folders and feeds changed paths to the scanner once they have been quiet for the debounce
/// time (a file still being copied is processed once, when complete). Watching is best effort: when a
/// watcher cannot be created or overflows, the folder gets a full scan, and periodic rescans remain.
/// </summary>
public sealed partial class FolderWatcherService(
    NpgsqlDataSource dataSource,
    FolderScanner scanner,
    JobQueue queue,
    IOptions<ProcessingOptions> options,
    TimeProvider timeProvider,
    ILogger<FolderWatcherService> logger) : BackgroundService
{
    private readonly Dictionary<long, FileSystemWatcher> _watchers = [];
    private readonly ConcurrentDictionary<string, (long FolderId, DateTimeOffset LastEvent)> _pending = new(StringComparer.Ordinal);
    private readonly ProcessingOptions _options = options.Value;

    /// <summary>Folders currently watched, for diagnostics and tests.</summary>
    public IReadOnlyCollection<long> WatchedFolders => [.. _watchers.Keys];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WatchFolders)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_options.WatchDebounce.TotalMilliseconds / 4, 50, 1000)), timeProvider);
        var nextSync = DateTimeOffset.MinValue;
        try
        {
            do
            {
                try
                {
                    var now = timeProvider.GetUtcNow();
                    if (now >= nextSync)
                    {
                        await SyncWatchersAsync(stoppingToken);
                        nextSync = now.AddSeconds(5);
                    }

                    await FlushSettledAsync(now, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogIterationFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }
    }

    private async Task SyncWatchersAsync(CancellationToken cancellationToken)
    {
        var active = new Dictionary<long, (string Path, bool Recursive)>();
        await using (var command = dataSource.CreateCommand("SELECT id, path, recursive FROM folders WHERE active"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                active[reader.GetInt64(0)] = (reader.GetString(1), reader.GetBoolean(2));
            }
        }

        foreach (var (id, watcher) in _watchers.ToList())
        {
            if (!active.TryGetValue(id, out var folder) || folder.Path != watcher.Path || folder.Recursive != watcher.IncludeSubdirectories)
            {
                watcher.Dispose();
                _watchers.Remove(id);
            }
        }

        foreach (var (id, folder) in active)
        {
            if (_watchers.ContainsKey(id) || !Directory.Exists(folder.Path))
            {
                continue;
            }

            try
            {
                var watcher = new FileSystemWatcher(folder.Path)
                {
                    IncludeSubdirectories = folder.Recursive,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                    InternalBufferSize = 64 * 1024,
                };
                var folderId = id;
                watcher.Created += (_, e) => Touch(folderId, e.FullPath);
                watcher.Changed += (_, e) => Touch(folderId, e.FullPath);
                watcher.Deleted += (_, e) => Touch(folderId, e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    Touch(folderId, e.OldFullPath);
                    Touch(folderId, e.FullPath);
                };
                watcher.Error += (_, e) => OnWatcherError(folderId, e.GetException());
                watcher.EnableRaisingEvents = true;
                _watchers[id] = watcher;
                LogWatching(logger, id, folder.Path);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                LogWatchUnavailable(logger, id, folder.Path, ex.Message);
            }
        }
    }

    private void Touch(long folderId, string path) => _pending[path] = (folderId, timeProvider.GetUtcNow());

    private void OnWatcherError(long folderId, Exception exception)
    {
        // Events were lost (buffer overflow): only a full scan knows what changed.
        LogWatcherOverflow(logger, folderId, exception.Message);
        _ = queue.EnqueueAsync(NewJob.ScanFolder(folderId));
    }

    private async Task FlushSettledAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settled = _pending.Where(p => now - p.Value.LastEvent >= _options.WatchDebounce).ToList();
        if (settled.Count == 0)
        {
            return;
        }

        foreach (var group in settled.GroupBy(p => p.Value.FolderId))
        {
            var paths = new List<string>();
            foreach (var (path, seen) in group)
            {
                if (_pending.TryRemove(new KeyValuePair<string, (long, DateTimeOffset)>(path, seen)))
                {
                    if (Directory.Exists(path))
                    {
                        // A folder moved in: its files are only found by a scan.
                        await queue.EnqueueAsync(NewJob.ScanFolder(group.Key), cancellationToken);
                        continue;
                    }

                    if (FileWalker.IsCandidate(path))
                    {
                        paths.Add(path);
                    }
                }
            }

            if (paths.Count > 0)
            {
                var result = await scanner.ScanPathsAsync(group.Key, paths, cancellationToken);
                LogApplied(logger, group.Key, paths.Count, result.Added, result.Changed, result.Missing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching folder {FolderId} at {Path}")]
    private static partial void LogWatching(ILogger logger, long folderId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch folder {FolderId} at {Path} ({Reason}); periodic rescans still cover it")]
    private static partial void LogWatchUnavailable(ILogger logger, long folderId, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watcher for folder {FolderId} lost events ({Reason}); scanning the folder")]
    private static partial void LogWatcherOverflow(ILogger logger, long folderId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Folder {FolderId}: {Count} changed path(s) applied: {Added} new, {Changed} changed, {Missing} missing")]
    private static partial void LogApplied(ILogger logger, long folderId, int count, int added, int changed, int missing);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folder watching iteration failed: {Reason}")]
    private static partial void LogIterationFailed(ILogger logger, string reason);
}
