using ImageTagger.Ai;
using ImageTagger.Ai.Tagging;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Tags;
using ImageTagger.Imaging;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Processing.Description;

/// <summary>Asks the vision model for a description and tags, then queues the embedding and the write-back.</summary>
public sealed class DescribeHandler(
    NpgsqlDataSource dataSource, IImageProcessor processor, ThumbnailStore thumbnails, IOptions<ImagingOptions> imaging, IImageDescriber describer)
    : ImageJobHandler(dataSource)
{
    /// <summary>Errors that say the model could not be reached start with this, so they can be re-queued when it is back.</summary>
    public const string UnavailablePrefix = "ollama unavailable: ";

    public override string Kind => JobKinds.Describe;

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image))
        {
            return;
        }

        byte[] jpeg;
        try
        {
            jpeg = await thumbnails.ReadAiImageAsync(image.Id, imaging.Value, cancellationToken)
                ?? (await Task.Run(() => processor.CreateAiImage(image.Path, cancellationToken), cancellationToken)).Data;
        }
        catch (ImageDecodeException) when (!File.Exists(image.Path))
        {
            await MarkMissingAsync(context, image.Id, cancellationToken);
            return;
        }
        catch (ImageDecodeException ex)
        {
            throw new PermanentJobException(ex.Message, ex);
        }

        ImageDescription description;
        try
        {
            description = await describer.DescribeAsync(jpeg, "image/jpeg", new ImageHints
            {
                FileName = image.FileName,
                AltText = image.AltText,
                Keywords = image.Tags.Where(t => t.Source == TagSource.Metadata).Select(t => t.Tag!.Name).ToList(),
            }, cancellationToken);
        }
        catch (OllamaException ex)
        {
            throw new InvalidOperationException(UnavailablePrefix + ex.Message, ex);
        }
        catch (ImageDescriptionException ex) when (context.Job.Attempt >= 2)
        {
            // A model that answered garbage twice for the same image will not do better on a third try.
            throw new PermanentJobException($"model answer unusable: {ex.Message}", ex);
        }

        await context.CompleteAsync(async (db, connection, transaction, ct) =>
        {
            await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Description, description.Description)
                .SetProperty(i => i.DescriptionModel, description.Model)
                .SetProperty(i => i.DescribedAt, DateTimeOffset.UtcNow)
                .SetProperty(i => i.Status, ImageStatus.Described)
                .SetProperty(i => i.Error, (string?)null)
                .SetProperty(i => i.UpdatedAt, DateTimeOffset.UtcNow), ct);
            await TagStore.ReplaceForSourceAsync(connection, transaction, image.Id, TagSource.Ai, description.Tags, ct);
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.Embed, image.Id, image.FolderId), ct);
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.TextEmbed, image.Id, image.FolderId), ct);
            if (image.Folder?.WriteBackMode is not null and not Catalog.Folders.WriteBackMode.None)
            {
                await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.WriteBack, image.Id, image.FolderId), ct);
            }
        }, cancellationToken);
    }
}
