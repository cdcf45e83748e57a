using System.Buffers.Binary;

namespace ImageTagger.Imaging.Privacy;

/// <summary>
/// Removes every metadata block that can say who, where or when from an encoded JPEG or WebP rendition
/// (EXIF with GPS, XMP, IPTC/Photoshop, comments), keeping only what decoding needs (JFIF, an ICC profile,
/// Adobe's colour transform). Works on the bytes, so it holds whatever the encoder did: Debian's libvips 8.14
/// ignores <c>strip</c> in <c>webpsave</c> and copies the original's EXIF, GPS included, into every WebP.
/// </summary>
public static class RenditionMetadata
{
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;

    /// <summary>Whether the rendition carries EXIF, XMP, IPTC or a comment. Unknown formats are reported as clean.</summary>
    public static bool Carries(ReadOnlySpan<byte> data) => ImageFormatSniffer.Detect(data) switch
    {
        ImageFormat.Jpeg => JpegMetadataSegments(data).Any(),
        ImageFormat.WebP => WebPCarries(data),
        _ => false,
    };

    /// <summary>The rendition without its metadata; the same array when there is nothing to remove.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed JPEG or WebP container.</exception>
    public static byte[] Strip(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return ImageFormatSniffer.Detect(data) switch
        {
            ImageFormat.Jpeg => StripJpeg(data),
            ImageFormat.WebP => StripWebP(data),
            _ => data,
        };
    }

    private static bool WebPCarries(ReadOnlySpan<byte> data)
    {
        foreach (var (fourCc, offset, _) in WebPChunks(data))
        {
            if (fourCc is "EXIF" or "XMP ")
            {
                return true;
            }

            if (fourCc == "VP8X" && (data[offset + 8] & (ExifFlag | XmpFlag)) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] StripWebP(byte[] data)
    {
        if (!WebPCarries(data))
        {
            return data;
        }

        using var output = new MemoryStream(data.Length);
        output.Write(data, 0, 12);
        foreach (var (fourCc, offset, length) in WebPChunks(data))
        {
            if (fourCc is "EXIF" or "XMP ")
            {
                continue;
            }

            var start = output.Position;
            output.Write(data, offset, length);
            if (fourCc == "VP8X")
            {
                // The extended header announces the chunks; it must not promise ones that are gone.
                var bytes = output.GetBuffer();
                bytes[start + 8] &= unchecked((byte)~(ExifFlag | XmpFlag));
            }
        }

        var result = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), checked((uint)(result.Length - 8)));
        return result;
    }

    /// <summary>The RIFF chunks after the 12-byte header: four-cc, offset of the chunk header, whole padded length.</summary>
    private static IEnumerable<(string FourCc, int Offset, int Length)> WebPChunks(ReadOnlySpan<byte> data)
    {
        var chunks = new List<(string, int, int)>();
        var position = 12;
        while (position + 8 <= data.Length)
        {
            var fourCc = System.Text.Encoding.ASCII.GetString(data.Slice(position, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            var length = 8L + size + (size & 1);
            if (position + length > data.Length)
            {
                // An encoder may omit the final pad byte; anything shorter is damage.
                if (position + 8L + size != data.Length)
                {
                    throw new InvalidDataException($"WebP chunk '{fourCc}' at {position} runs past the end of the file");
                }

                length = 8L + size;
            }

            if (fourCc == "VP8X" && size < 10)
            {
                throw new InvalidDataException("WebP extended header is too short");
            }

            chunks.Add((fourCc, position, (int)length));
            position += (int)length;
        }

        return chunks;
    }

    private static byte[] StripJpeg(byte[] data)
    {
        var remove = JpegMetadataSegments(data).ToList();
        if (remove.Count == 0)
        {
            return data;
        }

        var result = new byte[data.Length - remove.Sum(r => r.Length)];
        var source = 0;
        var target = 0;
        foreach (var (offset, length) in remove)
        {
            data.AsSpan(source, offset - source).CopyTo(result.AsSpan(target));
            target += offset - source;
            source = offset + length;
        }

        data.AsSpan(source).CopyTo(result.AsSpan(target));
        return result;
    }

    /// <summary>
    /// Segments before the scan data that carry metadata: APP1 (EXIF, XMP), APP3–APP13 (IPTC/Photoshop, vendor
    /// blocks), APP15, COM, and any APP2 that is not an ICC profile (MPF, FlashPix). Kept: APP0 (JFIF),
    /// APP2 ICC_PROFILE, APP14 (Adobe colour transform) and every coding segment.
    /// </summary>
    private static IEnumerable<(int Offset, int Length)> JpegMetadataSegments(ReadOnlySpan<byte> data)
    {
        var segments = new List<(int, int)>();
        var position = 2; // after SOI
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                throw new InvalidDataException($"JPEG marker expected at {position}");
            }

            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // markers without a length
                continue;
            }

            if (marker is 0xDA or 0xD9)
            {
                break; // start of scan: no metadata after this point is read by anyone
            }

            var length = 2 + BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 4 || position + length > data.Length)
            {
                throw new InvalidDataException($"JPEG segment FF{marker:X2} at {position} runs past the end of the file");
            }

            var isMetadata = marker switch
            {
                0xE1 or (>= 0xE3 and <= 0xED) or 0xEF or 0xFE => true,
                0xE2 => !data.Slice(position + 4, length - 4).StartsWith("ICC_PROFILE\0"u8),
                _ => false,
            };
            if (isMetadata)
            {
                segments.Add((position, length));
            }

            position += length;
        }

        return segments;
    }
}
