using ImageTagger.Ai.Offline;

namespace ImageTagger.Processing.Offline;

/// <summary>
/// Verifies the offline model files when the service starts, so a missing file is a clear error in the log at once
/// (naming the files and how to get them) instead of a stream of parked jobs. The service still starts: the other
/// stages work without the models, and the offline jobs park with the same message.
/// </summary>
public sealed partial class OfflineModelCheck(OfflineModels models, ILogger<OfflineModelCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            models.Verify();
            LogVerified(logger, models.Directory, models.Options.Ocr, models.Options.Features, models.Options.TextEmbeddings);
        }
        catch (OfflineModelsMissingException ex)
        {
            LogMissing(logger, ex.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline AI models present in {Directory} (ocr {Ocr}, features {Features}, text embeddings {Text})")]
    private static partial void LogVerified(ILogger logger, string directory, bool ocr, bool features, bool text);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogMissing(ILogger logger, string message);
}
