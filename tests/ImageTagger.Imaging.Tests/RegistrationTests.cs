using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.Metadata;
using ImageTagger.Imaging.WriteBack;
using ImageTagger.TestSupport.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageTagger.Imaging.Tests;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddImaging_binds_the_section_and_resolves_everything()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Imaging:ThumbnailSizes:0"] = "320",
            ["Imaging:ThumbnailFormat"] = "Jpeg",
            ["Imaging:ThumbnailQuality"] = "70",
            ["Imaging:MaxPixels"] = "50000000",
            ["Imaging:ExifToolCommandTimeout"] = "00:00:10",
            ["Imaging:WriteBackMode"] = "Sidecar",
            ["Imaging:ShrinkOnLoadMinResize"] = "2.5",
        }).Build();

        await using var provider = new ServiceCollection().AddImaging(configuration).BuildServiceProvider(validateScopes: true);
        var options = provider.GetRequiredService<IOptions<ImagingOptions>>().Value;
        Assert.Equal([320], options.ThumbnailSizes); // replaces the defaults instead of appending to them
        Assert.Equal([320], options.EffectiveThumbnailSizes);
        Assert.Equal(ThumbnailFormat.Jpeg, options.ThumbnailFormat);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ExifToolCommandTimeout);
        Assert.Equal(WriteBackMode.Sidecar, options.WriteBackMode);
        Assert.Equal(2.5, options.ShrinkOnLoadMinResize);

        var processor = provider.GetRequiredService<IImageProcessor>();
        var thumbnail = Assert.Single(processor.CreateThumbnails(SampleImages.Path("jpg", "Canon_40D.jpg"), Ct));
        Assert.Equal("image/jpeg", thumbnail.ContentType);
        Assert.NotNull(provider.GetRequiredService<IImageMetadataReader>());
        Assert.Same(provider.GetRequiredService<ExifToolSession>(), provider.GetRequiredService<IExifTool>());
        Assert.NotNull(provider.GetRequiredService<IMetadataWriter>());

        var health = await ActivatorUtilities.CreateInstance<ImagingHealthCheck>(provider)
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext(), Ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Status);
        Assert.StartsWith("8.", (string)health.Data["libvips"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_degraded_without_exiftool()
    {
        await using var provider = new ServiceCollection().AddImaging(o => o.ExifToolPath = "/nonexistent/exiftool").BuildServiceProvider();
        var health = await ActivatorUtilities.CreateInstance<ImagingHealthCheck>(provider)
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext(), Ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
    }

    [Fact]
    public void Standard_renditions_come_from_one_call()
    {
        var processor = TestHost.Processor();
        var renditions = processor.CreateStandardRenditions(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), Ct);
        Assert.Equal([256, 640], renditions.Thumbnails.Select(t => Math.Max(t.Width, t.Height))); // 640x480 source: never upscaled
        Assert.Equal(["image/webp", "image/jpeg"], renditions.Thumbnails.Select(t => t.ContentType));
        Assert.Equal("image/jpeg", renditions.AiImage.ContentType);
        Assert.Equal((640, 480), (renditions.AiImage.Width, renditions.AiImage.Height));

        // The preview at the model's size is the model's JPEG: encoded once.
        Assert.True(renditions.AiImageIsThumbnail);
        Assert.Same(renditions.Thumbnails[1], renditions.AiImage);
    }

    [Fact]
    public void Without_a_shared_preview_every_thumbnail_is_in_the_thumbnail_format_and_the_model_jpeg_is_apart()
    {
        var processor = TestHost.Processor(o => o.PreviewIsModelImage = false);
        var renditions = processor.CreateStandardRenditions(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), Ct);
        Assert.All(renditions.Thumbnails, t => Assert.Equal("image/webp", t.ContentType));
        Assert.False(renditions.AiImageIsThumbnail);
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(renditions.AiImage.Data));
        Assert.Equal((640, 480), (renditions.AiImage.Width, renditions.AiImage.Height));

        // Sizes other than the model's never share, whatever the option says.
        var other = TestHost.Processor(o => o.AiLongSide = 768).CreateStandardRenditions(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), Ct);
        Assert.False(other.AiImageIsThumbnail);
        Assert.All(other.Thumbnails, t => Assert.Equal("image/webp", t.ContentType));
    }

    [Fact]
    public void Defaults_are_valid_and_sensible()
    {
        var options = new ImagingOptions();
        Assert.True(new ImagingOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal([256, 1024], options.EffectiveThumbnailSizes);
        Assert.Equal(1024, options.AiLongSide);
        Assert.Equal(WriteBackMode.None, options.WriteBackMode);
    }

    [Fact]
    public void Invalid_configuration_fails_validation_with_every_problem_named()
    {
        var services = new ServiceCollection().AddImaging(o =>
        {
            o.ThumbnailQuality = 0;
            o.ThumbnailSizes = [8];
            o.ExifToolProcesses = 0;
            o.ExifToolPath = " ";
            o.ShrinkOnLoadMinResize = 0.5;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ImagingOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("ThumbnailQuality", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ThumbnailSizes", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ExifToolProcesses", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ExifToolPath", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ShrinkOnLoadMinResize", StringComparison.Ordinal));
    }
}
