using System.Diagnostics;
using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Processing.Scanning;

public sealed record ScanResult(int Seen, int Added, int Changed, int Missing, int Unchanged, TimeSpan Elapsed, string? Error);

/// <summary>
/// Brings the catalog in step with one folder on disk. Unchanged files cost a stat and nothing else;
/// new and changed files get an analyze job; files that disappeared are marked missing (their rows,
/// tags and descriptions stay, so a moved file can be recognised by checksum and keep them).
/// Changes are written in batches of <see cref="ProcessingOptions.ScanBatch"/> files, each batch with its jobs in one
/// transaction: a first scan of a million files never runs one statement for minutes, and what a scan that dies has
/// committed is kept (the next scan sees those rows as known and queues what is still unanalysed).
/// </summary>
public sealed partial class FolderScanner(NpgsqlDataSource dataSource, JobQueue queue, IOptions<ProcessingOptions> options, ILogger<FolderScanner> logger)
{
    private readonly int _batch = options.Value.ScanBatch;

    public async Task<ScanResult> ScanAsync(long folderId, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string path;
        bool recursive;
        int expected; // rows the catalog keeps for the folder (its counters): sizes the maps of a large scan once
        await using (var read = new NpgsqlCommand(
            "SELECT path, recursive, (SELECT coalesce(sum(images), 0)::int FROM image_counts WHERE folder_id = @id) FROM folders WHERE id = @id", connection))
        {
            read.Parameters.AddWithValue("id", folderId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new Jobs.PermanentJobException($"folder {folderId} no longer exists");
            }

            path = reader.GetString(0);
            recursive = reader.GetBoolean(1);
            expected = reader.GetInt32(2);
        }

        if (!Directory.Exists(path))
        {
            // An unmounted disk must not mark a whole library missing: report and change nothing.
            var error = $"folder not found or not readable: {path}";
            await RecordScanAsync(connection, null, folderId, error, cancellationToken);
            LogFolderUnavailable(logger, folderId, path);
            return new ScanResult(0, 0, 0, 0, 0, stopwatch.Elapsed, error);
        }

        // The catalog's rows are read while the disk is walked (a million of each take seconds apiece). A file the
        // watcher adds meanwhile looks new to this scan, and the insert's ON CONFLICT makes that a no-op.
        var knownRows = ReadKnownAsync(folderId, paths: null, expected, cancellationToken);
        var onDisk = new Dictionary<string, FileCandidate>(expected, StringComparer.Ordinal);
        try
        {
            await Task.Run(() =>
            {
                foreach (var file in FileWalker.Walk(path, recursive, cancellationToken))
                {
                    onDisk[file.Path] = file;
                }
            }, cancellationToken);
        }
        catch
        {
            await ((Task)knownRows).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var counts = await ApplyAsync(connection, folderId, onDisk, await knownRows, paths: null, cancellationToken);
        var result = counts with { Elapsed = stopwatch.Elapsed };
        LogScanned(logger, folderId, path, result.Seen, result.Added, result.Changed, result.Missing, result.Unchanged, stopwatch.ElapsedMilliseconds);
        return result;
    }

    /// <summary>
    /// Brings just these paths of a folder in step (what a watcher saw change): present files are added or
    /// updated, absent ones marked missing.
    /// </summary>
    public async Task<ScanResult> ScanPathsAsync(long folderId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var onDisk = new Dictionary<string, FileCandidate>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (info.Exists && FileWalker.IsCandidate(path))
            {
                onDisk[path] = new FileCandidate(path, info.Length, FileWalker.Truncate(info.LastWriteTimeUtc));
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var result = await ApplyAsync(connection, folderId, onDisk, await ReadKnownAsync(folderId, paths, paths.Count, cancellationToken), paths, cancellationToken);
        return result with { Elapsed = stopwatch.Elapsed };
    }

    /// <summary>The catalog's rows of the folder (or of just these paths), by path, on a connection of its own.</summary>
    private async Task<Dictionary<string, KnownRow>> ReadKnownAsync(long folderId, IReadOnlyCollection<string>? paths, int expected, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, KnownRow>(expected, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var read = new NpgsqlCommand("SELECT id, path, size_bytes, modified_at, status FROM images WHERE folder_id = @id AND (@paths::text[] IS NULL OR path = ANY(@paths))", connection);
        read.Parameters.AddWithValue("id", folderId);
        read.Parameters.Add(new NpgsqlParameter("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)paths?.ToArray() ?? DBNull.Value });
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known[reader.GetString(1)] = new KnownRow(reader.GetInt64(0), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), Status(reader.GetString(4)));
        }

        return known;
    }

    private async Task<ScanResult> ApplyAsync(NpgsqlConnection connection, long folderId, Dictionary<string, FileCandidate> onDisk, Dictionary<string, KnownRow> known, IReadOnlyCollection<string>? paths, CancellationToken cancellationToken)
    {
        var added = new List<FileCandidate>();
        var changed = new List<(long Id, FileCandidate File)>();
        var retry = new List<long>();
        var unchanged = 0;
        foreach (var file in onDisk.Values)
        {
            if (!known.TryGetValue(file.Path, out var row))
            {
                added.Add(file);
            }
            else if (row.Size != file.Size || row.ModifiedAt != file.ModifiedAt || row.Status == "Missing")
            {
                changed.Add((row.Id, file));
            }
            else
            {
                unchanged++;
                if (row.Status == "Discovered")
                {
                    retry.Add(row.Id); // never analyzed (queue cleared?): the dedupe key keeps this from doubling work
                }
            }
        }

        var missing = known.Where(k => k.Value.Status != "Missing" && !onDisk.ContainsKey(k.Key)).Select(k => k.Value.Id).ToArray();

        foreach (var batch in added.Chunk(_batch))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var toAnalyze = new List<long>(batch.Length);
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO images (folder_id, path, file_name, size_bytes, modified_at, status)
                SELECT @folderId, p, f, s, m, 'Discovered' FROM unnest(@paths, @names, @sizes, @times) AS t(p, f, s, m)
                ON CONFLICT (path) DO UPDATE SET size_bytes = excluded.size_bytes, modified_at = excluded.modified_at,
                    status = 'Discovered', error = NULL, updated_at = now()
                -- Someone else (the watcher) catalogued it meanwhile: only a real change means new work.
                WHERE images.size_bytes <> excluded.size_bytes OR images.modified_at <> excluded.modified_at OR images.status = 'Missing'
                RETURNING id;
                """,
                connection,
                transaction))
            {
                insert.Parameters.AddWithValue("folderId", folderId);
                insert.Parameters.AddWithValue("paths", batch.Select(a => a.Path).ToArray());
                insert.Parameters.AddWithValue("names", batch.Select(a => Path.GetFileName(a.Path)).ToArray());
                insert.Parameters.AddWithValue("sizes", batch.Select(a => a.Size).ToArray());
                insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(a => a.ModifiedAt.UtcDateTime).ToArray() });
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    toAnalyze.Add(reader.GetInt64(0));
                }
            }

            await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.Analyze, toAnalyze, folderId, cancellationToken: cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var batch in changed.Chunk(_batch))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var toAnalyze = new List<long>(batch.Length);
            await using (var update = new NpgsqlCommand(
                """
                UPDATE images i SET size_bytes = t.s, modified_at = t.m, status = 'Discovered', error = NULL, updated_at = now()
                FROM unnest(@ids, @sizes, @times) AS t(id, s, m)
                WHERE i.id = t.id AND (i.size_bytes <> t.s OR i.modified_at <> t.m OR i.status = 'Missing')
                RETURNING i.id;
                """,
                connection,
                transaction))
            {
                update.Parameters.AddWithValue("ids", batch.Select(c => c.Id).ToArray());
                update.Parameters.AddWithValue("sizes", batch.Select(c => c.File.Size).ToArray());
                update.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(c => c.File.ModifiedAt.UtcDateTime).ToArray() });
                await using var reader = await update.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    toAnalyze.Add(reader.GetInt64(0)); // still changed when the statement ran (our own write-back updates the row)
                }
            }

            await queue.EnqueueForImagesAsync(connection, transaction, JobKinds.Analyze, toAnalyze, folderId, cancellationToken: cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var batch in missing.Chunk(_batch))
        {
            await using var markMissing = new NpgsqlCommand(
                "UPDATE images SET status = 'Missing', error = 'file not found at last scan', updated_at = now() WHERE id = ANY(@ids)",
                connection);
            markMissing.Parameters.AddWithValue("ids", batch);
            await markMissing.ExecuteNonQueryAsync(cancellationToken);
        }

        // Never analysed yet (e.g. a scan that died before committing its jobs ran again): only if still so now.
        foreach (var batch in retry.Chunk(_batch))
        {
            await queue.EnqueueForImagesAsync(connection, null, JobKinds.Analyze, batch, folderId, cancellationToken: cancellationToken, onlyIfStatus: "Discovered");
        }

        if (paths is null)
        {
            await RecordScanAsync(connection, null, folderId, null, cancellationToken);
        }

        return new ScanResult(onDisk.Count, added.Count, changed.Count, missing.Length, unchanged, TimeSpan.Zero, null);
    }

    private static async Task RecordScanAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long folderId, string? error, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            """
            UPDATE folders SET last_scan_at = now(), last_scan_error = @error, updated_at = now(),
                image_count = (SELECT count(*) FROM images WHERE folder_id = @id AND status NOT IN ('Missing'))
            WHERE id = @id;
            """,
            connection,
            transaction);
        update.Parameters.AddWithValue("id", folderId);
        update.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private readonly record struct KnownRow(long Id, long Size, DateTimeOffset ModifiedAt, string Status);

    // The statuses the scanner compares, one shared string each instead of one kept per row of a million.
    private static string Status(string status) => status switch
    {
        "Missing" => "Missing",
        "Discovered" => "Discovered",
        "Done" => "Done",
        _ => status,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Scanned folder {FolderId} ({Path}): {Seen} files, {Added} new, {Changed} changed, {Missing} missing, {Unchanged} unchanged in {ElapsedMs} ms")]
    private static partial void LogScanned(ILogger logger, long folderId, string path, int seen, int added, int changed, int missing, int unchanged, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folder {FolderId} is unavailable ({Path}); nothing was marked missing")]
    private static partial void LogFolderUnavailable(ILogger logger, long folderId, string path);
}
