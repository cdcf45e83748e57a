namespace ImageTagger.Ai.Offline;

/// <summary>Decoded, upright pixels: interleaved 8-bit RGB, row after row (what libvips writes to memory).</summary>
public sealed record RgbPixels(int Width, int Height, byte[] Data)
{
    public static RgbPixels Create(int width, int height, byte[] data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (data.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"expected {width}×{height}×3 bytes, got {data.Length}", nameof(data));
        }

        return new RgbPixels(width, height, data);
    }

    /// <summary>Channel <paramref name="c"/> at (x, y), bilinear between pixel centres; coordinates are clamped.</summary>
    public float Sample(float x, float y, int c)
    {
        x = Math.Clamp(x, 0, Width - 1);
        y = Math.Clamp(y, 0, Height - 1);
        var x0 = (int)x;
        var y0 = (int)y;
        var x1 = Math.Min(x0 + 1, Width - 1);
        var y1 = Math.Min(y0 + 1, Height - 1);
        var fx = x - x0;
        var fy = y - y0;
        var top = (Data[((y0 * Width) + x0) * 3 + c] * (1 - fx)) + (Data[((y0 * Width) + x1) * 3 + c] * fx);
        var bottom = (Data[((y1 * Width) + x0) * 3 + c] * (1 - fx)) + (Data[((y1 * Width) + x1) * 3 + c] * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }
}
