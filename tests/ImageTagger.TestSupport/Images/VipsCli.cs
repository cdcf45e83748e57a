namespace ImageTagger.TestSupport.Images;

/// <summary>Runs the <c>vips</c> command-line tool (Debian package libvips-tools) for test image generation.</summary>
public static class VipsCli
{
    public static string Executable { get; set; } = "vips";

    /// <summary>Runs <c>vips</c> with the given arguments and throws with its stderr when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var (exitCode, output, error) = ToolProcess.Run(Executable, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"vips {string.Join(' ', arguments)} failed ({exitCode}): {error}{output}");
        }
    }
}
