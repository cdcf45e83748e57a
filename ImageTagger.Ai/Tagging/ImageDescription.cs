namespace ImageTagger.Ai.Tagging;

/// <summary>How the model's answer was understood.</summary>
public enum DescriptionSource
{
    /// <summary>The answer was the JSON object we asked for.</summary>
    Json,

    /// <summary>JSON found inside markdown fences or surrounding prose.</summary>
    EmbeddedJson,

    /// <summary>Cut-off JSON (e.g. num_predict reached) from which complete fields were salvaged.</summary>
    PartialJson,

    /// <summary>Free text: "Description:" / "Tags:" sections, bullet lists, hashtags.</summary>
    Prose,
}

/// <summary>The result of describing one image.</summary>
public sealed record ImageDescription(string Description, IReadOnlyList<string> Tags, string Model)
{
    public DescriptionSource Source { get; init; } = DescriptionSource.Json;
}

/// <summary>Optional context passed to the model; it is told the hints may be wrong.</summary>
public sealed record ImageHints
{
    public string? FileName { get; init; }

    public string? AltText { get; init; }

    public string? Title { get; init; }

    /// <summary>Keywords already embedded in the file (IPTC/XMP).</summary>
    public IReadOnlyList<string>? Keywords { get; init; }

    /// <summary>Place name from reverse geocoding or metadata.</summary>
    public string? Location { get; init; }
}

/// <summary>Why an answer could not be turned into a description.</summary>
public enum ImageDescriptionFailure
{
    /// <summary>The model returned nothing (or only whitespace).</summary>
    EmptyAnswer,

    /// <summary>The model declined ("I'm sorry, I can't...").</summary>
    Refused,

    /// <summary>Neither JSON nor recognisable prose: random characters, a lone brace, HTML...</summary>
    Unparseable,

    /// <summary>The answer hit the output-token limit before anything usable was written.</summary>
    Truncated,
}

/// <summary>The vision model answered, but not with a usable description. Retrying the same image rarely helps.</summary>
public sealed class ImageDescriptionException : Exception
{
    public ImageDescriptionException()
    {
    }

    public ImageDescriptionException(string message)
        : base(message)
    {
    }

    public ImageDescriptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageDescriptionException(ImageDescriptionFailure reason, string message, string? rawAnswer = null, string? model = null)
        : base(message)
    {
        Reason = reason;
        RawAnswer = rawAnswer;
        Model = model;
    }

    public ImageDescriptionFailure Reason { get; }

    /// <summary>What the model said (for logs and the job's error column).</summary>
    public string? RawAnswer { get; }

    public string? Model { get; init; }
}
