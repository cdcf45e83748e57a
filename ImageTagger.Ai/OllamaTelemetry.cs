namespace ImageTagger.Ai;

/// <summary>
/// Names of the telemetry the Ollama clients emit. Spans and metrics follow the OpenTelemetry GenAI semantic
/// conventions through Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c>; register <see cref="SourceName"/>
/// as an activity source and meter with the OpenTelemetry SDK to export them.
/// </summary>
public static class OllamaTelemetry
{
    public const string SourceName = "ImageTagger.Ai";

    /// <summary>Span tag with our <see cref="OllamaFailureKind"/> (error.type carries the exception type, per the conventions).</summary>
    public const string FailureKindTag = "imagetagger.ollama.failure_kind";
}
