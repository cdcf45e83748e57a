using ImageTagger.Imaging;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.Metadata;
using ImageTagger.Imaging.WriteBack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ImagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the image library: <see cref="IImageProcessor"/> (libvips), <see cref="IImageMetadataReader"/>,
    /// <see cref="IExifTool"/> (long-lived exiftool pool) and <see cref="IMetadataWriter"/>, with
    /// <see cref="ImagingOptions"/> bound from the "Imaging" section and validated at start.
    /// </summary>
    public static IServiceCollection AddImaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ImagingOptions>().Bind(configuration.GetSection(ImagingOptions.SectionName)).ValidateOnStart();
        return services.AddImagingCore();
    }

    /// <summary>Registration with options configured in code (tests, tools).</summary>
    public static IServiceCollection AddImaging(this IServiceCollection services, Action<ImagingOptions> configure)
    {
        services.AddOptions<ImagingOptions>().Configure(configure).ValidateOnStart();
        return services.AddImagingCore();
    }

    private static IServiceCollection AddImagingCore(this IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagingOptions>, ImagingOptionsValidator>());
        services.TryAddSingleton<IImageProcessor, VipsImageProcessor>();
        services.TryAddSingleton<IImageMetadataReader, ImageMetadataReader>();
        services.TryAddSingleton<ExifToolSession>();
        services.TryAddSingleton<IExifTool>(sp => sp.GetRequiredService<ExifToolSession>());
        services.TryAddSingleton<IMetadataWriter, MetadataWriter>();
        return services;
    }
}
