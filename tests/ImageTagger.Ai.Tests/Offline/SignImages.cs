using ImageTagger.Ai.Offline;
using ImageTagger.Imaging.Pixels;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Ai.Tests.Offline;

/// <summary>Black text on white, rendered by libvips: an image whose words OCR must read.</summary>
internal static class SignImages
{
    public static RgbPixels Create(TempImageDirectory dir, string text, int width, int height)
    {
        var path = dir.File("sign.png");
        var rendered = dir.File("text.v");
        VipsCli.Run("text", rendered, text, "--dpi", "200", "--font", "DejaVu Sans Bold");
        var inverted = dir.File("inverted.v");
        VipsCli.Run("invert", rendered, inverted);
        VipsCli.Run("embed", inverted, path, "40", "40", $"{width}", $"{height}", "--extend", "white");
        var pixels = RgbDecoder.FitFile(path, 1024);
        return new RgbPixels(pixels.Width, pixels.Height, pixels.Data);
    }
}
