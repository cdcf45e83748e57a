using ImageTagger.Ai.Tagging;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Tags;
using ImageTagger.Imaging;
using ImageTagger.Imaging.Metadata;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Processing.Analysis;

/// <summary>
/// Sniffs the content, fingerprints the file, recognises moves and duplicates by checksum, makes
/// thumbnails, reads EXIF/GPS and embedded keywords, then hands the image to the AI stage.
/// </summary>
public sealed partial class AnalyzeHandler(
    NpgsqlDataSource dataSource,
    IImageProcessor processor,
    IImageMetadataReader metadataReader,
    ThumbnailStore thumbnails,
    TagNormalizer tagNormalizer,
    ILogger<AnalyzeHandler> logger) : ImageJobHandler(dataSource)
{
    public override string Kind => JobKinds.Analyze;

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image))
        {
            return;
        }

        var path = image!.Path;
        if (!File.Exists(path))
        {
            await MarkMissingAsync(context, image.Id, cancellationToken);
            return;
        }

        try
        {
            await AnalyzeAsync(context, image, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException || (ex is ImageDecodeException && !File.Exists(path)))
        {
            await MarkMissingAsync(context, image.Id, cancellationToken);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new PermanentJobException($"file is not readable: {ex.Message}", ex);
        }
        catch (ImageDecodeException ex)
        {
            throw new PermanentJobException(ex.Message, ex);
        }
    }

    private async Task AnalyzeAsync(JobContext context, Image image, CancellationToken cancellationToken)
    {
        var path = image.Path;
        var format = ImageFormatSniffer.DetectFile(path);
        if (format == ImageFormat.Unknown)
        {
            throw new PermanentJobException("not an image: the content is not JPEG, PNG, GIF, BMP, WebP, TIFF or HEIF");
        }

        var info = new FileInfo(path);
        var checksum = await FileFingerprint.ComputeSha256Async(path, cancellationToken);

        // A file whose bytes we already know: a moved/renamed file (the old one is missing) keeps its
        // identity, description and tags; a second copy of a present file is a duplicate, not new work.
        var twin = await ClaimChecksumAsync(image.Id, checksum, cancellationToken);
        if (twin is { Status: ImageStatus.Missing })
        {
            await AdoptMovedAsync(context, image, twin, info, cancellationToken);
            return;
        }

        if (twin is not null)
        {
            await context.CompleteAsync(async (db, _, _, ct) =>
                await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Status, ImageStatus.Duplicate)
                    .SetProperty(i => i.DuplicateOfId, twin.Id)
                    .SetProperty(i => i.Error, $"duplicate of image {twin.Id} ({twin.Path})")
                    .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct), cancellationToken);
            LogDuplicate(logger, image.Id, twin.Id);
            return;
        }

        // One decode gives the thumbnails and the model's JPEG; the latter is cached so describe need not decode again.
        var (probe, renditions) = await Task.Run(() => (processor.Probe(path, cancellationToken), processor.CreateStandardRenditions(path, cancellationToken)), cancellationToken);
        foreach (var rendition in renditions.Thumbnails)
        {
            await thumbnails.WriteAsync(image.Id, rendition, cancellationToken);
        }

        if (!renditions.AiImageIsThumbnail)
        {
            await thumbnails.WriteAiImageAsync(image.Id, renditions.AiImage, cancellationToken);
        }

        ImageMetadata metadata;
        try
        {
            metadata = metadataReader.Read(path, cancellationToken);
        }
        catch (ImageMetadataException ex)
        {
            // Pixels decoded fine; unreadable metadata is a note, not a failure.
            LogMetadataUnreadable(logger, image.Id, ex.Message);
            metadata = new ImageMetadata { Warnings = [ex.Message] };
        }

        var keywords = tagNormalizer.Normalize(metadata.Keywords);

        // Most cameras record wall-clock time without a zone: keep that wall time (as UTC) rather than guess a zone.
        var takenAt = metadata.TakenAt?.ToUniversalTime()
            ?? (metadata.TakenAtLocal is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero) : null);
        var needsDescription = image.DescriptionModel is null || !string.Equals(metadata.Description?.Trim(), image.Description?.Trim(), StringComparison.Ordinal);
        await context.CompleteAsync(async (db, connection, transaction, ct) =>
        {
            await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Checksum, checksum)
                .SetProperty(i => i.SizeBytes, info.Length)
                .SetProperty(i => i.Format, format.ToString().ToLowerInvariant())
                .SetProperty(i => i.Width, probe.DisplayWidth)
                .SetProperty(i => i.Height, probe.DisplayHeight)
                .SetProperty(i => i.Orientation, (short)probe.Orientation)
                .SetProperty(i => i.TakenAt, takenAt)
                .SetProperty(i => i.CameraMake, metadata.CameraMake)
                .SetProperty(i => i.CameraModel, metadata.CameraModel)
                .SetProperty(i => i.Lens, metadata.Lens)
                .SetProperty(i => i.Latitude, metadata.Location == null ? null : metadata.Location.Latitude)
                .SetProperty(i => i.Longitude, metadata.Location == null ? null : metadata.Location.Longitude)
                .SetProperty(i => i.Altitude, metadata.Location == null ? null : metadata.Location.Altitude)
                .SetProperty(i => i.Exif, metadata.Exif.ToDictionary())
                .SetProperty(i => i.Status, needsDescription ? ImageStatus.Analyzed : ImageStatus.Done)
                .SetProperty(i => i.Error, (string?)null)
                .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct);
            await TagStore.ReplaceForSourceAsync(connection, transaction, image.Id, TagSource.Metadata, keywords, ct);
            if (needsDescription)
            {
                await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.Describe, image.Id, image.FolderId), ct);
            }

            // The offline stages run beside describe, in their own lane; a stage switched off completes at once.
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.Ocr, image.Id, image.FolderId), ct);
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.Features, image.Id, image.FolderId), ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Finds another image with the same bytes, or records this checksum as ours. A transaction-scoped
    /// advisory lock on the checksum makes two copies analysed at the same moment agree on one original.
    /// </summary>
    private async Task<Image?> ClaimChecksumAsync(long imageId, string checksum, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@checksum, 0))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("checksum", checksum);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var db = CatalogDbContext.ForConnection(connection);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        var twins = await db.Images.AsNoTracking()
            .Where(i => i.Checksum == checksum && i.Id != imageId && i.Status != ImageStatus.Duplicate)
            .OrderBy(i => i.Id)
            .ToListAsync(cancellationToken);

        // Prefer a present original. A twin whose file is gone is a move, even before a scan notices.
        var twin = twins.FirstOrDefault(t => t.Status != ImageStatus.Missing && File.Exists(t.Path));
        if (twin is null && twins.Count > 0)
        {
            twin = twins[0];
            twin.Status = ImageStatus.Missing;
        }

        if (twin is null)
        {
            await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Checksum, checksum), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return twin;
    }

    private async Task AdoptMovedAsync(JobContext context, Image image, Image moved, FileInfo info, CancellationToken cancellationToken)
    {
        await context.CompleteAsync(async (db, connection, transaction, ct) =>
        {
            // The new row was only a placeholder: the old row (with its tags, description and embedding) takes its path.
            await db.Images.Where(i => i.Id == image.Id).ExecuteDeleteAsync(ct);
            await db.Images.Where(i => i.Id == moved.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Path, image.Path)
                .SetProperty(i => i.FileName, image.FileName)
                .SetProperty(i => i.FolderId, image.FolderId)
                .SetProperty(i => i.SizeBytes, info.Length)
                .SetProperty(i => i.ModifiedAt, Scanning.FileWalker.Truncate(info.LastWriteTimeUtc))
                .SetProperty(i => i.Status, moved.DescriptionModel == null ? ImageStatus.Analyzed : ImageStatus.Done)
                .SetProperty(i => i.Error, (string?)null)
                .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct);
            if (moved.DescriptionModel is null)
            {
                await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.Describe, moved.Id, image.FolderId), ct);
            }
        }, cancellationToken);
        LogMoved(logger, moved.Id, moved.Path, image.Path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {ImageId} is a duplicate of {OriginalId}")]
    private static partial void LogDuplicate(ILogger logger, long imageId, long originalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {ImageId} moved from {OldPath} to {NewPath}; it keeps its tags")]
    private static partial void LogMoved(ILogger logger, long imageId, string oldPath, string newPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metadata of image {ImageId} is unreadable: {Reason}")]
    private static partial void LogMetadataUnreadable(ILogger logger, long imageId, string reason);
}
