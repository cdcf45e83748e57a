using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageTagger.Ai.Tagging;

/// <summary>
/// Asks the vision model for a description and tags of one image. Requests structured output (Ollama's
/// <c>format</c> JSON schema) and falls back to <see cref="DescriptionParser"/> for answers that ignore it.
/// Transport failures surface as <see cref="OllamaException"/>; unusable answers as <see cref="ImageDescriptionException"/>.
/// </summary>
public sealed partial class ImageDescriber : IImageDescriber
{
    /// <summary>Generous for 15 tags and a paragraph; stops a model that loops from generating forever.</summary>
    public const int MaxOutputTokens = 1024;

    public const int MaxDescriptionChars = 2000;

    /// <summary>The JSON schema sent as Ollama's <c>format</c>.</summary>
    public static JsonElement ResponseSchema { get; } = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "description": { "type": "string" },
            "tags": { "type": "array", "items": { "type": "string" } }
          },
          "required": ["description", "tags"]
        }
        """).RootElement.Clone();

    private readonly IChatClient _chatClient;
    private readonly TagNormalizer _normalizer;
    private readonly OllamaOptions _options;
    private readonly ILogger _logger;

    public ImageDescriber(IChatClient chatClient, TagNormalizer normalizer, IOptions<OllamaOptions> options, ILogger<ImageDescriber>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentNullException.ThrowIfNull(options);
        _chatClient = chatClient;
        _normalizer = normalizer;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Describes a JPEG the caller already downscaled to <see cref="OllamaOptions.ImageLongSide"/>.</summary>
    public Task<ImageDescription> DescribeAsync(ReadOnlyMemory<byte> jpeg, ImageHints? hints = null, CancellationToken cancellationToken = default) =>
        DescribeAsync(jpeg, "image/jpeg", hints, cancellationToken);

    public async Task<ImageDescription> DescribeAsync(
        ReadOnlyMemory<byte> image,
        string mediaType,
        ImageHints? hints,
        CancellationToken cancellationToken = default)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("Image bytes are empty.", nameof(image));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);

        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent(BuildPrompt(hints)),
            new DataContent(image, mediaType),
        ]);

        var chatOptions = new ChatOptions
        {
            ModelId = _options.VisionModel,
            Temperature = (float)_options.Temperature,
            MaxOutputTokens = MaxOutputTokens,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(ResponseSchema, "image_description", "Description and tags of one image"),
        };

        var started = TimeProvider.System.GetTimestamp();
        var response = await _chatClient.GetResponseAsync([message], chatOptions, cancellationToken).ConfigureAwait(false);
        var model = response.ModelId ?? _options.VisionModel;
        var answer = response.Text;

        DescriptionParser.Result parsed;
        try
        {
            parsed = DescriptionParser.Parse(answer, truncated: response.FinishReason == ChatFinishReason.Length);
        }
        catch (ImageDescriptionException ex)
        {
            LogUnusableAnswer(_logger, model, ex.Reason, ex.Message);
            throw new ImageDescriptionException(ex.Reason, ex.Message, ex.RawAnswer, model);
        }

        var description = parsed.Description.Length <= MaxDescriptionChars
            ? parsed.Description
            : parsed.Description[..MaxDescriptionChars];
        var tags = _normalizer.Normalize(parsed.Tags);
        if (description.Length == 0 && tags.Count == 0)
        {
            // Only filler tags ("image", "photo") and no description: nothing worth storing.
            LogUnusableAnswer(_logger, model, ImageDescriptionFailure.Unparseable, "no description and no usable tags");
            throw new ImageDescriptionException(
                ImageDescriptionFailure.Unparseable,
                $"The vision model's answer has no description and no usable tags: \"{OllamaText.Snippet(answer, 160)}\"",
                answer,
                model);
        }

        LogDescribed(_logger, model, parsed.Source, tags.Count, TimeProvider.System.GetElapsedTime(started));
        return new ImageDescription(description, tags, model) { Source = parsed.Source };
    }

    /// <summary>The configured prompt plus any hints, flagged as possibly wrong so the model trusts the pixels.</summary>
    internal string BuildPrompt(ImageHints? hints)
    {
        var prompt = new StringBuilder(_options.Prompt.Trim())
            .Replace("{MaxTags}", _options.MaxTags.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (hints is null)
        {
            return prompt.ToString();
        }

        var context = new List<string>();
        if (UsefulFileName(hints.FileName) is { } fileName)
        {
            context.Add($"file name: {fileName}");
        }

        AddIfPresent(context, "title", hints.Title);
        AddIfPresent(context, "alt text", hints.AltText);
        AddIfPresent(context, "location", hints.Location);
        if (hints.Keywords is { Count: > 0 } keywords)
        {
            context.Add("existing keywords: " + string.Join(", ", keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim())));
        }

        if (context.Count > 0)
        {
            prompt.Append("\n\nContext from the file (may be wrong or incomplete; use it only where the image agrees):\n- ")
                .AppendJoin("\n- ", context);
        }

        return prompt.ToString();

        static void AddIfPresent(List<string> context, string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                context.Add($"{label}: {Limit(value.Trim(), 300)}");
            }
        }
    }

    /// <summary>Camera-generated names (IMG_1234, DSC01234, PXL_2024...) carry no meaning; drop them.</summary>
    internal static string? UsefulFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        var stem = Path.GetFileNameWithoutExtension(fileName.Trim());
        if (CameraFileNameRegex().IsMatch(stem) || stem.Count(char.IsLetter) < 3)
        {
            return null;
        }

        return Limit(stem.Replace('_', ' ').Replace('-', ' '), 120);
    }

    private static string Limit(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex(@"^(img|dsc|dscn|dscf|dcim|pxl|mvimg|photo|image|pic|screenshot|scan|p|gopr|dji|sam|wp)?[_\- ]?\d[\d_\- ]*(\D{0,6})?$", RegexOptions.IgnoreCase)]
    private static partial Regex CameraFileNameRegex();

    [LoggerMessage(EventId = 1140, Level = LogLevel.Information,
        Message = "Described image with {Model} ({Source}, {TagCount} tags) in {Elapsed}")]
    private static partial void LogDescribed(ILogger logger, string model, DescriptionSource source, int tagCount, TimeSpan elapsed);

    [LoggerMessage(EventId = 1141, Level = LogLevel.Warning, Message = "Vision model {Model} gave an unusable answer ({Reason}): {Detail}")]
    private static partial void LogUnusableAnswer(ILogger logger, string model, ImageDescriptionFailure reason, string detail);
}
