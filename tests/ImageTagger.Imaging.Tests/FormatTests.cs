using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class FormatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly VipsImageProcessor _processor = TestHost.Processor();

    public static TheoryData<string> HeifAndTiffSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SampleImages.Path("heic"), "*", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(SampleImages.Path("tiff"), "*.tiff")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(SampleImages.Root, file));
        }

        return data;
    }

    // libheif 1.15 on Debian 12 decodes HEVC here (libde265 plugin), so HEIC/HEIF are fully supported.
    [Theory]
    [MemberData(nameof(HeifAndTiffSamples))]
    public void Heif_and_tiff_samples_decode(string relative)
    {
        var path = SampleImages.Path(relative);
        var info = _processor.Probe(path, Ct);
        Assert.Equal(relative.StartsWith("tiff", StringComparison.Ordinal) ? ImageFormat.Tiff : ImageFormat.Heif, info.Format);

        var thumbs = _processor.CreateRenditions(
            path, [new RenditionRequest(256, ThumbnailFormat.WebP, 80), new RenditionRequest(128, ThumbnailFormat.Jpeg, 80)], Ct);
        Assert.Equal(ImageFormat.WebP, ImageFormatSniffer.Detect(thumbs[0].Data));
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(thumbs[1].Data));
        Assert.Equal(Math.Min(256, Math.Max(info.DisplayWidth, info.DisplayHeight)), Math.Max(thumbs[0].Width, thumbs[0].Height));
        Assert.Equal(info.DisplayWidth >= info.DisplayHeight, thumbs[0].Width >= thumbs[0].Height);
    }

    [Fact]
    public void Iphone_heic_is_upright_without_double_rotation()
    {
        // exiftool reports EXIF Orientation 6, but libheif already applies the container's rotation.
        var info = _processor.Probe(SampleImages.Path("heic", "mobile", "iphone_13_pro_max.HEIC"), Ct);
        Assert.Equal(1, info.Orientation);
        var thumb = _processor.CreateThumbnail(SampleImages.Path("heic", "mobile", "iphone_13_pro_max.HEIC"), 200, ThumbnailFormat.Jpeg, 80, Ct);
        Assert.True(thumb.Height > thumb.Width);
    }

    [Theory]
    [InlineData(".webp", ImageFormat.WebP)]
    [InlineData(".gif", ImageFormat.Gif)]
    [InlineData(".bmp", ImageFormat.Bmp)]
    [InlineData(".tif", ImageFormat.Tiff)]
    [InlineData(".png", ImageFormat.Png)]
    public void Generated_formats_decode(string extension, ImageFormat expected)
    {
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePng(dir.File("source.png"), 320, 200);
        var path = dir.File("image" + extension);
        if (extension == ".bmp")
        {
            VipsCli.Run("magicksave", png, path, "--format", "bmp");
        }
        else if (extension != ".png")
        {
            VipsCli.Run("copy", png, path);
        }
        else
        {
            path = png;
        }

        var info = _processor.Probe(path, Ct);
        Assert.Equal(expected, info.Format);
        Assert.Equal((320, 200), (info.Width, info.Height));
        var ai = _processor.CreateAiImage(path, Ct);
        Assert.Equal((320, 200), (ai.Width, ai.Height)); // never upscaled
        Assert.Equal("image/jpeg", ai.ContentType);
        Assert.Equal(64, _processor.ComputePixelHash(path, Ct).Length);
    }

    [Fact]
    public void Alpha_png_flattens_onto_white_for_jpeg_and_keeps_alpha_for_webp()
    {
        using var dir = new TempImageDirectory();
        var png = dir.File("alpha.png");
        // Fully transparent black image: flattened onto white it must come out white, not black.
        VipsCli.Run("black", dir.File("black4.v"), "64", "64", "--bands", "4");
        VipsCli.Run("copy", dir.File("black4.v"), png, "--interpretation", "srgb");
        Assert.True(_processor.Probe(png, Ct).HasAlpha);

        var jpeg = dir.File("out.jpg");
        File.WriteAllBytes(jpeg, _processor.CreateThumbnail(png, 64, ThumbnailFormat.Jpeg, 90, Ct).Data);
        var pixels = _processor.RenderPixels(jpeg, 8, autoRotate: true);
        Assert.Equal(3, pixels.Bands);
        Assert.All(pixels.Pixels, p => Assert.True(p > 240, $"pixel {p} should be white"));

        var webp = dir.File("out.webp");
        File.WriteAllBytes(webp, _processor.CreateThumbnail(png, 64, ThumbnailFormat.WebP, 90, Ct).Data);
        Assert.True(_processor.Probe(webp, Ct).HasAlpha);
    }

    [Fact]
    public void Renditions_share_one_decode_and_respect_sizes()
    {
        using var dir = new TempImageDirectory();
        var jpeg = TestImageFactory.CreateJpeg(dir.File("big.jpg"), 4000, 3000);
        var processor = TestHost.Processor(o => o.ThumbnailSizes = [1024, 256]);
        var thumbnails = processor.CreateThumbnails(jpeg, Ct);
        Assert.Equal([256, 1024], thumbnails.Select(t => t.RequestedLongSide));
        Assert.Equal((256, 192), (thumbnails[0].Width, thumbnails[0].Height));
        Assert.Equal((1024, 768), (thumbnails[1].Width, thumbnails[1].Height));
        Assert.Equal(ImageFormat.WebP, ImageFormatSniffer.Detect(thumbnails[0].Data));
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(thumbnails[1].Data)); // the preview at the model's size is its JPEG

        var ai = processor.CreateAiImage(jpeg, Ct);
        Assert.Equal((1024, 768), (ai.Width, ai.Height));
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(ai.Data));
    }

    [Fact]
    public void File_names_with_spaces_unicode_and_brackets_work()
    {
        using var dir = new TempImageDirectory();
        foreach (var name in new[] { "with space.jpg", "Crémieux ünïcødé 写真.jpg", "brackets[1].jpg", "ends in [bracket].jpeg" })
        {
            var path = dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"), name);
            Assert.Equal(ImageFormat.Jpeg, _processor.Probe(path, Ct).Format);
            Assert.NotEmpty(_processor.CreateThumbnail(path, 64, ThumbnailFormat.Jpeg, 80, Ct).Data);
        }
    }
}
