using ImageTagger.Imaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing.Tests;

public sealed class ProcessingOptionsTests
{
    private const string NoDatabase = "Host=127.0.0.1;Port=1;Database=unused";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void Automatic_libvips_threads_divide_the_cores_among_the_images_decoded_at_once(int ioConcurrency)
    {
        using var host = ProcessingTestHost.Build(NoDatabase, 8, new() { ["Processing:IoConcurrency"] = ioConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var imaging = host.Services.GetRequiredService<IOptions<ImagingOptions>>().Value;

        Assert.Equal(Math.Max(1, Environment.ProcessorCount / ioConcurrency), imaging.VipsConcurrency);
    }

    [Fact]
    public void A_configured_libvips_thread_count_is_kept()
    {
        using var host = ProcessingTestHost.Build(NoDatabase, 8, new() { ["Imaging:VipsConcurrency"] = "3", ["Processing:IoConcurrency"] = "64" });

        Assert.Equal(3, host.Services.GetRequiredService<IOptions<ImagingOptions>>().Value.VipsConcurrency);
    }

    [Fact]
    public void The_service_runs_with_workstation_gc()
    {
        // Set in the project file (ServerGarbageCollection=false); the Web SDK would otherwise pick server GC.
        var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ImageTagger.Processing.runtimeconfig.json")));
        Assert.False(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Server").GetBoolean());
    }
}
