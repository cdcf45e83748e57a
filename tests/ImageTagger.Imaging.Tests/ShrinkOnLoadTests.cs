using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class ShrinkOnLoadTests
{
    // A real 4032x3024 phone photo: the size where libvips' own rule would decode at full resolution.
    private static readonly string s_twelveMegapixel = SampleImages.Path("jpg", "tests", "42_IndexError.jpg");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(4032, 1024, 1.9, 2)]
    [InlineData(4032, 1024, 2.0, 1)]
    [InlineData(4000, 1024, 1.9, 2)]
    [InlineData(3264, 1024, 1.9, 1)]
    [InlineData(6000, 1024, 1.9, 2)]
    [InlineData(8192, 1024, 1.9, 4)]
    [InlineData(4032, 256, 1.9, 8)]
    [InlineData(1000, 1024, 1.9, 1)]
    public void Picks_the_largest_shrink_that_leaves_enough_resize(int source, int target, double minResize, int expected) =>
        Assert.Equal(expected, VipsImageProcessor.JpegShrinkOnLoad(source, target, minResize));

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Shrunk_decode_gives_exact_sizes_upright_and_the_same_pixels_as_a_full_decode(int orientation)
    {
        using var dir = new TempImageDirectory();
        var path = dir.File("photo.jpg");
        File.Copy(s_twelveMegapixel, path);
        if (orientation != 1)
        {
            PixelHashTests.RunExifTool("-overwrite_original", $"-EXIF:Orientation#={orientation}", path);
        }

        var requests = new[] { new RenditionRequest(1024, ThumbnailFormat.Jpeg, 95), new RenditionRequest(256, ThumbnailFormat.WebP, 80) };
        var fast = TestHost.Processor().CreateRenditions(path, requests, Ct);
        var full = TestHost.Processor(o => o.ShrinkOnLoadMinResize = 8.0).CreateRenditions(path, requests, Ct);

        var expected = orientation == 6 ? ((768, 1024), (192, 256)) : ((1024, 768), (256, 192));
        Assert.Equal(expected, ((fast[0].Width, fast[0].Height), (fast[1].Width, fast[1].Height)));
        Assert.Equal(expected, ((full[0].Width, full[0].Height), (full[1].Width, full[1].Height)));

        // Decoded side by side, the fast thumbnail matches the full-resolution one within JPEG noise, and is
        // far from the same photo turned the other way (so the comparison can fail).
        var fastPixels = Pixels(dir.File("fast.jpg"), fast[0].Data);
        var fullPixels = Pixels(dir.File("full.jpg"), full[0].Data);
        var difference = OrientationTests.MeanAbsoluteDifference(fastPixels, fullPixels);
        Assert.True(difference < 3, $"mean difference {difference:F2} between shrunk and full decode");

        var flipped = Pixels(dir.File("flipped.jpg"), full[0].Data, flip: true);
        Assert.True(OrientationTests.MeanAbsoluteDifference(fastPixels, flipped) > difference * 5);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.97)]
    public void A_truncated_photo_still_fails_on_the_shrunk_path(double keptFraction)
    {
        using var dir = new TempImageDirectory();
        var path = TestImageFactory.CreateTruncatedCopy(s_twelveMegapixel, dir.File("cut.jpg"), keptFraction);
        Assert.Equal(2, VipsImageProcessor.JpegShrinkOnLoad(4032, 1024, new ImagingOptions().ShrinkOnLoadMinResize));

        var failure = Assert.Throws<ImageDecodeException>(
            () => TestHost.Processor().CreateRenditions(path, [new RenditionRequest(1024, ThumbnailFormat.Jpeg, 85)], Ct));
        Assert.Equal(path, failure.Path);
        Assert.Equal(ImageDecodeFailure.Truncated, failure.Reason);
    }

    private static byte[] Pixels(string path, byte[] encoded, bool flip = false)
    {
        File.WriteAllBytes(path, encoded);
        if (flip)
        {
            VipsCli.Run("flip", path, path + ".flipped.png", "vertical");
            path += ".flipped.png";
        }

        // Same long side as the file: a plain decode, no resize.
        return TestHost.Processor().RenderPixels(path, 1024, autoRotate: false).Pixels;
    }
}
