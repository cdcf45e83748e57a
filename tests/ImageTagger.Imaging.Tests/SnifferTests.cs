using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class SnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, ImageFormat.Png)]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, ImageFormat.Gif)]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x37, 0x61 }, ImageFormat.Gif)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, ImageFormat.WebP)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45 }, ImageFormat.Unknown)] // WAV
    [InlineData(new byte[] { 0x49, 0x49, 0x2A, 0x00 }, ImageFormat.Tiff)]
    [InlineData(new byte[] { 0x4D, 0x4D, 0x00, 0x2A }, ImageFormat.Tiff)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63 }, ImageFormat.Heif)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, ImageFormat.Unknown)] // MP4
    [InlineData(new byte[] { 0x42, 0x4D, 0, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0 }, ImageFormat.Bmp)]
    [InlineData(new byte[] { 0x42, 0x4D, 0x20, 0x69, 0x73, 0x20, 0x6E, 0x6F, 0x74, 0x20, 0x61, 0x20, 0x62, 0x6D, 0x70, 0x21, 0x21, 0x21 }, ImageFormat.Unknown)]
    [InlineData(new byte[] { 0xFF, 0xD8 }, ImageFormat.Unknown)]
    [InlineData(new byte[0], ImageFormat.Unknown)]
    public void Detects_format_from_magic_bytes(byte[] header, ImageFormat expected) =>
        Assert.Equal(expected, ImageFormatSniffer.Detect(header));

    [Theory]
    [InlineData("jpg/Canon_40D.jpg", ImageFormat.Jpeg)]
    [InlineData("heic/IMG_5195.HEIC", ImageFormat.Heif)]
    [InlineData("heic/samplefilehub.heif", ImageFormat.Heif)]
    [InlineData("tiff/Arbitro.tiff", ImageFormat.Tiff)]
    [InlineData("jpg/README", ImageFormat.Unknown)]
    public void Detects_sample_files(string relative, ImageFormat expected) =>
        Assert.Equal(expected, ImageFormatSniffer.DetectFile(SampleImages.Path(relative.Split('/'))));

    [Fact]
    public void Detects_content_not_extension()
    {
        using var dir = new TempImageDirectory();
        var png = TestImageFactory.CreatePngWithWrongExtension(dir.File("actually_png.jpg"));
        var text = TestImageFactory.CreateNonImage(dir.File("notes.jpg"));
        Assert.Equal(ImageFormat.Png, ImageFormatSniffer.DetectFile(png));
        Assert.Equal(ImageFormat.Unknown, ImageFormatSniffer.DetectFile(text));
    }

    [Theory]
    [InlineData("a.jpg", true)]
    [InlineData("A.JPEG", true)]
    [InlineData("b.Png", true)]
    [InlineData("c.heic", true)]
    [InlineData("c.HEIF", true)]
    [InlineData("d.tif", true)]
    [InlineData("e.webp", true)]
    [InlineData("f.bmp", true)]
    [InlineData("g.gif", true)]
    [InlineData("h.xmp", false)]
    [InlineData("i.jpg.tmp", false)]
    [InlineData("noextension", false)]
    public void Supported_extensions_are_case_insensitive(string name, bool expected) =>
        Assert.Equal(expected, SupportedImageFiles.IsSupported(name));
}
