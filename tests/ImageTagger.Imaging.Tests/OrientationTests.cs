using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class OrientationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly VipsImageProcessor _processor = TestHost.Processor();

    public static TheoryData<string, int> Orientations()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { "landscape", "portrait" })
        {
            for (var i = 1; i <= 8; i++)
            {
                data.Add(kind, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Every_orientation_comes_out_upright(string kind, int orientation)
    {
        var reference = _processor.RenderPixels(SampleImages.Path("jpg", "orientation", $"{kind}_1.jpg"), 64, autoRotate: true);
        var path = SampleImages.Path("jpg", "orientation", $"{kind}_{orientation}.jpg");
        Assert.Equal(orientation, _processor.Probe(path, Ct).Orientation);

        var upright = _processor.RenderPixels(path, 64, autoRotate: true);
        Assert.Equal((reference.Width, reference.Height), (upright.Width, upright.Height));
        var difference = MeanAbsoluteDifference(reference.Pixels, upright.Pixels);
        Assert.True(difference < 25, $"{kind}_{orientation}: mean difference {difference:F1} from the upright reference");

        if (orientation != 1)
        {
            // Without rotation the stored pixels really are different: the check above can fail.
            var raw = _processor.RenderPixels(path, 64, autoRotate: false);
            var rawDifference = raw.Pixels.Length == reference.Pixels.Length ? MeanAbsoluteDifference(reference.Pixels, raw.Pixels) : double.MaxValue;
            Assert.True(rawDifference > difference * 1.5, $"{kind}_{orientation}: raw {rawDifference:F1} vs rotated {difference:F1}");
        }

        // The stored thumbnails and the pixel hash geometry agree with the upright view.
        var thumbnails = _processor.CreateRenditions(path, [new RenditionRequest(64, ThumbnailFormat.WebP, 80), new RenditionRequest(32, ThumbnailFormat.Jpeg, 80)], Ct);
        Assert.Equal(reference.Width >= reference.Height, thumbnails[0].Width >= thumbnails[0].Height);
        Assert.Equal(reference.Width >= reference.Height, thumbnails[1].Width >= thumbnails[1].Height);
    }

    [Theory]
    [InlineData(".tif")]
    [InlineData(".png")]
    [InlineData(".webp")]
    public void Non_jpeg_orientation_tags_are_applied(string extension)
    {
        // These go through the explicit-open path (TIFF/PNG) or shrink-on-load (WebP); rotation must work on both.
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePng(dir.File("src.png"), 400, 100);
        var path = dir.File("rotated" + extension);
        VipsCli.Run("copy", png, path);
        PixelHashTests.RunExifTool("-overwrite_original", "-EXIF:Orientation#=6", path);
        Assert.Equal(6, _processor.Probe(path, Ct).Orientation);

        var thumb = _processor.CreateThumbnail(path, 200, ThumbnailFormat.Jpeg, 80, Ct);
        Assert.Equal((50, 200), (thumb.Width, thumb.Height));
        Assert.Equal(64, _processor.ComputePixelHash(path, Ct).Length);
    }

    internal static double MeanAbsoluteDifference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }
}
