using ImageTagger.Imaging.WriteBack;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging;

/// <summary>Configuration section "Imaging".</summary>
public sealed class ImagingOptions
{
    public const string SectionName = "Imaging";

    /// <summary>Long-side pixel sizes of the stored thumbnails. Empty means the defaults 256 and 1024.</summary>
    public int[] ThumbnailSizes { get; set; } = [];

    public ThumbnailFormat ThumbnailFormat { get; set; } = ThumbnailFormat.WebP;

    /// <summary>Encoder quality 1–100 for thumbnails.</summary>
    public int ThumbnailQuality { get; set; } = 80;

    /// <summary>libwebp effort 0–6: 2 encodes thumbnails several times faster than the default 4 for a few percent more bytes.</summary>
    public int WebPEffort { get; set; } = 2;

    /// <summary>Long side of the JPEG sent to the vision model.</summary>
    public int AiLongSide { get; set; } = 1024;

    public int AiJpegQuality { get; set; } = 85;

    /// <summary>
    /// The thumbnail whose size is <see cref="AiLongSide"/> is the model's JPEG itself: one encode serves the
    /// preview and the vision model, one file is stored, and the preview shows exactly what the model saw.
    /// Off: that size is encoded in <see cref="ThumbnailFormat"/> as well, and the model's JPEG kept apart.
    /// </summary>
    public bool PreviewIsModelImage { get; set; } = true;

    /// <summary>Images whose header declares more pixels than this are refused before decoding (decompression bombs).</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    public DecodeStrictness FailOn { get; set; } = DecodeStrictness.Error;

    /// <summary>
    /// JPEG thumbnails decode at 1/2, 1/4 or 1/8 scale when at least this much resizing is left afterwards
    /// (libvips alone uses 2.0, which decodes a 4032 px photo at full size for a 1024 px thumbnail).
    /// </summary>
    public double ShrinkOnLoadMinResize { get; set; } = 1.9;

    /// <summary>
    /// libvips worker threads per operation; 0 = automatic: libvips' default (number of cores), except in the
    /// Processing service, which divides the cores among the images it decodes side by side.
    /// </summary>
    public int VipsConcurrency { get; set; }

    /// <summary>libvips operation cache size; 0 (default) disables it.</summary>
    public int VipsCacheMaxOperations { get; set; }

    public int VipsCacheMaxMemoryMb { get; set; } = 64;

    public string ExifToolPath { get; set; } = "exiftool";

    /// <summary>Number of long-lived exiftool processes (each runs one command at a time).</summary>
    public int ExifToolProcesses { get; set; } = 1;

    /// <summary>Time one exiftool command (including a process start) may take before the process is killed.</summary>
    public TimeSpan ExifToolCommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Default write-back mode for callers that do not choose one.</summary>
    public WriteBackMode WriteBackMode { get; set; } = WriteBackMode.None;

    /// <summary>Decode the rewritten file and compare pixel hashes before replacing an original.</summary>
    public bool VerifyPixelsOnWrite { get; set; } = true;

    /// <summary>Give a rewritten original its previous modification time (off: the file did change).</summary>
    public bool PreserveModifiedTime { get; set; }

    internal static readonly int[] DefaultThumbnailSizes = [256, 1024];

    /// <summary>True when one of the thumbnails is the model's JPEG (see <see cref="PreviewIsModelImage"/>).</summary>
    public bool ModelImageIsThumbnail => PreviewIsModelImage && EffectiveThumbnailSizes.Contains(AiLongSide);

    /// <summary>The format the thumbnail of this size is stored and served in.</summary>
    public ThumbnailFormat ThumbnailFormatFor(int longSide) =>
        ModelImageIsThumbnail && longSide == AiLongSide ? ThumbnailFormat.Jpeg : ThumbnailFormat;

    public int ThumbnailQualityFor(int longSide) =>
        ModelImageIsThumbnail && longSide == AiLongSide ? AiJpegQuality : ThumbnailQuality;

    /// <summary>The configured sizes, or the defaults, ascending and distinct.</summary>
    public IReadOnlyList<int> EffectiveThumbnailSizes =>
        (ThumbnailSizes is { Length: > 0 } ? ThumbnailSizes : DefaultThumbnailSizes).Distinct().Order().ToArray();
}

internal sealed class ImagingOptionsValidator : IValidateOptions<ImagingOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagingOptions options)
    {
        var errors = new List<string>();
        if (options.ThumbnailSizes.Any(s => s is < 16 or > 8192))
        {
            errors.Add("Imaging:ThumbnailSizes must be between 16 and 8192.");
        }

        if (options.WebPEffort is < 0 or > 6)
        {
            errors.Add("Imaging:WebPEffort must be between 0 and 6.");
        }

        if (options.ThumbnailQuality is < 1 or > 100)
        {
            errors.Add("Imaging:ThumbnailQuality must be between 1 and 100.");
        }

        if (options.AiJpegQuality is < 1 or > 100)
        {
            errors.Add("Imaging:AiJpegQuality must be between 1 and 100.");
        }

        if (options.AiLongSide is < 64 or > 8192)
        {
            errors.Add("Imaging:AiLongSide must be between 64 and 8192.");
        }

        if (options.MaxPixels is < 1_000_000 or > 2_000_000_000)
        {
            errors.Add("Imaging:MaxPixels must be between 1,000,000 and 2,000,000,000.");
        }

        if (!(options.ShrinkOnLoadMinResize is >= 1.0 and <= 8.0))
        {
            errors.Add("Imaging:ShrinkOnLoadMinResize must be between 1.0 and 8.0.");
        }

        if (!Enum.IsDefined(options.FailOn) || !Enum.IsDefined(options.ThumbnailFormat) || !Enum.IsDefined(options.WriteBackMode))
        {
            errors.Add("Imaging:FailOn, ThumbnailFormat or WriteBackMode has an unknown value.");
        }

        if (options.VipsConcurrency is < 0 or > 256 || options.VipsCacheMaxOperations is < 0 or > 10_000
            || options.VipsCacheMaxMemoryMb is < 0 or > 65_536)
        {
            errors.Add("Imaging:VipsConcurrency, VipsCacheMaxOperations or VipsCacheMaxMemoryMb is out of range.");
        }

        if (string.IsNullOrWhiteSpace(options.ExifToolPath))
        {
            errors.Add("Imaging:ExifToolPath is required.");
        }

        if (options.ExifToolProcesses is < 1 or > 16)
        {
            errors.Add("Imaging:ExifToolProcesses must be between 1 and 16.");
        }

        if (options.ExifToolCommandTimeout <= TimeSpan.Zero || options.ExifToolCommandTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Imaging:ExifToolCommandTimeout must be positive and at most 10 minutes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
