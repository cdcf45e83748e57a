using System.Diagnostics;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.Imaging.Metadata;
using ImageTagger.Imaging.WriteBack;
using ImageTagger.TestSupport.Images;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.Imaging.Tests;

public sealed class MetadataWriterTests : IAsyncLifetime
{
    private static readonly string[] s_unicodeKeywords = ["Strand", "Sonnenuntergang", "café", "日本", "Ελλάδα", "emoji 🌅"];

    private readonly ExifToolSession _exifTool = TestHost.ExifTool();
    private readonly VipsImageProcessor _processor = TestHost.Processor();
    private readonly ImageMetadataReader _reader = new(NullLogger<ImageMetadataReader>.Instance);
    private readonly TempImageDirectory _dir = new();
    private MetadataWriter _writer = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _writer = TestHost.Writer(_exifTool);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _exifTool.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Jpeg_round_trip_replaces_keywords_keeps_pixels_and_permissions()
    {
        // BlueSquare already has 5 keywords in IPTC and XMP and a description in all three places.
        var path = _dir.Copy(SampleImages.Path("jpg", "xmp", "BlueSquare.jpg"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var pixelsBefore = _processor.ComputePixelHash(path, Ct);
        var fileBefore = FileFingerprint.ComputeSha256(path, Ct);
        const string description = "Ein blaues Quadrat — «test» ✓\nSecond line with a \\ backslash";

        var result = await _writer.WriteAsync(path, new ImageAnnotation(description, s_unicodeKeywords), WriteBackMode.Embedded, Ct);
        Assert.Equal(WriteBackMode.Embedded, result.Mode);
        Assert.Equal(path, result.WrittenPath);

        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Equal(description, tags.Values("XMP-dc:Description").Single());
        Assert.Equal(description, tags.Values("IFD0:ImageDescription").Single());
        Assert.Equal(description, tags.Values("IPTC:Caption-Abstract").Single());
        Assert.Equal(s_unicodeKeywords, tags.Values("XMP-dc:Subject"));
        Assert.Equal(s_unicodeKeywords, tags.Values("IPTC:Keywords"));
        // XPKeywords is UCS-2: the emoji keyword stays out rather than coming back mangled.
        Assert.Equal(string.Join(';', s_unicodeKeywords[..^1]), tags.Values("IFD0:XPKeywords").Single());

        // Our own reader (MetadataExtractor) sees the same thing.
        var metadata = _reader.Read(path, Ct);
        Assert.Equal(description, metadata.Description);
        Assert.Equal(s_unicodeKeywords, metadata.Keywords);

        Assert.Equal(pixelsBefore, _processor.ComputePixelHash(path, Ct));
        Assert.NotEqual(fileBefore, FileFingerprint.ComputeSha256(path, Ct));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        AssertNoTempFiles();

        // Writing again replaces rather than appends.
        await _writer.WriteAsync(path, new ImageAnnotation("Short", ["one", "two", "one"]), WriteBackMode.Embedded, Ct);
        var again = await _writer.ReadAsync(path, Ct);
        Assert.Equal(["one", "two"], again.Values("IPTC:Keywords"));
        Assert.Equal(["one", "two"], again.Values("XMP-dc:Subject"));
        Assert.Equal("Short", again.Description);
        Assert.Equal(pixelsBefore, _processor.ComputePixelHash(path, Ct));
    }

    [Fact]
    public async Task Png_round_trip_uses_xmp_and_png_text()
    {
        var path = TestImageFactory.CreatePng(_dir.File("gradient.png"), 300, 200);
        var pixelsBefore = _processor.ComputePixelHash(path, Ct);

        await _writer.WriteAsync(path, new ImageAnnotation("Ein Farbverlauf ✓", s_unicodeKeywords), WriteBackMode.Embedded, Ct);

        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Equal("Ein Farbverlauf ✓", tags.Values("PNG:Description").Single());
        Assert.Equal(s_unicodeKeywords, tags.Values("XMP-dc:Subject"));
        var metadata = _reader.Read(path, Ct);
        Assert.Equal("Ein Farbverlauf ✓", metadata.Description);
        Assert.Equal(s_unicodeKeywords, metadata.Keywords);
        Assert.Equal(pixelsBefore, _processor.ComputePixelHash(path, Ct));
        AssertNoTempFiles();
    }

    [Theory]
    [InlineData("heic/samplefilehub.heif")]
    [InlineData("tiff/BSG1.tiff")]
    [InlineData("jpg/orientation/portrait_6.jpg")]
    public async Task Other_embeddable_formats_round_trip(string relative)
    {
        var path = _dir.Copy(SampleImages.Path(relative.Split('/')));
        var pixelsBefore = _processor.ComputePixelHash(path, Ct);
        await _writer.WriteAsync(path, new ImageAnnotation("Described", ["alpha", "beta"]), WriteBackMode.Embedded, Ct);
        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Equal("Described", tags.Description);
        Assert.Equal(["alpha", "beta"], tags.Keywords);
        Assert.Equal(pixelsBefore, _processor.ComputePixelHash(path, Ct));
        Assert.Equal(_processor.Probe(SampleImages.Path(relative.Split('/')), Ct).Orientation, _processor.Probe(path, Ct).Orientation);
    }

    [Theory]
    [InlineData(".webp")]
    [InlineData(".gif")]
    public async Task Generated_webp_and_gif_round_trip(string extension)
    {
        var png = TestImageFactory.CreatePng(_dir.File("src.png"), 120, 80);
        var path = _dir.File("image" + extension);
        VipsCli.Run("copy", png, path);
        await _writer.WriteAsync(path, new ImageAnnotation("Described", ["alpha"]), WriteBackMode.Embedded, Ct);
        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Equal("Described", tags.Values("XMP-dc:Description").Single());
        Assert.Equal(["alpha"], tags.Values("XMP-dc:Subject"));
        Assert.Equal(extension == ".webp" ? ImageFormat.WebP : ImageFormat.Gif, _processor.Probe(path, Ct).Format);
    }

    [Fact]
    public async Task Sidecar_leaves_the_image_untouched_and_updates_in_place()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), "Ferien Bild ü.jpg");
        var before = FileFingerprint.ComputeSha256(path, Ct);

        var result = await _writer.WriteAsync(path, new ImageAnnotation("Toskana", s_unicodeKeywords), WriteBackMode.Sidecar, Ct);
        Assert.Equal(WriteBackMode.Sidecar, result.Mode);
        Assert.Equal(path + ".xmp", result.WrittenPath);
        Assert.Equal(before, FileFingerprint.ComputeSha256(path, Ct));

        var sidecar = await _writer.ReadAsync(result.WrittenPath!, Ct);
        Assert.Equal("Toskana", sidecar.Values("XMP-dc:Description").Single());
        Assert.Equal(s_unicodeKeywords, sidecar.Values("XMP-dc:Subject"));
        // A new sidecar starts from the image's own metadata (exiftool maps EXIF into XMP), but never its location:
        // the GPS position stays in the original.
        var camera = await _exifTool.ExecuteAsync(["-s3", "-XMP:Model", result.WrittenPath!], Ct);
        Assert.Equal("COOLPIX P6000", camera.Output.Trim());
        Assert.DoesNotContain(ExifToolCli.ReadTags(result.WrittenPath!)[0].Keys, k => k.Contains("GPS", StringComparison.Ordinal));
        var original = await _exifTool.ExecuteAsync(["-s3", "-n", "-EXIF:GPSLatitude", path], Ct);
        Assert.StartsWith("43.46", original.Output.Trim(), StringComparison.Ordinal);

        // Our reader merges the sidecar: its description wins, its keywords come first.
        var merged = _reader.Read(path, Ct);
        Assert.Equal("Toskana", merged.Description);
        Assert.Equal(s_unicodeKeywords, merged.Keywords);

        await _writer.WriteAsync(path, new ImageAnnotation("Siena", ["Dom"]), WriteBackMode.Sidecar, Ct);
        var updated = await _writer.ReadAsync(result.WrittenPath!, Ct);
        Assert.Equal("Siena", updated.Description);
        Assert.Equal(["Dom"], updated.Values("XMP-dc:Subject"));
        Assert.Equal(before, FileFingerprint.ComputeSha256(path, Ct));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task New_sidecar_overrides_the_images_own_xmp()
    {
        // BlueSquare carries XMP dc:description/subject; the sidecar must hold ours, not a copy of those.
        var path = _dir.Copy(SampleImages.Path("jpg", "xmp", "BlueSquare.jpg"));
        var result = await _writer.WriteAsync(path, new ImageAnnotation("Ours", ["mine"]), WriteBackMode.Sidecar, Ct);
        var sidecar = await _writer.ReadAsync(result.WrittenPath!, Ct);
        Assert.Equal("Ours", sidecar.Values("XMP-dc:Description").Single());
        Assert.Equal(["mine"], sidecar.Values("XMP-dc:Subject"));
        Assert.Equal("XMP", (await _writer.ReadAsync(path, Ct)).Values("XMP-dc:Subject")[0]); // image untouched
        var merged = _reader.Read(path, Ct);
        Assert.Equal("Ours", merged.Description);
        Assert.Equal("mine", merged.Keywords[0]);
        AssertNoTempFiles();
    }

    [Fact]
    public async Task Bmp_cannot_embed_so_it_gets_a_sidecar()
    {
        var png = TestImageFactory.CreatePng(_dir.File("src.png"), 40, 30);
        var bmp = _dir.File("old.bmp");
        VipsCli.Run("magicksave", png, bmp, "--format", "bmp");
        var before = FileFingerprint.ComputeSha256(bmp, Ct);
        var result = await _writer.WriteAsync(bmp, new ImageAnnotation("Old bitmap", ["retro"]), WriteBackMode.Embedded, Ct);
        Assert.Equal(WriteBackMode.Sidecar, result.Mode);
        Assert.Equal(bmp + ".xmp", result.WrittenPath);
        Assert.Equal(before, FileFingerprint.ComputeSha256(bmp, Ct));
        Assert.Equal(["retro"], (await _writer.ReadAsync(result.WrittenPath!, Ct)).Keywords);
    }

    [Fact]
    public async Task Mode_none_and_clearing()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "xmp", "no_exif.jpg"));
        var before = FileFingerprint.ComputeSha256(path, Ct);
        var none = await _writer.WriteAsync(path, new ImageAnnotation("ignored", ["ignored"]), WriteBackMode.None, Ct);
        Assert.Null(none.WrittenPath);
        Assert.Equal(before, FileFingerprint.ComputeSha256(path, Ct));

        await _writer.WriteAsync(path, new ImageAnnotation(null, []), WriteBackMode.Embedded, Ct);
        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Null(tags.Description);
        Assert.Empty(tags.Keywords);
        Assert.Empty(_reader.Read(path, Ct).Keywords);
    }

    [Fact]
    public async Task Read_only_file_and_folder_are_reported_and_untouched()
    {
        var readOnlyFile = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"), "locked.jpg");
        File.SetUnixFileMode(readOnlyFile, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var before = FileFingerprint.ComputeSha256(readOnlyFile, Ct);
        var ex = await Assert.ThrowsAsync<MetadataWriteException>(
            () => _writer.WriteAsync(readOnlyFile, new ImageAnnotation("x", ["y"]), WriteBackMode.Embedded, Ct));
        Assert.Equal(MetadataWriteFailure.ReadOnly, ex.Reason);
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, FileFingerprint.ComputeSha256(readOnlyFile, Ct));

        var folder = Path.Combine(_dir.Path, "locked folder");
        var inFolder = SampleImages.CopyTo(SampleImages.Path("jpg", "Canon_40D.jpg"), folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            foreach (var mode in new[] { WriteBackMode.Embedded, WriteBackMode.Sidecar })
            {
                var folderEx = await Assert.ThrowsAsync<MetadataWriteException>(
                    () => _writer.WriteAsync(inFolder, new ImageAnnotation("x", ["y"]), mode, Ct));
                Assert.Equal(MetadataWriteFailure.ReadOnly, folderEx.Reason);
            }

            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        AssertNoTempFiles();
    }

    [Fact]
    public async Task Non_image_with_image_name_fails_cleanly()
    {
        var path = TestImageFactory.CreateNonImage(_dir.File("fake.jpg"));
        var before = await File.ReadAllTextAsync(path, Ct);
        var ex = await Assert.ThrowsAsync<MetadataWriteException>(
            () => _writer.WriteAsync(path, new ImageAnnotation("x", ["y"]), WriteBackMode.Embedded, Ct));
        Assert.Equal(MetadataWriteFailure.UnsupportedFormat, ex.Reason);
        Assert.Equal(before, await File.ReadAllTextAsync(path, Ct));
        Assert.False(File.Exists(path + ".xmp"));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task Cancelled_write_leaves_the_original_and_no_temp_file()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"));
        var before = FileFingerprint.ComputeSha256(path, Ct);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _writer.WriteAsync(path, new ImageAnnotation("x", ["y"]), WriteBackMode.Embedded, cts.Token));
        Assert.Equal(before, FileFingerprint.ComputeSha256(path, Ct));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task Write_recovers_after_exiftool_was_killed()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"));
        await _exifTool.ExecuteAsync(["-ver"], Ct);
        using (var victim = Process.GetProcessById(Assert.Single(_exifTool.RunningProcessIds)))
        {
            victim.Kill();
            await victim.WaitForExitAsync(Ct);
        }

        await _writer.WriteAsync(path, new ImageAnnotation("after restart", ["ok"]), WriteBackMode.Embedded, Ct);
        Assert.Equal("after restart", (await _writer.ReadAsync(path, Ct)).Description);
    }

    [Fact]
    public async Task Symlink_updates_the_target_and_keeps_the_link()
    {
        var target = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"), "real.jpg");
        var link = _dir.File("link.jpg");
        File.CreateSymbolicLink(link, target);
        await _writer.WriteAsync(link, new ImageAnnotation("via link", ["linked"]), WriteBackMode.Embedded, Ct);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("via link", (await _writer.ReadAsync(target, Ct)).Description);
    }

    [Fact]
    public async Task Long_iptc_keywords_are_cut_at_a_character_boundary_but_xmp_keeps_them()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"));
        var longKeyword = string.Concat(Enumerable.Repeat("ü", 40)); // 80 UTF-8 bytes, IPTC allows 64
        await _writer.WriteAsync(path, new ImageAnnotation("d", [longKeyword]), WriteBackMode.Embedded, Ct);
        var tags = await _writer.ReadAsync(path, Ct);
        Assert.Equal(longKeyword, tags.Values("XMP-dc:Subject").Single());
        Assert.Equal(new string('ü', 32), tags.Values("IPTC:Keywords").Single());
    }

    [Fact]
    public async Task Concurrent_writes_to_different_files_all_succeed()
    {
        var files = Enumerable.Range(0, 8).Select(i => _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"), $"c{i}.jpg")).ToArray();
        await Task.WhenAll(files.Select((f, i) =>
            _writer.WriteAsync(f, new ImageAnnotation($"image {i}", [$"k{i}"]), WriteBackMode.Embedded, Ct)));
        for (var i = 0; i < files.Length; i++)
        {
            var tags = await _writer.ReadAsync(files[i], Ct);
            Assert.Equal($"image {i}", tags.Description);
            Assert.Equal([$"k{i}"], tags.Keywords);
        }

        AssertNoTempFiles();
    }

    [Fact]
    public async Task Concurrent_writes_to_the_same_file_leave_one_consistent_annotation()
    {
        var path = _dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"));
        var writes = Enumerable.Range(0, 6).Select(i =>
            _writer.WriteAsync(path, new ImageAnnotation($"version {i}", [$"v{i}"]), WriteBackMode.Embedded, Ct)).ToArray();
        await Task.WhenAll(writes);
        var tags = await _writer.ReadAsync(path, Ct);
        // Whichever came last, the file is consistent: description and keywords from the same write.
        var version = tags.Description!["version ".Length..];
        Assert.Equal([$"v{version}"], tags.Keywords);
        Assert.Equal([$"v{version}"], tags.Values("IPTC:Keywords"));
        AssertNoTempFiles();
    }

    private void AssertNoTempFiles() =>
        Assert.DoesNotContain(
            Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories),
            f => Path.GetFileName(f).Contains(".it-", StringComparison.Ordinal) || f.EndsWith("_exiftool_tmp", StringComparison.Ordinal));
}
