using ImageTagger.Catalog;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Api.Folders;

public sealed record FolderResult(Folder? Folder, FolderErrorCode? Code = null, string? Message = null)
{
    public static FolderResult Fail(FolderErrorCode code, string message) => new(null, code, message);
}

/// <summary>Folder management: every change that needs a scan queues one in the same transaction.</summary>
public sealed class FolderService(CatalogDbContext db, NpgsqlDataSource dataSource, JobQueue queue, IOptionsMonitor<FolderOptions> options)
{
    public Task<List<Folder>> ListAsync(CancellationToken cancellationToken) =>
        db.Folders.AsNoTracking().OrderBy(f => f.Path).ToListAsync(cancellationToken);

    public async Task<FolderResult> AddAsync(string? path, bool recursive, WriteBackMode writeBackMode, CancellationToken cancellationToken)
    {
        var check = FolderPaths.Check(path, options.CurrentValue.AllowedRoots);
        if (!check.Ok)
        {
            return FolderResult.Fail(check.Code!.Value, check.Message!);
        }

        if (await db.Folders.AnyAsync(f => f.Path == check.RealPath, cancellationToken))
        {
            return FolderResult.Fail(FolderErrorCode.AlreadyAdded, $"'{check.RealPath}' is already in the library.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO folders (path, recursive, active, write_back_mode) VALUES (@path, @recursive, true, @mode)
            ON CONFLICT (path) DO NOTHING RETURNING id;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("path", check.RealPath!);
        command.Parameters.AddWithValue("recursive", recursive);
        command.Parameters.AddWithValue("mode", writeBackMode.ToString());
        if (await command.ExecuteScalarAsync(cancellationToken) is not long id)
        {
            return FolderResult.Fail(FolderErrorCode.AlreadyAdded, $"'{check.RealPath}' is already in the library.");
        }

        await queue.EnqueueAsync(connection, transaction, NewJob.ScanFolder(id), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new FolderResult(await db.Folders.AsNoTracking().SingleAsync(f => f.Id == id, cancellationToken));
    }

    public async Task<FolderResult> UpdateAsync(long id, bool? active, bool? recursive, WriteBackMode? writeBackMode, CancellationToken cancellationToken)
    {
        var folder = await db.Folders.SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (folder is null)
        {
            return FolderResult.Fail(FolderErrorCode.FolderNotFound, $"No folder with id {id}.");
        }

        var rescan = (active == true && !folder.Active) || (recursive is not null && recursive != folder.Recursive);
        folder.Active = active ?? folder.Active;
        folder.Recursive = recursive ?? folder.Recursive;
        folder.WriteBackMode = writeBackMode ?? folder.WriteBackMode;
        folder.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        if (rescan)
        {
            await queue.EnqueueAsync(NewJob.ScanFolder(id), cancellationToken);
        }

        return new FolderResult(folder);
    }

    /// <summary>Removes the folder from the library (its images, tags and embeddings go too); files on disk are untouched.</summary>
    public async Task<FolderResult> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        var folder = await db.Folders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (folder is null)
        {
            return FolderResult.Fail(FolderErrorCode.FolderNotFound, $"No folder with id {id}.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'Cancelled', updated_at = now() WHERE folder_id = @id AND state IN ('Queued', 'Parked');
            DELETE FROM folders WHERE id = @id;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new FolderResult(folder);
    }

    /// <summary>Queues a scan of one folder, or of every active folder when <paramref name="id"/> is null.</summary>
    public async Task<int> ScanAsync(long? id, CancellationToken cancellationToken)
    {
        var ids = await db.Folders.AsNoTracking().Where(f => id == null ? f.Active : f.Id == id).Select(f => f.Id).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var folderId in ids)
        {
            // Already pending counts as queued: the user's intent is met.
            await queue.EnqueueAsync(NewJob.ScanFolder(folderId, priority: 20), cancellationToken);
            queued++;
        }

        return queued;
    }
}
