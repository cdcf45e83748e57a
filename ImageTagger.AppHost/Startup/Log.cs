using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Startup;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Added folder {Path} through {Endpoint}: it is being scanned")]
    public static partial void FolderAdded(ILogger logger, string path, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adding folder {Path} failed: {Error}")]
    public static partial void FolderError(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adding folder {Path} failed (HTTP {Status}): {Body}")]
    public static partial void FolderHttpError(ILogger logger, string path, int status, string body);
}
