using ImageTagger.Imaging.ExifTool;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageTagger.Imaging;

/// <summary>
/// Reports whether libvips loaded and exiftool answers. Register with
/// <c>services.AddHealthChecks().AddCheck&lt;ImagingHealthCheck&gt;("imaging")</c> after <c>AddImaging</c>.
/// </summary>
public sealed class ImagingHealthCheck(IImageProcessor processor, IExifTool exifTool) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        _ = processor; // resolving the processor initialises libvips (throws if it is missing)
        try
        {
            var version = await exifTool.ExecuteAsync(["-ver"], cancellationToken);
            return HealthCheckResult.Healthy(
                "libvips and exiftool available",
                new Dictionary<string, object> { ["libvips"] = VipsRuntime.Version ?? "?", ["exiftool"] = version.Output.Trim() });
        }
        catch (ExifToolException ex)
        {
            // Thumbnails still work without exiftool; only write-back does not.
            return HealthCheckResult.Degraded($"exiftool unavailable: {ex.Message}", ex);
        }
    }
}
