using System.Buffers.Binary;

namespace ImageTagger.Imaging;

/// <summary>Detects the image format from the first bytes of a file.</summary>
public static class ImageFormatSniffer
{
    /// <summary>Bytes needed by <see cref="Detect(ReadOnlySpan{byte})"/> to decide every format it knows.</summary>
    public const int HeaderLength = 32;

    private static readonly string[] s_heifBrands =
        ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis"];

    public static ImageFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        // Classic TIFF (42) and BigTIFF (43), both byte orders.
        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8)
            || header.StartsWith("II+\0"u8) || header.StartsWith("MM\0+"u8))
        {
            return ImageFormat.Tiff;
        }

        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = System.Text.Encoding.ASCII.GetString(header.Slice(8, 4));
            if (s_heifBrands.Contains(brand))
            {
                return ImageFormat.Heif;
            }
        }

        // "BM" alone is too weak (plenty of text starts with it): also require a known DIB header size.
        if (header.Length >= 18 && header[0] == (byte)'B' && header[1] == (byte)'M')
        {
            var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(14, 4));
            if (dibSize is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124)
            {
                return ImageFormat.Bmp;
            }
        }

        return ImageFormat.Unknown;
    }

    /// <summary>Reads the first bytes of a file and detects its format; a missing or empty file is Unknown.</summary>
    public static ImageFormat DetectFile(string path)
    {
        Span<byte> buffer = stackalloc byte[HeaderLength];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Detect(buffer[..read]);
    }
}
