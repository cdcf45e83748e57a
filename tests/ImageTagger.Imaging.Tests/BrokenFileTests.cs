using System.Diagnostics;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class BrokenFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly VipsImageProcessor _processor = TestHost.Processor();

    [Fact]
    public void Corrupted_sample_fails_with_typed_reason()
    {
        var path = SampleImages.Path("jpg", "corrupted.jpg");
        var ex = Assert.Throws<ImageDecodeException>(() => _processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct));
        Assert.Contains(ex.Reason, new[] { ImageDecodeFailure.Corrupt, ImageDecodeFailure.Truncated });
        Assert.Equal(path, ex.Path);
        Assert.Contains("corrupted.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ImageDecodeException>(() => _processor.ComputePixelHash(path, Ct));
    }

    [Fact]
    public void Truncated_jpeg_is_reported_as_truncated_not_grey()
    {
        using var dir = new TempImageDirectory();
        var whole = TestImageFactory.CreateJpeg(dir.File("whole.jpg"), 1200, 900);
        var truncated = TestImageFactory.CreateTruncatedCopy(whole, dir.File("cut.jpg"), 0.5);
        var ex = Assert.Throws<ImageDecodeException>(() => _processor.CreateThumbnail(truncated, 256, ThumbnailFormat.WebP, 80, Ct));
        Assert.Equal(ImageDecodeFailure.Truncated, ex.Reason);
        Assert.Equal(ImageDecodeFailure.Truncated, Assert.Throws<ImageDecodeException>(() => _processor.ComputePixelHash(truncated, Ct)).Reason);

        // With strictness off, libvips returns a partly grey image: the option really is what protects us.
        var lenient = TestHost.Processor(o => o.FailOn = DecodeStrictness.None);
        Assert.NotEmpty(lenient.CreateThumbnail(truncated, 256, ThumbnailFormat.Jpeg, 80, Ct).Data);
    }

    [Fact]
    public void Sample_cut_inside_its_headers_is_truncated()
    {
        using var dir = new TempImageDirectory();
        var truncated = TestImageFactory.CreateTruncatedCopy(SampleImages.Path("jpg", "Canon_40D.jpg"), dir.File("cut.jpg"), 0.6);
        Assert.Equal(ImageDecodeFailure.Truncated, Assert.Throws<ImageDecodeException>(() => _processor.Probe(truncated, Ct)).Reason);
    }

    [Fact]
    public void Truncated_png_fails_with_typed_reason()
    {
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePng(dir.File("whole.png"), 800, 600);
        var truncated = TestImageFactory.CreateTruncatedCopy(png, dir.File("cut.png"), 0.5);
        // Repeated: libvips 8.14 used to lose this error in a threaded resize about a third of the time.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var ex = Assert.Throws<ImageDecodeException>(() => _processor.CreateThumbnail(truncated, 128, ThumbnailFormat.Jpeg, 80, Ct));
            Assert.Contains(ex.Reason, new[] { ImageDecodeFailure.Truncated, ImageDecodeFailure.Corrupt });
        }

        Assert.Throws<ImageDecodeException>(() => _processor.ComputePixelHash(truncated, Ct));
    }

    [Fact]
    public void Empty_missing_and_non_image_files_have_clear_reasons()
    {
        using var dir = new TempImageDirectory();
        var empty = TestImageFactory.CreateEmptyFile(dir.File("empty.jpg"));
        var text = TestImageFactory.CreateNonImage(dir.File("readme.jpg"));

        Assert.Equal(ImageDecodeFailure.Empty, Assert.Throws<ImageDecodeException>(() => _processor.Probe(empty, Ct)).Reason);
        Assert.Equal(ImageDecodeFailure.NotFound, Assert.Throws<ImageDecodeException>(() => _processor.Probe(dir.File("nope.jpg"), Ct)).Reason);
        var nonImage = Assert.Throws<ImageDecodeException>(() => _processor.CreateThumbnail(text, 64, ThumbnailFormat.Jpeg, 80, Ct));
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, nonImage.Reason);
        Assert.Contains("Jpeg", nonImage.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_extension_is_decoded_by_content()
    {
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePngWithWrongExtension(dir.File("photo.jpg"));
        var info = _processor.Probe(png, Ct);
        Assert.Equal(ImageFormat.Png, info.Format);
        Assert.Equal(64, _processor.CreateThumbnail(png, 256, ThumbnailFormat.Jpeg, 80, Ct).Width);
    }

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".png")]
    public void Decompression_bomb_header_is_refused_before_decoding(string extension)
    {
        using var dir = new TempImageDirectory();
        var path = extension == ".jpg"
            ? TestImageFactory.CreateJpegBombHeader(dir.File("bomb.jpg"))
            : TestImageFactory.CreatePngBombHeader(dir.File("bomb.png"));
        Assert.True(new FileInfo(path).Length < 10_000);

        var stopwatch = Stopwatch.StartNew();
        var ex = Assert.Throws<ImageDecodeException>(() => _processor.CreateThumbnail(path, 256, ThumbnailFormat.Jpeg, 80, Ct));
        Assert.Equal(ImageDecodeFailure.TooLarge, ex.Reason);
        Assert.Contains("30000x30000", ex.Detail, StringComparison.Ordinal);
        Assert.Equal(ImageDecodeFailure.TooLarge, Assert.Throws<ImageDecodeException>(() => _processor.ComputePixelHash(path, Ct)).Reason);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");

        // The header itself is readable: a raised limit lets the probe through (proving the limit did the refusing).
        var generous = TestHost.Processor(o => o.MaxPixels = 1_000_000_000);
        Assert.Equal(30000, generous.Probe(path, Ct).Width);
    }

    [Theory]
    // What a libvips whose libheif lacks an HEVC decoder (NetVips.Native's bundled 8.18) says about every HEIC photo.
    [InlineData("heif: Error while loading plugin: Support for this compression format has not been built in: HEVC (a suitable decoder plugin is libde265) (11.6003)", ImageDecodeFailure.UnsupportedFormat)]
    [InlineData("VipsForeignLoad: \"/x/a.jpg\" is not a known file format", ImageDecodeFailure.UnsupportedFormat)]
    [InlineData("VipsJpeg: Premature end of JPEG file", ImageDecodeFailure.Truncated)]
    [InlineData("VipsJpeg: Corrupt JPEG data: bad Huffman code", ImageDecodeFailure.Corrupt)]
    public void Decoder_messages_map_to_reasons(string detail, ImageDecodeFailure expected) =>
        Assert.Equal(expected, VipsImageProcessor.Classify(detail));

    [Fact]
    public void A_neighbours_lines_in_the_shared_error_buffer_are_not_reported_as_ours()
    {
        // NetVips' VipsException message: its own line, then libvips' process-wide error buffer.
        var message = "unable to call thumbnail\n/photos/other.png: bad seek to 833316\nVipsJpeg: Premature end of JPEG file\n"
            + "/photos/mine.jpg: out of order read\nVipsJpeg: Premature end of JPEG file";

        Assert.Equal(
            "unable to call thumbnail; VipsJpeg: Premature end of JPEG file; /photos/mine.jpg: out of order read",
            VipsImageProcessor.OwnLines(message, "/photos/mine.jpg"));
    }

    public static TheoryData<string> OddSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SampleImages.Path("jpg", "invalid"), "*.jpg")
                     .Concat(Directory.EnumerateFiles(SampleImages.Path("jpg", "tests"))).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(SampleImages.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OddSamples))]
    public void Odd_samples_either_decode_or_fail_typed(string relative)
    {
        var path = SampleImages.Path(relative);
        try
        {
            var thumb = _processor.CreateThumbnail(path, 128, ThumbnailFormat.Jpeg, 75, Ct);
            Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Detect(thumb.Data));
            Assert.InRange(Math.Max(thumb.Width, thumb.Height), 1, 128);
        }
        catch (ImageDecodeException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Detail));
        }
    }
}
