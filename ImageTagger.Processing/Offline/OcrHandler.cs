using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Imaging.Pixels;
using ImageTagger.Processing.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// Reads the text in the picture (PaddleOCR, offline) into images.ocr_text with its confidence, which the keyword
/// search document includes; then the image's text is embedded again (text-embed), OCR on or off.
/// </summary>
public sealed class OcrHandler(NpgsqlDataSource dataSource, OfflineModels models, OfflineImageSource source, PaddleOcr ocr)
    : OfflineImageJobHandler(dataSource, models, source)
{
    public override string Kind => JobKinds.Ocr;

    protected override bool Enabled(OfflineAiOptions options) => options.Ocr;

    protected override async Task RunAsync(JobContext context, Image image, byte[] picture, CancellationToken cancellationToken)
    {
        var pixels = RgbDecoder.Fit(picture, 1024, image.Path);
        var result = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), cancellationToken);
        var text = result.Text;
        var confidence = result.Confidence is { } c ? (float?)c : null;
        await context.CompleteAsync(async (db, connection, transaction, ct) =>
        {
            await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.OcrText, text)
                .SetProperty(i => i.OcrConfidence, confidence)
                .SetProperty(i => i.OcrAt, DateTimeOffset.UtcNow), ct);
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.TextEmbed, image.Id, image.FolderId), ct);
        }, cancellationToken);
    }

    protected override Task SkipAsync(JobContext context, Image image, CancellationToken cancellationToken) =>
        context.CompleteAsync(async (_, connection, transaction, ct) =>
            await context.EnqueueAsync(connection, transaction, NewJob.ForImage(JobKinds.TextEmbed, image.Id, image.FolderId), ct), cancellationToken);
}
