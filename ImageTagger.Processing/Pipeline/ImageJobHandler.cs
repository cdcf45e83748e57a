using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Processing.Pipeline;

/// <summary>A pipeline stage for one image: a parked job leaves the image failed with the stage and reason.</summary>
public abstract class ImageJobHandler(NpgsqlDataSource dataSource) : IJobHandler
{
    public abstract string Kind { get; }

    protected NpgsqlDataSource DataSource { get; } = dataSource;

    public abstract Task HandleAsync(JobContext context, CancellationToken cancellationToken);

    public virtual async Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken)
    {
        if (job.ImageId is not { } imageId)
        {
            return;
        }

        await using var command = DataSource.CreateCommand(
            "UPDATE images SET status = 'Failed', error = @error, updated_at = now() WHERE id = @id AND status NOT IN ('Missing', 'Duplicate')");
        command.Parameters.AddWithValue("error", $"{Kind}: {error}");
        command.Parameters.AddWithValue("id", imageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The image as it is now, or null if it was removed from the catalog meanwhile.</summary>
    protected async Task<Image?> LoadImageAsync(long imageId, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var db = CatalogDbContext.ForConnection(connection);
        return await db.Images.AsNoTracking().Include(i => i.Folder).Include(i => i.Tags).ThenInclude(t => t.Tag)
            .SingleOrDefaultAsync(i => i.Id == imageId, cancellationToken);
    }

    /// <summary>Work for an image that is gone or a duplicate is done: nothing left to do.</summary>
    protected static bool IsSettled([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] Image? image) => image is null || image.Status is ImageStatus.Missing or ImageStatus.Duplicate;

    protected static Task MarkMissingAsync(JobContext context, long imageId, CancellationToken cancellationToken) =>
        context.CompleteAsync(async (db, _, _, ct) =>
            await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, ImageStatus.Missing)
                .SetProperty(i => i.Error, "file disappeared while it was being processed")
                .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct), cancellationToken);
}
