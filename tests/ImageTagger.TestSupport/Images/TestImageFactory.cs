using System.Buffers.Binary;
using System.Globalization;

namespace ImageTagger.TestSupport.Images;

/// <summary>
/// Makes test images with the <c>vips</c> CLI: realistic volume (N distinct large JPEGs/PNGs) and nasty
/// files (empty, truncated, mislabelled, not an image, headers that claim 30000×30000).
/// </summary>
public static class TestImageFactory
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>A 3-band noisy JPEG (noise compresses like a detailed photo, so sizes are realistic or worse).</summary>
    public static string CreateJpeg(string path, int width, int height, int quality = 90)
    {
        using var scratch = new ScratchDirectory();
        var noise = scratch.File("noise.v");
        VipsCli.Run("gaussnoise", noise, Int(width), Int(height), "--sigma", "40");
        VipsCli.Run("bandjoin", $"{noise} {noise} {noise}", scratch.File("rgb.v"));
        VipsCli.Run("jpegsave", scratch.File("rgb.v"), path, "--Q", Int(quality));
        return path;
    }

    /// <summary>A PNG with a smooth horizontal gradient; <paramref name="withAlpha"/> adds an alpha band (the same gradient: transparent on the left).</summary>
    public static string CreatePng(string path, int width, int height, bool withAlpha = false)
    {
        using var scratch = new ScratchDirectory();
        var gradient = scratch.File("grey.v");
        VipsCli.Run("grey", gradient, Int(width), Int(height));
        VipsCli.Run("linear", gradient, scratch.File("grey8.v"), "255", "0", "--uchar");
        var bands = withAlpha ? "{0} {0} {0} {0}" : "{0} {0} {0}";
        VipsCli.Run("bandjoin", string.Format(s_invariant, bands, scratch.File("grey8.v")), path);
        return path;
    }

    /// <summary>
    /// Makes <paramref name="count"/> JPEGs (or PNGs) of the given size in <paramref name="directory"/>, each with
    /// different pixels (so fingerprints and pixel hashes differ), from one base image: fast even at 12 MP.
    /// </summary>
    public static IReadOnlyList<string> CreateMany(
        string directory, int count, int width, int height, string extension = ".jpg", int quality = 90)
    {
        Directory.CreateDirectory(directory);
        using var scratch = new ScratchDirectory();
        var baseImage = scratch.File("base.v");
        VipsCli.Run("gaussnoise", scratch.File("noise.v"), Int(width), Int(height), "--sigma", "40");
        VipsCli.Run("bandjoin", $"{scratch.File("noise.v")} {scratch.File("noise.v")} {scratch.File("noise.v")}", baseImage);
        var paths = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(directory, $"generated_{i:D4}{extension}");
            var target = extension.Equals(".png", StringComparison.OrdinalIgnoreCase)
                ? path
                : $"{path}[Q={Int(quality)}]";
            // A per-image offset makes every file's pixels distinct.
            VipsCli.Run("linear", baseImage, target, "1", Int(i % 200), "--uchar");
            paths.Add(path);
        }

        return paths;
    }

    public static string CreateEmptyFile(string path)
    {
        File.WriteAllBytes(path, []);
        return path;
    }

    /// <summary>Copies the first <paramref name="fraction"/> of <paramref name="source"/> (a download cut short).</summary>
    public static string CreateTruncatedCopy(string source, string path, double fraction = 0.5)
    {
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(path, bytes.AsSpan(0, Math.Max(1, (int)(bytes.Length * fraction))).ToArray());
        return path;
    }

    /// <summary>A real PNG saved under a name with another extension (e.g. <c>photo.jpg</c>).</summary>
    public static string CreatePngWithWrongExtension(string path)
    {
        using var scratch = new ScratchDirectory();
        CreatePng(scratch.File("real.png"), 64, 48);
        File.Copy(scratch.File("real.png"), path, overwrite: true);
        return path;
    }

    /// <summary>Plain text (or any bytes) under an image name.</summary>
    public static string CreateNonImage(string path, string content = "This is not an image, just text with an image name.\n")
    {
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A small valid JPEG whose SOF header claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static string CreateJpegBombHeader(string path, int width = 30000, int height = 30000)
    {
        using var scratch = new ScratchDirectory();
        VipsCli.Run("black", scratch.File("small.jpg"), "16", "16");
        var bytes = File.ReadAllBytes(scratch.File("small.jpg"));
        var patched = false;
        for (var i = 2; i + 9 < bytes.Length;)
        {
            if (bytes[i] != 0xFF)
            {
                break;
            }

            var marker = bytes[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 2));
            if (marker is >= 0xC0 and <= 0xC3)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), checked((ushort)height));
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), checked((ushort)width));
                patched = true;
                break;
            }

            i += 2 + length;
        }

        if (!patched)
        {
            throw new InvalidOperationException("no SOF marker found in the generated JPEG");
        }

        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A small valid PNG whose IHDR (with a correct CRC) claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static string CreatePngBombHeader(string path, int width = 30000, int height = 30000)
    {
        using var scratch = new ScratchDirectory();
        VipsCli.Run("black", scratch.File("small.png"), "16", "16");
        var bytes = File.ReadAllBytes(scratch.File("small.png"));
        // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4) ... + CRC over type and data.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        var crc = Crc32(bytes.AsSpan(12, 4 + 13));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Int(int value) => value.ToString(s_invariant);

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private sealed class ScratchDirectory : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("it-img-").FullName;

        public string File(string name) => Path.Combine(_path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover scratch folder in /tmp is harmless.
            }
        }
    }
}
