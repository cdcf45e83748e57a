using NetVips;

namespace ImageTagger.Imaging.Pixels;

/// <summary>Interleaved 8-bit sRGB pixels, upright, row after row.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Data);

/// <summary>
/// Decodes to raw RGB for the offline models (OCR, image features) through libvips: shrink-on-load, EXIF
/// orientation applied, alpha flattened on white, any colour space or bit depth turned into 8-bit sRGB.
/// </summary>
public static class RgbDecoder
{
    /// <summary>An encoded image (e.g. the cached model JPEG) fitted into <paramref name="longSide"/>, never enlarged.</summary>
    public static RgbImage Fit(byte[] encoded, int longSide, string sourceName) =>
        Run(sourceName, () => Image.ThumbnailBuffer(encoded, longSide, height: longSide, size: Enums.Size.Down));

    /// <summary>An encoded image scaled to cover a <paramref name="side"/> square and centre-cropped to it.</summary>
    public static RgbImage Square(byte[] encoded, int side, string sourceName) =>
        Run(sourceName, () => Image.ThumbnailBuffer(encoded, side, height: side, crop: Enums.Interesting.Centre));

    /// <summary>A file fitted into <paramref name="longSide"/>, upright by its orientation tag.</summary>
    public static RgbImage FitFile(string path, int longSide) =>
        Run(path, () => Image.Thumbnail(path.EndsWith(']') ? path + "[]" : path, longSide, height: longSide, size: Enums.Size.Down));

    private static RgbImage Run(string source, Func<Image> open)
    {
        try
        {
            using var image = open();
            using var srgb = image.Interpretation is Enums.Interpretation.Srgb or Enums.Interpretation.Rgb ? image.Copy() : image.Colourspace(Enums.Interpretation.Srgb);
            using var flat = srgb.HasAlpha() ? srgb.Flatten(background: [255, 255, 255]) : srgb.Copy();
            using var bytes = flat.Format == Enums.BandFormat.Uchar ? flat.Copy() : flat.Cast(Enums.BandFormat.Uchar);
            using var rgb = bytes.Bands switch
            {
                3 => bytes.Copy(),
                1 => bytes.Bandjoin(bytes, bytes),
                2 => bytes.ExtractBand(0).Bandjoin(bytes.ExtractBand(0), bytes.ExtractBand(0)),
                _ => bytes.ExtractBand(0, n: 3),
            };
            return new RgbImage(rgb.Width, rgb.Height, rgb.WriteToMemory<byte>());
        }
        catch (VipsException ex)
        {
            throw new ImageDecodeException(source, ImageDecodeFailure.Corrupt, ex.Message.Split('\n')[0], ex);
        }
    }
}
