using ImageTagger.Imaging.WriteBack;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class EncodedImageDataTests
{
    [Fact]
    public void Jpeg_digest_ignores_metadata_but_not_image_data()
    {
        using var dir = new TempImageDirectory();
        var original = dir.Copy(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"));
        var stripped = dir.File("stripped.jpg");
        PixelHashTests.RunExifTool("-all=", "-o", stripped, original);
        var reencoded = dir.File("reencoded.jpg");
        VipsCli.Run("copy", original, reencoded + "[Q=90]");

        var digest = EncodedImageData.Digest(original);
        Assert.NotNull(digest);
        Assert.Equal(digest, EncodedImageData.Digest(stripped));
        Assert.NotEqual(digest, EncodedImageData.Digest(reencoded));

        // Flip one byte in the middle of the scan data: the digest must notice.
        var bytes = File.ReadAllBytes(original);
        bytes[bytes.Length / 2] ^= 0x01;
        var damaged = dir.File("damaged.jpg");
        File.WriteAllBytes(damaged, bytes);
        Assert.NotEqual(digest, EncodedImageData.Digest(damaged));
    }

    [Fact]
    public void Png_digest_ignores_text_chunks()
    {
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePng(dir.File("a.png"), 50, 40);
        var tagged = dir.File("tagged.png");
        PixelHashTests.RunExifTool("-PNG:Description=hello", "-XMP-dc:Subject=x", "-o", tagged, png);
        Assert.NotEqual(FileFingerprint.ComputeSha256(png, TestContext.Current.CancellationToken), FileFingerprint.ComputeSha256(tagged, TestContext.Current.CancellationToken));
        Assert.Equal(EncodedImageData.Digest(png), EncodedImageData.Digest(tagged));
        Assert.NotEqual(EncodedImageData.Digest(png), EncodedImageData.Digest(TestImageFactory.CreatePng(dir.File("b.png"), 50, 41)));
    }

    [Fact]
    public void Other_formats_and_broken_files_fall_back_to_decoding()
    {
        Assert.Null(EncodedImageData.Digest(SampleImages.Path("tiff", "Arbitro.tiff")));
        Assert.Null(EncodedImageData.Digest(SampleImages.Path("heic", "samplefilehub.heif")));
        using var dir = new TempImageDirectory();
        Assert.Null(EncodedImageData.Digest(TestImageFactory.CreateTruncatedCopy(SampleImages.Path("jpg", "Canon_40D.jpg"), dir.File("cut.jpg"), 0.3)));
    }
}
