using ImageTagger.Imaging.Privacy;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

/// <summary>No rendition we make carries the original's EXIF, GPS, XMP or IPTC: checked by reading it back with exiftool.</summary>
public sealed class RenditionPrivacyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_sample_with_GPS_gives_renditions_without_metadata_in_every_format_and_size()
    {
        var samples = ExifToolCli.SamplesWithGps();
        Assert.True(samples.Count >= 10, $"expected the GPS samples of the shared corpus, found {samples.Count}");
        var processor = TestHost.Processor();
        RenditionRequest[] requests =
        [
            new(256, ThumbnailFormat.WebP, 80), new(1024, ThumbnailFormat.Jpeg, 85),
            new(256, ThumbnailFormat.Jpeg, 80), new(1024, ThumbnailFormat.WebP, 80),
        ];
        using var dir = new TempImageDirectory();
        var checkedFiles = new List<string>();
        var decoded = new List<string>();
        foreach (var sample in samples)
        {
            IReadOnlyList<EncodedImage> renditions;
            try
            {
                renditions = processor.CreateRenditions(sample, requests, Ct);
            }
            catch (ImageDecodeException)
            {
                continue; // no pixels, no rendition: nothing to leak
            }

            decoded.Add(sample);

            foreach (var rendition in renditions)
            {
                var file = dir.File($"{checkedFiles.Count}-{Path.GetFileNameWithoutExtension(sample)}-{rendition.RequestedLongSide}{rendition.FileExtension}");
                File.WriteAllBytes(file, rendition.Data);
                Assert.False(RenditionMetadata.Carries(rendition.Data), file);
                checkedFiles.Add(file);
            }
        }

        // HEIC/HEIF phone photos and camera JPEGs with GPS are all in the corpus; most must decode.
        Assert.True(checkedFiles.Count >= 4 * 10, $"only {checkedFiles.Count} renditions were made");
        Assert.Contains(decoded, f => f.EndsWith(".heic", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".heif", StringComparison.OrdinalIgnoreCase));
        var tags = ExifToolCli.ReadTags([.. checkedFiles]);
        for (var i = 0; i < checkedFiles.Count; i++)
        {
            var revealing = tags[i].Keys.Where(ExifToolCli.IsRevealing).ToArray();
            Assert.True(revealing.Length == 0, $"{checkedFiles[i]} carries {string.Join(", ", revealing)}");
        }
    }

    [Theory]
    [InlineData("webp")]
    [InlineData("jpg")]
    public void A_leaky_rendition_is_stripped_to_a_valid_image_that_keeps_its_pixels_and_colour_profile(string extension)
    {
        using var dir = new TempImageDirectory();
        var sample = SampleImages.Path("jpg", "gps", "DSCN0010.jpg");
        var leaky = dir.File("leaky." + extension);
        VipsCli.Run("thumbnail", sample, leaky, "256"); // what an older version (and vipsthumbnail) writes
        var leakyBytes = File.ReadAllBytes(leaky);
        Assert.True(RenditionMetadata.Carries(leakyBytes));
        Assert.Contains(ExifToolCli.RevealingTags(leaky), tag => tag.Contains("GPS", StringComparison.Ordinal));

        var clean = RenditionMetadata.Strip(leakyBytes);
        var cleanFile = dir.File("clean." + extension);
        File.WriteAllBytes(cleanFile, clean);

        Assert.False(RenditionMetadata.Carries(clean));
        Assert.Empty(ExifToolCli.RevealingTags(cleanFile));
        Assert.True(clean.Length < leakyBytes.Length);
        Assert.Same(clean, RenditionMetadata.Strip(clean)); // nothing left to remove: no copy

        // Still an image, with the same pixels.
        var processor = TestHost.Processor();
        var before = processor.RenderPixels(leaky, 64, autoRotate: false);
        var after = processor.RenderPixels(cleanFile, 64, autoRotate: false);
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
        Assert.Equal(before.Pixels, after.Pixels);
    }

    [Fact]
    public void An_ICC_profile_is_kept_when_metadata_is_removed()
    {
        using var dir = new TempImageDirectory();
        var sample = SampleImages.Path("jpg", "Nikon_D70.jpg");
        var leaky = dir.File("icc.jpg");
        VipsCli.Run("copy", sample, leaky);
        Assert.Contains(ExifToolCli.ReadTags(leaky)[0].Keys, k => k.StartsWith("ICC_Profile:", StringComparison.Ordinal));

        var cleanFile = dir.File("icc-clean.jpg");
        File.WriteAllBytes(cleanFile, RenditionMetadata.Strip(File.ReadAllBytes(leaky)));

        var tags = ExifToolCli.ReadTags(cleanFile)[0];
        Assert.Contains(tags.Keys, k => k.StartsWith("ICC_Profile:", StringComparison.Ordinal));
        Assert.DoesNotContain(tags.Keys, ExifToolCli.IsRevealing);
    }

    [Fact]
    public void The_image_handed_to_the_encoder_carries_nothing_of_the_original_but_pixels_and_colour_profile()
    {
        // A JPEG with EXIF, XMP, IPTC, an EXIF preview image and an ICC profile, as libvips hands it to the encoder.
        var sample = SampleImages.Path("jpg", "xmp", "BlueSquare.jpg");
        using var image = NetVips.Image.Thumbnail(sample, 256);
        var before = image.GetFields();
        Assert.Contains(before, f => f.StartsWith("exif-", StringComparison.Ordinal));
        Assert.Contains("xmp-data", before);
        Assert.Contains("iptc-data", before);
        Assert.Contains("jpeg-thumbnail-data", before);
        Assert.Contains("icc-profile-data", before);

        using var clean = VipsImageProcessor.WithoutMetadata(sample, image);

        var after = clean.GetFields();
        Assert.DoesNotContain(after, f => f.StartsWith("exif-", StringComparison.Ordinal) || f is "xmp-data" or "iptc-data" or "jpeg-thumbnail-data");
        Assert.Contains("icc-profile-data", after);
        Assert.Equal((image.Width, image.Height, image.Bands), (clean.Width, clean.Height, clean.Bands));

        // Debian's libvips 8.14 webpsave ignores strip and writes an EXIF block of its own (resolution, size,
        // libexif's defaults): nothing in it comes from the original. The byte-level strip then removes it.
        var webp = clean.WebpsaveBuffer(q: 80);
        using var dir = new TempImageDirectory();
        var file = dir.File("first-layer.webp");
        File.WriteAllBytes(file, webp);
        var tags = ExifToolCli.ReadTags(file)[0];
        string[] madeByLibvips =
        [
            "EXIF:XResolution", "EXIF:YResolution", "EXIF:ResolutionUnit", "EXIF:YCbCrPositioning", "EXIF:ExifVersion",
            "EXIF:ComponentsConfiguration", "EXIF:FlashpixVersion", "EXIF:ColorSpace", "EXIF:ExifImageWidth", "EXIF:ExifImageHeight",
            "EXIF:Orientation",
        ];
        Assert.Empty(tags.Keys.Where(ExifToolCli.IsRevealing).Except(madeByLibvips));
        Assert.Equal("Horizontal (normal)", tags.GetValueOrDefault("EXIF:Orientation", "Horizontal (normal)"));
        Assert.Contains(tags.Keys, k => k.StartsWith("ICC_Profile:", StringComparison.Ordinal));
        Assert.False(RenditionMetadata.Carries(RenditionMetadata.Strip(webp)));
    }

    [Fact]
    public void Renditions_of_a_wide_gamut_phone_photo_keep_its_colour_profile_in_every_format()
    {
        var processor = TestHost.Processor();
        var renditions = processor.CreateRenditions(
            SampleImages.Path("heic", "IMG_5195.HEIC"),
            [new(256, ThumbnailFormat.WebP, 80), new(1024, ThumbnailFormat.Jpeg, 85)],
            Ct);

        using var dir = new TempImageDirectory();
        var files = renditions.Select(r => dir.File($"p3-{r.RequestedLongSide}{r.FileExtension}")).ToArray();
        for (var i = 0; i < files.Length; i++)
        {
            File.WriteAllBytes(files[i], renditions[i].Data);
        }

        // Without the profile a Display P3 photo is shown as if it were sRGB: dull colours.
        foreach (var tags in ExifToolCli.ReadTags(files))
        {
            Assert.Equal("Display P3", tags.GetValueOrDefault("ICC_Profile:ProfileDescription"));
            Assert.DoesNotContain(tags.Keys, ExifToolCli.IsRevealing);
        }
    }

    [Fact]
    public void Damaged_containers_are_refused_and_other_content_is_left_alone()
    {
        using var dir = new TempImageDirectory();
        var leaky = dir.File("leaky.webp");
        VipsCli.Run("thumbnail", SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), leaky, "128");
        var bytes = File.ReadAllBytes(leaky);

        Assert.Throws<InvalidDataException>(() => RenditionMetadata.Strip(bytes[..(bytes.Length - 100)]));
        var jpeg = File.ReadAllBytes(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"));
        Assert.Throws<InvalidDataException>(() => RenditionMetadata.Strip(jpeg[..40]));

        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        Assert.Same(png, RenditionMetadata.Strip(png));
        Assert.False(RenditionMetadata.Carries(png));
    }

    [Fact]
    public async Task An_old_cache_is_scrubbed_once_and_damaged_files_are_dropped()
    {
        using var dir = new TempImageDirectory();
        var store = new ThumbnailStore(dir.Path);
        var sample = SampleImages.Path("jpg", "gps", "DSCN0010.jpg");
        var webp = store.PathFor(7, 256, ThumbnailFormat.WebP);
        var jpeg = store.PathFor(7, 1024, ThumbnailFormat.Jpeg);
        var damaged = store.PathFor(1008, 256, ThumbnailFormat.WebP);
        Directory.CreateDirectory(Path.GetDirectoryName(webp)!);
        Directory.CreateDirectory(Path.GetDirectoryName(damaged)!);
        VipsCli.Run("thumbnail", sample, webp, "256");
        VipsCli.Run("thumbnail", sample, jpeg, "1024");
        var cleanAlready = store.PathFor(8, 256, ThumbnailFormat.WebP);
        File.WriteAllBytes(cleanAlready, RenditionMetadata.Strip(File.ReadAllBytes(webp)));
        var cleanStamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(cleanAlready, cleanStamp);
        File.WriteAllBytes(damaged, File.ReadAllBytes(webp)[..200]);
        var unrelated = Path.Combine(dir.Path, "notes.txt");
        File.WriteAllText(unrelated, "GPS 47.1 8.5");

        Assert.Equal(3, await store.ScrubMetadataAsync(Ct)); // two rewritten, one deleted

        Assert.Empty(ExifToolCli.RevealingTags(webp));
        Assert.Empty(ExifToolCli.RevealingTags(jpeg));
        Assert.False(File.Exists(damaged));
        Assert.Equal(cleanStamp, File.GetLastWriteTimeUtc(cleanAlready)); // clean files are not rewritten
        Assert.True(File.Exists(unrelated));
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories), _ => true);

        // Once done, later starts do not walk the cache again.
        VipsCli.Run("thumbnail", sample, webp, "256");
        Assert.Equal(0, await store.ScrubMetadataAsync(Ct));
        Assert.NotEmpty(ExifToolCli.RevealingTags(webp));
    }

    [Fact]
    public async Task A_new_cache_folder_is_marked_clean_without_work()
    {
        using var dir = new TempImageDirectory();
        var store = new ThumbnailStore(Path.Combine(dir.Path, "not-yet"));
        Assert.Equal(0, await store.ScrubMetadataAsync(Ct));
        Assert.True(File.Exists(Path.Combine(dir.Path, "not-yet", ".metadata-free")));
    }
}
