namespace ImageTagger.Imaging.ExifTool;

public enum ExifToolFailure
{
    /// <summary>exiftool is not installed or could not be started.</summary>
    NotAvailable,

    /// <summary>The process exited while a command was running; the next command starts a new one.</summary>
    ProcessDied,

    /// <summary>The command exceeded <see cref="ImagingOptions.ExifToolCommandTimeout"/>; the process was killed.</summary>
    Timeout,

    /// <summary>An argument cannot be sent through the argument-file protocol (e.g. a line break in a path).</summary>
    InvalidArgument,
}

public sealed class ExifToolException(ExifToolFailure reason, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ExifToolFailure Reason { get; } = reason;
}

/// <summary>What one exiftool command printed: stdout (results) and stderr (errors, warnings, counts).</summary>
public sealed record ExifToolResult(string Output, string Errors)
{
    /// <summary>Lines starting with "Error" (exiftool's per-file failures).</summary>
    public IReadOnlyList<string> ErrorLines { get; } = Errors
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => l.StartsWith("Error", StringComparison.Ordinal))
        .ToArray();

    public bool HasErrors => ErrorLines.Count > 0;
}
