using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.Imaging.Privacy;

/// <summary>
/// Cleans a thumbnail cache written by an older version (whose WebP thumbnails carried the original's EXIF and GPS)
/// before the service serves or writes anything: hosted services start before the web server listens and before
/// the job workers registered after this one.
/// </summary>
public sealed partial class ThumbnailCacheScrubber(ThumbnailStore store, ILogger<ThumbnailCacheScrubber> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var changed = await store.ScrubMetadataAsync(cancellationToken);
        if (changed > 0)
        {
            LogScrubbed(logger, changed, store.Root);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
        Message = "Removed EXIF/XMP/IPTC metadata from {Count} cached thumbnails in {Root} (made by an older version)")]
    private static partial void LogScrubbed(ILogger logger, int count, string root);
}
