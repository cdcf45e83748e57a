using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class PixelHashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly VipsImageProcessor _processor = TestHost.Processor();

    [Fact]
    public void Same_pixels_same_hash_different_pixels_different_hash()
    {
        using var dir = new TempImageDirectory();
        var images = TestImageFactory.CreateMany(dir.Path, 2, 640, 480);
        var copy = dir.Copy(images[0], "copy.jpg");

        var first = _processor.ComputePixelHash(images[0], Ct);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, _processor.ComputePixelHash(copy, Ct));
        Assert.NotEqual(first, _processor.ComputePixelHash(images[1], Ct));
    }

    [Fact]
    public void Hash_ignores_metadata_but_file_fingerprint_does_not()
    {
        using var dir = new TempImageDirectory();
        var original = dir.Copy(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"));
        var stripped = dir.File("stripped.jpg");
        // Re-wrap the same JPEG scan data without EXIF: exiftool only drops metadata segments.
        RunExifTool("-all=", "-o", stripped, original);

        Assert.NotEqual(FileFingerprint.ComputeSha256(original, Ct), FileFingerprint.ComputeSha256(stripped, Ct));
        Assert.Equal(_processor.ComputePixelHash(original, Ct), _processor.ComputePixelHash(stripped, Ct));
    }

    [Fact]
    public void Rotated_orientation_hashes_upright_geometry()
    {
        // landscape_6 is stored portrait-shaped and tagged to be turned: the hash covers the upright image.
        var path = SampleImages.Path("jpg", "orientation", "landscape_6.jpg");
        var info = _processor.Probe(path, Ct);
        Assert.True(info.SwapsAxes);
        var hash = _processor.ComputePixelHash(path, Ct);
        Assert.Equal(hash, _processor.ComputePixelHash(path, Ct));
        Assert.NotEqual(hash, _processor.ComputePixelHash(SampleImages.Path("jpg", "orientation", "landscape_1.jpg"), Ct));
    }

    [Fact]
    public void Cancelled_hash_throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => _processor.ComputePixelHash(SampleImages.Path("jpg", "Canon_40D.jpg"), cts.Token));
    }

    internal static void RunExifTool(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
    }
}
