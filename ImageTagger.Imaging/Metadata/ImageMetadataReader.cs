using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.Xmp;
using Microsoft.Extensions.Logging;
using XmpCore;
using MetadataDirectory = MetadataExtractor.Directory;
using MxReader = MetadataExtractor.ImageMetadataReader;

namespace ImageTagger.Imaging.Metadata;

public interface IImageMetadataReader
{
    /// <summary>Reads EXIF/IPTC/XMP. Throws <see cref="ImageMetadataException"/> only when the whole file cannot be parsed.</summary>
    ImageMetadata Read(string path, CancellationToken cancellationToken = default);
}

/// <summary>MetadataExtractor-based reader; every tag access is guarded so one bad tag never loses the rest.</summary>
public sealed partial class ImageMetadataReader(ILogger<ImageMetadataReader> logger) : IImageMetadataReader
{
    private const string DublinCore = "http://purl.org/dc/elements/1.1/";
    private const string XmpExif = "http://ns.adobe.com/exif/1.0/";
    private const string XmpPhotoshop = "http://ns.adobe.com/photoshop/1.0/";
    private const string XmpExifEx = "http://cipa.jp/exif/1.0/";
    private const int MaxDisplayLength = 200;

    // Text cameras put in ImageDescription by default; not a description anyone wrote.
    private static readonly string[] s_boilerplate =
    [
        "OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "KODAK Digital Still Camera Image", "Default",
        "Exif_JPEG_PICTURE", "LEAD Technologies Inc. V1.01", "Created with GIMP", "Image", "Picture",
        "MINOLTA DIGITAL CAMERA", "SAMSUNG", "DCIM", "Untitled",
    ];

    private static readonly (Type Directory, int Tag)[] s_displayTags =
    [
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagMake),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagModel),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagLensMake),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagLensModel),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagLensSpecification),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagDateTimeOriginal),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagTimeZoneOriginal),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagDateTimeDigitized),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagDateTime),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExposureTime),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagFNumber),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagIsoEquivalent),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagFocalLength),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.Tag35MMFilmEquivFocalLength),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExposureProgram),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExposureBias),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExposureMode),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagMeteringMode),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagFlash),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagWhiteBalanceMode),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagSceneCaptureType),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagMaxAperture),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagSubjectDistance),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagDigitalZoomRatio),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagColorSpace),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExifImageWidth),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagExifImageHeight),
        (typeof(ExifSubIfdDirectory), ExifDirectoryBase.TagBodySerialNumber),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagOrientation),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagSoftware),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagArtist),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagCopyright),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagXResolution),
        (typeof(ExifIfd0Directory), ExifDirectoryBase.TagYResolution),
        (typeof(GpsDirectory), GpsDirectory.TagLatitude),
        (typeof(GpsDirectory), GpsDirectory.TagLongitude),
        (typeof(GpsDirectory), GpsDirectory.TagAltitude),
        (typeof(GpsDirectory), GpsDirectory.TagDateStamp),
        (typeof(GpsDirectory), GpsDirectory.TagTimeStamp),
        (typeof(GpsDirectory), GpsDirectory.TagImgDirection),
        (typeof(GpsDirectory), GpsDirectory.TagSpeed),
        (typeof(GpsDirectory), GpsDirectory.TagMapDatum),
    ];

    private static readonly string[] s_exifDateFormats =
        ["yyyy:MM:dd HH:mm:ss", "yyyy:MM:dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy:MM:dd"];

    public ImageMetadata Read(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<MetadataDirectory> directories;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024);
            if (stream.Length == 0)
            {
                throw new ImageMetadataException(path, MetadataReadFailure.UnsupportedFormat, "file is empty");
            }

            directories = MxReader.ReadMetadata(stream);
        }
        catch (ImageMetadataException)
        {
            throw;
        }
        catch (FileNotFoundException ex)
        {
            throw new ImageMetadataException(path, MetadataReadFailure.NotFound, ex.Message, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ImageMetadataException(path, MetadataReadFailure.NotFound, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ImageMetadataException(path, MetadataReadFailure.Unreadable, ex.Message, ex);
        }
        catch (ImageProcessingException ex)
        {
            var reason = ex.Message.Contains("could not be determined", StringComparison.OrdinalIgnoreCase)
                ? MetadataReadFailure.UnsupportedFormat
                : MetadataReadFailure.Corrupt;
            throw new ImageMetadataException(path, reason, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new ImageMetadataException(path, MetadataReadFailure.Unreadable, ex.Message, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // MetadataExtractor can throw arbitrary exceptions on hostile input: report, never crash the caller.
            throw new ImageMetadataException(path, MetadataReadFailure.Corrupt, $"{ex.GetType().Name}: {ex.Message}", ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var sidecar = ReadSidecar(path, out var sidecarWarning);
        var metadata = Build(directories, sidecar);
        if (sidecarWarning is not null)
        {
            metadata = metadata with { Warnings = [.. metadata.Warnings, sidecarWarning] };
        }

        if (metadata.Warnings.Count > 0)
        {
            LogMetadataWarnings(logger, path, metadata.Warnings.Count, metadata.Warnings[0]);
        }

        return metadata;
    }

    /// <summary>
    /// An XMP sidecar (<c>photo.jpg.xmp</c>, as written in Sidecar mode) is part of the image's metadata:
    /// it comes first, so its description and keywords win over the embedded ones.
    /// </summary>
    private static IXmpMeta? ReadSidecar(string imagePath, out string? warning)
    {
        warning = null;
        var sidecar = imagePath + ".xmp";
        if (!File.Exists(sidecar))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(sidecar, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return XmpMetaFactory.Parse(stream);
        }
        catch (Exception ex) when (ex is XmpException or IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            warning = $"sidecar {Path.GetFileName(sidecar)}: {ex.Message}";
            return null;
        }
    }

    internal static ImageMetadata Build(IReadOnlyList<MetadataDirectory> directories, IXmpMeta? sidecar = null)
    {
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var subIfds = directories.OfType<ExifSubIfdDirectory>().ToArray();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var iptc = directories.OfType<IptcDirectory>().FirstOrDefault();
        var embedded = directories.OfType<XmpDirectory>().Select(d => Safe(() => d.XmpMeta)).OfType<IXmpMeta>();
        var xmps = (sidecar is null ? embedded : embedded.Prepend(sidecar)).ToArray();
        var warnings = directories.SelectMany(d => d.Errors.Select(e => $"{d.Name}: {e}")).Distinct().Take(50).ToList();

        var (local, offset) = ReadCaptureTime(ifd0, subIfds, xmps, gps);

        return new ImageMetadata
        {
            TakenAtLocal = local,
            TakenAtOffset = offset,
            CameraMake = CleanText(Safe(() => ifd0?.GetString(ExifDirectoryBase.TagMake))),
            CameraModel = CleanText(Safe(() => ifd0?.GetString(ExifDirectoryBase.TagModel))),
            Lens = ReadLens(subIfds, ifd0),
            Location = ReadLocation(gps),
            Orientation = ReadInt(ifd0, ExifDirectoryBase.TagOrientation) is { } o and >= 1 and <= 8 ? o : null,
            Width = ReadDimension(directories, subIfds, width: true),
            Height = ReadDimension(directories, subIfds, width: false),
            Description = ReadDescription(ifd0, iptc, xmps),
            Keywords = ReadKeywords(ifd0, iptc, xmps),
            Exif = ReadDisplayTags(directories),
            Warnings = warnings,
        };
    }

    private static (DateTime? Local, TimeSpan? Offset) ReadCaptureTime(
        ExifIfd0Directory? ifd0, ExifSubIfdDirectory[] subIfds, IXmpMeta[] xmps, GpsDirectory? gps)
    {
        DateTime? local = null;
        TimeSpan? offset = null;
        foreach (var sub in subIfds)
        {
            local ??= ParseExifDate(Safe(() => sub.GetString(ExifDirectoryBase.TagDateTimeOriginal)), Safe(() => sub.GetString(ExifDirectoryBase.TagSubsecondTimeOriginal)));
            if (local is not null)
            {
                offset ??= ParseOffset(Safe(() => sub.GetString(ExifDirectoryBase.TagTimeZoneOriginal)));
                break;
            }
        }

        foreach (var sub in subIfds)
        {
            if (local is not null)
            {
                break;
            }

            local = ParseExifDate(Safe(() => sub.GetString(ExifDirectoryBase.TagDateTimeDigitized)), null);
            offset ??= local is null ? null : ParseOffset(Safe(() => sub.GetString(ExifDirectoryBase.TagTimeZoneDigitized)));
        }

        // XMP dates are ISO 8601 and usually carry their offset.
        if (local is null || offset is null)
        {
            foreach (var xmp in xmps)
            {
                foreach (var (ns, name) in new[] { (XmpExif, "DateTimeOriginal"), (XmpPhotoshop, "DateCreated") })
                {
                    var text = Safe(() => xmp.GetPropertyString(ns, name));
                    if (text is null)
                    {
                        continue;
                    }

                    if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                        && HasExplicitOffset(text))
                    {
                        if (local is null || local.Value == parsed.DateTime)
                        {
                            local = parsed.DateTime;
                            offset = parsed.Offset;
                        }
                    }
                    else if (local is null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
                    {
                        local = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
                    }
                }
            }
        }

        if (local is null)
        {
            local = ParseExifDate(Safe(() => ifd0?.GetString(ExifDirectoryBase.TagDateTime)), null);
            offset ??= local is null ? null : ParseOffset(Safe(() => subIfds.FirstOrDefault()?.GetString(ExifDirectoryBase.TagTimeZone)));
        }

        // No recorded offset: derive it from the GPS UTC time when it is a plausible whole quarter hour away.
        if (local is not null && offset is null && gps is not null && Safe(() => gps.TryGetGpsDate(out var utc) ? utc : (DateTime?)null) is { } gpsUtc)
        {
            var difference = local.Value - gpsUtc;
            var quarters = Math.Round(difference.TotalMinutes / 15);
            if (Math.Abs(difference.TotalMinutes - (quarters * 15)) <= 2 && Math.Abs(quarters) <= 14 * 4)
            {
                offset = TimeSpan.FromMinutes(quarters * 15);
            }
        }

        return (local, offset);
    }

    private static bool HasExplicitOffset(string text) =>
        text.EndsWith('Z') || (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':');

    internal static DateTime? ParseExifDate(string? text, string? subSeconds)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim().TrimEnd('\0').Trim();
        if (text.StartsWith("0000", StringComparison.Ordinal))
        {
            return null;
        }

        if (text.Length > 19)
        {
            text = text[..19];
        }

        if (!DateTime.TryParseExact(text, s_exifDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(subSeconds))
        {
            var digits = new string(subSeconds.Trim().TakeWhile(char.IsAsciiDigit).Take(7).ToArray());
            if (digits.Length > 0)
            {
                value = value.AddTicks(long.Parse(digits.PadRight(7, '0'), CultureInfo.InvariantCulture));
            }
        }

        return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
    }

    internal static TimeSpan? ParseOffset(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim().TrimEnd('\0');
        if (text.Length != 6 || text[0] is not ('+' or '-') || text[3] != ':'
            || !int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || hours > 14 || minutes > 59)
        {
            return null;
        }

        var offset = new TimeSpan(hours, minutes, 0);
        return text[0] == '-' ? -offset : offset;
    }

    private static string? ReadLens(ExifSubIfdDirectory[] subIfds, ExifIfd0Directory? ifd0)
    {
        foreach (var sub in subIfds)
        {
            var model = CleanText(Safe(() => sub.GetString(ExifDirectoryBase.TagLensModel)));
            if (model is not null)
            {
                var make = CleanText(Safe(() => sub.GetString(ExifDirectoryBase.TagLensMake)));
                return make is not null && !model.StartsWith(make, StringComparison.OrdinalIgnoreCase) ? $"{make} {model}" : model;
            }
        }

        foreach (var sub in subIfds)
        {
            var spec = CleanText(Safe(() => sub.GetDescription(ExifDirectoryBase.TagLensSpecification)));
            if (spec is not null)
            {
                return spec;
            }
        }

        return CleanText(Safe(() => ifd0?.GetString(ExifDirectoryBase.TagLens)));
    }

    private static GeoPosition? ReadLocation(GpsDirectory? gps)
    {
        if (gps is null)
        {
            return null;
        }

        var location = Safe(() => gps.GetGeoLocation());
        if (location is null || double.IsNaN(location.Latitude) || double.IsNaN(location.Longitude)
            || Math.Abs(location.Latitude) > 90 || Math.Abs(location.Longitude) > 180
            || (location.Latitude == 0 && location.Longitude == 0))
        {
            return null;
        }

        double? altitude = null;
        var rational = Safe(() => gps.TryGetRational(GpsDirectory.TagAltitude, out var r) ? r : (Rational?)null);
        if (rational is { Denominator: not 0 } alt)
        {
            altitude = alt.ToDouble();
            if (ReadInt(gps, GpsDirectory.TagAltitudeRef) == 1)
            {
                altitude = -altitude;
            }
        }

        return new GeoPosition(Math.Round(location.Latitude, 7), Math.Round(location.Longitude, 7), altitude is { } a ? Math.Round(a, 2) : null);
    }

    private static int? ReadDimension(IReadOnlyList<MetadataDirectory> directories, ExifSubIfdDirectory[] subIfds, bool width)
    {
        foreach (var sub in subIfds)
        {
            if (ReadInt(sub, width ? ExifDirectoryBase.TagExifImageWidth : ExifDirectoryBase.TagExifImageHeight) is > 0 and var value)
            {
                return value;
            }
        }

        var jpeg = directories.OfType<JpegDirectory>().FirstOrDefault();
        if (jpeg is not null && ReadInt(jpeg, width ? JpegDirectory.TagImageWidth : JpegDirectory.TagImageHeight) is > 0 and var j)
        {
            return j;
        }

        var png = directories.OfType<PngDirectory>().FirstOrDefault();
        if (png is not null && ReadInt(png, width ? PngDirectory.TagImageWidth : PngDirectory.TagImageHeight) is > 0 and var p)
        {
            return p;
        }

        return null;
    }

    private static string? ReadDescription(ExifIfd0Directory? ifd0, IptcDirectory? iptc, IXmpMeta[] xmps)
    {
        foreach (var xmp in xmps)
        {
            var text = Usable(Safe(() => xmp.GetLocalizedText(DublinCore, "description", null, "x-default")?.Value));
            if (text is not null)
            {
                return text;
            }
        }

        return Usable(Safe(() => iptc?.GetString(IptcDirectory.TagCaption)))
            ?? Usable(Safe(() => ifd0?.GetString(ExifDirectoryBase.TagImageDescription)));

        static string? Usable(string? text)
        {
            text = text?.Replace("\0", string.Empty, StringComparison.Ordinal).Trim();
            if (string.IsNullOrEmpty(text) || s_boilerplate.Any(b => string.Equals(b, text, StringComparison.OrdinalIgnoreCase))
                || (text.Length < 48 && text.EndsWith("DIGITAL CAMERA", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            return text;
        }
    }

    private static IReadOnlyList<string> ReadKeywords(ExifIfd0Directory? ifd0, IptcDirectory? iptc, IXmpMeta[] xmps)
    {
        var raw = new List<string?>();
        foreach (var xmp in xmps)
        {
            var count = Safe(() => xmp.DoesPropertyExist(DublinCore, "subject") ? xmp.CountArrayItems(DublinCore, "subject") : 0);
            for (var i = 1; i <= count; i++)
            {
                var index = i;
                raw.Add(Safe(() => xmp.GetArrayItem(DublinCore, "subject", index)?.Value));
            }
        }

        if (Safe(() => iptc?.GetStringArray(IptcDirectory.TagKeywords)) is { } iptcKeywords)
        {
            raw.AddRange(iptcKeywords);
        }

        raw.Add(Safe(() => ifd0?.GetDescription(ExifDirectoryBase.TagWinKeywords)));
        return KeywordList.Normalize(raw);
    }

    private static Dictionary<string, string> ReadDisplayTags(IReadOnlyList<MetadataDirectory> directories)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (type, tag) in s_displayTags)
        {
            var directory = type == typeof(ExifSubIfdDirectory)
                ? directories.OfType<ExifSubIfdDirectory>().FirstOrDefault(d => d.ContainsTag(tag))
                : directories.FirstOrDefault(d => d.GetType() == type && d.ContainsTag(tag));
            if (directory is null)
            {
                continue;
            }

            var name = Safe(() => directory is GpsDirectory ? "GPS " + directory.GetTagName(tag) : directory.GetTagName(tag));
            var value = CleanText(Safe(() => directory.GetDescription(tag)));
            if (name is not null && value is not null)
            {
                result.TryAdd(name, value.Length > MaxDisplayLength ? value[..MaxDisplayLength] + "…" : value);
            }
        }

        return result;
    }

    private static int? ReadInt(MetadataDirectory? directory, int tag) =>
        directory is not null && Safe(() => directory.TryGetInt32(tag, out var value) ? value : (int?)null) is { } v ? v : null;

    private static string? CleanText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var clean = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean;
    }

    // Individual tags in real files are routinely malformed; one bad tag must not cost the rest.
    private static T? Safe<T>(Func<T?> read)
    {
        try
        {
            return read();
        }
        catch (Exception)
        {
            return default;
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Debug, Message = "{Path}: {Count} metadata warnings, first: {First}")]
    private static partial void LogMetadataWarnings(ILogger logger, string path, int count, string first);
}
