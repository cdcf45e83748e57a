using ImageTagger.Catalog.Jobs;
using ImageTagger.Imaging;
using ImageTagger.Imaging.WriteBack;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using ImageTagger.Processing.Scanning;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using CatalogWriteBackMode = ImageTagger.Catalog.Folders.WriteBackMode;

namespace ImageTagger.Processing.WriteBack;

/// <summary>
/// Writes description and keywords into the file (or an XMP sidecar) as the folder asks. The writer works
/// on a copy and swaps it in atomically; pixels are never re-encoded. The new size and time are recorded
/// so the next scan does not mistake our own write for a user's change.
/// </summary>
public sealed class WriteBackHandler(NpgsqlDataSource dataSource, IMetadataWriter writer) : ImageJobHandler(dataSource)
{
    public override string Kind => JobKinds.WriteBack;

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image) || image!.Description is null)
        {
            return;
        }

        var mode = image.Folder?.WriteBackMode switch
        {
            CatalogWriteBackMode.Embedded => WriteBackMode.Embedded,
            CatalogWriteBackMode.Sidecar => WriteBackMode.Sidecar,
            _ => WriteBackMode.None,
        };
        if (mode == WriteBackMode.None)
        {
            return;
        }

        if (!File.Exists(image.Path))
        {
            await MarkMissingAsync(context, image.Id, cancellationToken);
            return;
        }

        var keywords = image.Tags.Select(t => t.Tag!.Name).Order(StringComparer.Ordinal).ToList();
        try
        {
            await writer.WriteAsync(image.Path, new ImageAnnotation(image.Description, keywords), mode, cancellationToken);
        }
        catch (MetadataWriteException ex) when (ex.Reason is MetadataWriteFailure.ReadOnly or MetadataWriteFailure.InvalidPath)
        {
            throw new PermanentJobException($"write-back skipped: {ex.Message}", ex);
        }

        var info = new FileInfo(image.Path);
        await context.CompleteAsync(async (db, _, _, ct) =>
            await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.WrittenBackAt, DateTimeOffset.UtcNow)
                .SetProperty(i => i.SizeBytes, info.Length)
                .SetProperty(i => i.ModifiedAt, FileWalker.Truncate(info.LastWriteTimeUtc))
                .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct), cancellationToken);
    }

    /// <summary>A file that cannot be written (read-only, odd path) keeps its description and tags: report, don't fail the image.</summary>
    public override async Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken)
    {
        if (job.ImageId is not { } imageId)
        {
            return;
        }

        await using var command = DataSource.CreateCommand("UPDATE images SET error = @error, updated_at = now() WHERE id = @id");
        command.Parameters.AddWithValue("error", $"{Kind}: {error}");
        command.Parameters.AddWithValue("id", imageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
