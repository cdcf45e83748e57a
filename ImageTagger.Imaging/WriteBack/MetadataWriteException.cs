namespace ImageTagger.Imaging.WriteBack;

public enum MetadataWriteFailure
{
    NotFound,

    /// <summary>The file or its folder is read-only (mode bits or file system); nothing was written.</summary>
    ReadOnly,

    /// <summary>The content is not a supported image (whatever its name says); nothing was written.</summary>
    UnsupportedFormat,

    /// <summary>The path cannot be handled (e.g. contains a line break).</summary>
    InvalidPath,

    /// <summary>exiftool refused or failed; the original is untouched.</summary>
    WriteFailed,

    /// <summary>The rewritten copy did not read back as written, or its pixels differ; the original is untouched.</summary>
    VerificationFailed,

    /// <summary>exiftool is missing, timed out or crashed; the original is untouched.</summary>
    ToolUnavailable,
}

/// <summary>Write-back failed; the original file is guaranteed unchanged and no temporary file is left behind.</summary>
public sealed class MetadataWriteException(string path, MetadataWriteFailure reason, string detail, Exception? innerException = null)
    : Exception($"Cannot write metadata for '{path}': {reason} ({detail})", innerException)
{
    public string Path { get; } = path;

    public MetadataWriteFailure Reason { get; } = reason;

    public string Detail { get; } = detail;
}
