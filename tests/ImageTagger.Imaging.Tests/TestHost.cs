using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.WriteBack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging.Tests;

internal static class TestHost
{
    public static VipsImageProcessor Processor(Action<ImagingOptions>? configure = null)
    {
        var options = new ImagingOptions();
        configure?.Invoke(options);
        return new VipsImageProcessor(Options.Create(options), NullLogger<VipsImageProcessor>.Instance);
    }

    public static ExifToolSession ExifTool(Action<ImagingOptions>? configure = null)
    {
        var options = new ImagingOptions();
        configure?.Invoke(options);
        return new ExifToolSession(Options.Create(options), NullLogger<ExifToolSession>.Instance);
    }

    public static MetadataWriter Writer(IExifTool exifTool, Action<ImagingOptions>? configure = null)
    {
        var options = new ImagingOptions();
        configure?.Invoke(options);
        return new MetadataWriter(exifTool, Processor(configure), Options.Create(options), NullLogger<MetadataWriter>.Instance);
    }
}
