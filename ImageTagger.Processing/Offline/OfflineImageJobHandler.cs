using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Images;
using ImageTagger.Imaging;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Pipeline;
using Npgsql;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// An offline model stage for one image (ocr, features): runs when its switch is on (settings apply without a
/// restart), does nothing but complete when it is off. Missing model files park the job with the start-up
/// check's message; an undecodable picture parks it without touching the image's status (the offline
/// stages are extras: an image that analysed fine stays usable).
/// </summary>
public abstract class OfflineImageJobHandler(NpgsqlDataSource dataSource, OfflineModels models, OfflineImageSource source) : ImageJobHandler(dataSource)
{
    protected OfflineModels Models { get; } = models;

    protected abstract bool Enabled(OfflineAiOptions options);

    /// <summary>The model's work on the upright picture; finishes with <see cref="JobContext.CompleteAsync"/>.</summary>
    protected abstract Task RunAsync(JobContext context, Image image, byte[] picture, CancellationToken cancellationToken);

    /// <summary>What to do instead when the stage is switched off (by default, just complete).</summary>
    protected virtual Task SkipAsync(JobContext context, Image image, CancellationToken cancellationToken) =>
        context.CompleteAsync(null, cancellationToken);

    public override async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var image = await LoadImageAsync(context.ImageId, cancellationToken);
        if (IsSettled(image))
        {
            return;
        }

        if (!Enabled(Models.Options))
        {
            await SkipAsync(context, image, cancellationToken);
            return;
        }

        byte[] picture;
        try
        {
            Models.Verify();
            picture = await source.ReadAsync(image, cancellationToken);
        }
        catch (OfflineModelsMissingException ex)
        {
            throw new PermanentJobException(ex.Message, ex);
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

        await RunAsync(context, image, picture, cancellationToken);
    }

    /// <summary>The image stays as analysis left it; the failed stage's reason is in the job.</summary>
    public override Task OnParkedAsync(Catalog.Jobs.ClaimedJob job, string error, CancellationToken cancellationToken) => Task.CompletedTask;
}
