using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ImageTagger.Imaging.WriteBack;

/// <summary>
/// Hashes the parts of a JPEG or PNG that determine its pixels (JPEG: every non-APPn/COM segment plus the
/// entropy-coded scans up to EOI; PNG: IHDR, PLTE, tRNS and IDAT), skipping the metadata exiftool rewrites.
/// Equal digests prove unchanged pixels without decoding; other formats return null (decode instead).
/// </summary>
internal static class EncodedImageData
{
    public static string? Digest(string path)
    {
        // Write-back verifies every file twice: a pooled buffer spares the GC two large-object arrays per image,
        // and other formats (decoded instead) are never read whole here.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        Span<byte> header = stackalloc byte[ImageFormatSniffer.HeaderLength];
        var format = ImageFormatSniffer.Detect(header[..RandomAccess.Read(file, header, 0)]);
        if (format is not (ImageFormat.Jpeg or ImageFormat.Png))
        {
            return null;
        }

        var length = RandomAccess.GetLength(file);
        if (length > Array.MaxLength)
        {
            throw new IOException($"{path} is too large to verify in memory ({length:N0} bytes)");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            int chunk;
            while (read < length && (chunk = RandomAccess.Read(file, buffer.AsSpan(read, (int)length - read), read)) > 0)
            {
                read += chunk;
            }

            var data = buffer.AsSpan(0, read);
            return format == ImageFormat.Jpeg ? JpegDigest(data) : PngDigest(data);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? JpegDigest(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var position = 2; // after SOI
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                return null;
            }

            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // standalone markers
                continue;
            }

            if (marker == 0xD9)
            {
                return null; // EOI before any scan
            }

            if (marker == 0xDA)
            {
                // Scans (and any tables between progressive scans) run to the first EOI: inside entropy-coded
                // data 0xFF is always followed by 0x00 or RSTn, so the first FF D9 ends the main image.
                var end = data[position..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]);
                if (end < 0)
                {
                    return null;
                }

                hash.AppendData(data.Slice(position, end + 2));
                return Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
            {
                return null;
            }

            var metadata = marker is (>= 0xE0 and <= 0xEF) or 0xFE;
            if (!metadata)
            {
                hash.AppendData(data.Slice(position, 2 + length));
            }

            position += 2 + length;
        }

        return null;
    }

    private static string? PngDigest(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var position = 8;
        var sawData = false;
        while (position + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            if (length < 0 || position + 12L + length > data.Length)
            {
                return null;
            }

            var type = data.Slice(position + 4, 4);
            if (type.SequenceEqual("IHDR"u8) || type.SequenceEqual("PLTE"u8) || type.SequenceEqual("tRNS"u8) || type.SequenceEqual("IDAT"u8))
            {
                hash.AppendData(data.Slice(position, 8 + length));
                sawData |= type.SequenceEqual("IDAT"u8);
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return sawData ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null;
            }

            position += 12 + length;
        }

        return null;
    }
}
