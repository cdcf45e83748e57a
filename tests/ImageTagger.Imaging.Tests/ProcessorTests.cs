using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class ProcessorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly VipsImageProcessor _processor = TestHost.Processor();

    public static TheoryData<string> ValidJpegs()
    {
        var data = new TheoryData<string>();
        foreach (var path in SampleImages.ValidJpegs())
        {
            data.Add(Path.GetRelativePath(SampleImages.Root, path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidJpegs))]
    public void Every_valid_sample_jpeg_probes_and_thumbnails(string relativePath)
    {
        var path = SampleImages.Path(relativePath);
        var info = _processor.Probe(path, TestContext.Current.CancellationToken);
        Assert.Equal(ImageFormat.Jpeg, info.Format);
        Assert.StartsWith("jpegload", info.Loader, StringComparison.Ordinal);
        Assert.True(info.Width > 0 && info.Height > 0);

        var thumb = _processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, TestContext.Current.CancellationToken);
        var expectedLongSide = Math.Min(256, Math.Max(info.DisplayWidth, info.DisplayHeight));
        Assert.Equal(expectedLongSide, Math.Max(thumb.Width, thumb.Height));
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(thumb.Data));
        // Upright: the thumbnail's aspect follows the displayed (rotated) orientation.
        Assert.Equal(info.DisplayWidth >= info.DisplayHeight, thumb.Width >= thumb.Height);
    }
}
