using ImageTagger.Imaging.Metadata;
using ImageTagger.TestSupport.Images;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.Imaging.Tests;

// Expected values were read with `exiftool -n` from the same files.
public sealed class MetadataReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ImageMetadataReader _reader = new(NullLogger<ImageMetadataReader>.Instance);

    [Fact]
    public void Gps_date_and_camera_from_nikon()
    {
        var metadata = _reader.Read(SampleImages.Path("jpg", "gps", "DSCN0010.jpg"), Ct);
        Assert.Equal(43.4674483, metadata.Location!.Latitude, 6);
        Assert.Equal(11.8851267, metadata.Location.Longitude, 6);
        Assert.Null(metadata.Location.Altitude);
        Assert.Equal(new DateTime(2008, 10, 22, 16, 28, 39), metadata.TakenAtLocal);
        // The GPS clock says the next day: not a plausible time zone, so no offset is invented.
        Assert.Null(metadata.TakenAtOffset);
        Assert.Null(metadata.TakenAt);
        Assert.Equal("NIKON", metadata.CameraMake);
        Assert.Equal("COOLPIX P6000", metadata.CameraModel);
        Assert.Equal(1, metadata.Orientation);
        Assert.Equal((640, 480), (metadata.Width, metadata.Height));
        Assert.Null(metadata.Description); // ImageDescription is blank padding
    }

    [Fact]
    public void Western_longitude_is_negative_and_altitude_and_lens_are_read()
    {
        var metadata = _reader.Read(SampleImages.Path("jpg", "hdr", "iphone_hdr_NO.jpg"), Ct);
        Assert.Equal(40.4469722, metadata.Location!.Latitude, 6);
        Assert.Equal(-3.7247528, metadata.Location.Longitude, 6);
        Assert.Equal(639.59, metadata.Location.Altitude!.Value, 2);
        Assert.Equal("Apple", metadata.CameraMake);
        Assert.Equal("iPhone 6", metadata.CameraModel);
        Assert.Contains("iPhone 6 back camera 4.15mm f/2.2", metadata.Lens, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2015, 4, 10, 20, 12, 23, 16), metadata.TakenAtLocal); // SubSecTimeOriginal "016"
        // No OffsetTimeOriginal, but GPS UTC 18:12:22 vs local 20:12:23 → +02:00 (Madrid, summer time).
        Assert.Equal(TimeSpan.FromHours(2), metadata.TakenAtOffset);
        Assert.Equal(new DateTimeOffset(2015, 4, 10, 18, 12, 23, 16, TimeSpan.Zero), metadata.TakenAt!.Value.ToUniversalTime());
    }

    [Fact]
    public void Explicit_offset_time_original_is_used()
    {
        var metadata = _reader.Read(SampleImages.Path("jpg", "mobile", "HMD_Nokia_8.3_5G.jpg"), Ct);
        Assert.Equal(new DateTimeOffset(2022, 8, 14, 14, 12, 31, TimeSpan.FromHours(3)), metadata.TakenAt);
        Assert.Equal(60.1467056, metadata.Location!.Latitude, 6);
        Assert.Equal(24.9067722, metadata.Location.Longitude, 6);
    }

    [Fact]
    public void Heic_metadata_is_read()
    {
        var metadata = _reader.Read(SampleImages.Path("heic", "IMG_5195.HEIC"), Ct);
        Assert.Equal("Apple", metadata.CameraMake);
        Assert.Equal(-94.2887722, metadata.Location!.Longitude, 6);
        Assert.Equal(39.0513444, metadata.Location.Latitude, 6);
        Assert.Equal(new DateTimeOffset(2021, 4, 11, 15, 47, 53, 54, TimeSpan.FromHours(-5)), metadata.TakenAt);
    }

    [Fact]
    public void Existing_description_and_keywords_from_xmp_iptc_and_exif()
    {
        var blue = _reader.Read(SampleImages.Path("jpg", "xmp", "BlueSquare.jpg"), Ct);
        Assert.Equal("XMPFiles BlueSquare test file, created in Photoshop CS2, saved as .psd, .jpg, and .tif.", blue.Description);
        Assert.Equal(["XMP", "Blue Square", "test file", "Photoshop", ".jpg"], blue.Keywords);

        var goalie = _reader.Read(SampleImages.Path("jpg", "xmp", "no_exif.jpg"), Ct);
        Assert.Equal("Der Goalie bin ig", goalie.Description);
        Assert.Equal(["tag"], goalie.Keywords); // same keyword in IPTC, XMP and XPKeywords: once

        var longText = _reader.Read(SampleImages.Path("jpg", "long_description.jpg"), Ct);
        Assert.StartsWith("Operation Mountain Viper", longText.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exif-org/olympus-c960.jpg")]
    [InlineData("exif-org/sanyo-vpcg250.jpg")]
    [InlineData("Konica_Minolta_DiMAGE_Z3.jpg")]
    public void Camera_boilerplate_is_not_a_description(string relative)
    {
        var metadata = _reader.Read(SampleImages.Path(["jpg", .. relative.Split('/')]), Ct);
        Assert.Null(metadata.Description);
        Assert.NotNull(metadata.CameraMake);
    }

    [Fact]
    public void Display_tags_are_human_readable()
    {
        var metadata = _reader.Read(SampleImages.Path("jpg", "Canon_40D.jpg"), Ct);
        Assert.Equal("Canon", metadata.Exif["Make"]);
        Assert.Equal("Canon EOS 40D", metadata.Exif["Model"]);
        Assert.Equal("1/160 sec", metadata.Exif["Exposure Time"]);
        Assert.Equal("f/7.1", metadata.Exif["F-Number"]);
        Assert.Equal("100", metadata.Exif["ISO Speed Ratings"]);
        Assert.Equal(new DateTime(2008, 5, 30, 15, 56, 1), metadata.TakenAtLocal);
        Assert.InRange(metadata.Exif.Count, 10, 60);
    }

    public static TheoryData<string> HostileSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SampleImages.Path("jpg", "tests"))
                     .Concat(Directory.EnumerateFiles(SampleImages.Path("jpg", "invalid"), "*.jpg"))
                     .Append(SampleImages.Path("jpg", "corrupted.jpg"))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(SampleImages.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileSamples))]
    public void Hostile_metadata_never_throws_untyped(string relative)
    {
        try
        {
            var metadata = _reader.Read(SampleImages.Path(relative), Ct);
            Assert.NotNull(metadata.Keywords);
            Assert.All(metadata.Exif.Values, v => Assert.DoesNotContain('\0', v));
        }
        catch (ImageMetadataException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Detail));
        }
    }

    [Fact]
    public void Known_bad_tags_still_yield_the_rest()
    {
        // 87_OSError has a broken tag that crashes some parsers; GPS and camera are still there.
        var metadata = _reader.Read(SampleImages.Path("jpg", "tests", "87_OSError.jpg"), Ct);
        Assert.Equal("NIKON CORPORATION", metadata.CameraMake);
        Assert.Equal(43.7855944, metadata.Location!.Latitude, 5);
        Assert.Equal(new DateTime(2005, 12, 14, 14, 39, 47), metadata.TakenAtLocal);
    }

    [Fact]
    public void Broken_sidecar_is_a_warning_not_a_failure()
    {
        using var dir = new TempImageDirectory();
        var path = dir.Copy(SampleImages.Path("jpg", "xmp", "no_exif.jpg"));
        File.WriteAllText(path + ".xmp", "<x:xmpmeta this is not xml");
        var metadata = _reader.Read(path, Ct);
        Assert.Equal("Der Goalie bin ig", metadata.Description);
        Assert.Contains(metadata.Warnings, w => w.Contains("no_exif.jpg.xmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Whole_file_failures_are_typed()
    {
        using var dir = new TempImageDirectory();
        Assert.Equal(MetadataReadFailure.UnsupportedFormat,
            Assert.Throws<ImageMetadataException>(() => _reader.Read(TestImageFactory.CreateNonImage(dir.File("a.jpg")), Ct)).Reason);
        Assert.Equal(MetadataReadFailure.UnsupportedFormat,
            Assert.Throws<ImageMetadataException>(() => _reader.Read(TestImageFactory.CreateEmptyFile(dir.File("b.jpg")), Ct)).Reason);
        Assert.Equal(MetadataReadFailure.NotFound,
            Assert.Throws<ImageMetadataException>(() => _reader.Read(dir.File("missing.jpg"), Ct)).Reason);
    }

    [Theory]
    [InlineData("2008:10:22 16:28:39", null, "2008-10-22T16:28:39.0000000")]
    [InlineData("2008:10:22 16:28:39", "25", "2008-10-22T16:28:39.2500000")]
    [InlineData("2013:07:05 03:18:27Z", null, "2013-07-05T03:18:27.0000000")]
    [InlineData("0000:00:00 00:00:00", null, null)]
    [InlineData("    :  :     :  :  ", null, null)]
    [InlineData("garbage", null, null)]
    public void Exif_dates_parse_defensively(string text, string? subSeconds, string? expected) =>
        Assert.Equal(expected, ImageMetadataReader.ParseExifDate(text, subSeconds)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("+02:00", 120)]
    [InlineData("-05:30", -330)]
    [InlineData("+2:00", null)]
    [InlineData("+15:00", null)]
    [InlineData("", null)]
    public void Offsets_parse_strictly(string text, int? minutes) =>
        Assert.Equal(minutes is null ? null : TimeSpan.FromMinutes(minutes.Value), ImageMetadataReader.ParseOffset(text));

    [Fact]
    public void Keyword_lists_split_trim_and_dedupe()
    {
        Assert.Equal(["beach", "Sunset", "sea"], KeywordList.Normalize(["beach; Sunset", " sea ,BEACH", null, "", " ; "]));
    }
}
