namespace ImageTagger.TestSupport.Images;

/// <summary>
/// The shared, read-only exif-samples collection (../shared/test-images/exif-samples beside the repository,
/// or IMAGETAGGER_TEST_IMAGES). Tests that write must copy files to a temp directory first.
/// </summary>
public static class SampleImages
{
    private static readonly Lazy<string> s_root = new(Locate);

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Camera JPEGs with real EXIF that decode cleanly (top-level jpg/ minus corrupted.jpg, plus gps/ and orientation/).</summary>
    public static IReadOnlyList<string> ValidJpegs() =>
        Directory.EnumerateFiles(Path("jpg"), "*.jpg")
            .Where(p => !p.EndsWith("corrupted.jpg", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(Path("jpg", "gps"), "*.jpg"))
            .Concat(Directory.EnumerateFiles(Path("jpg", "orientation"), "*.jpg"))
            .Concat(Directory.EnumerateFiles(Path("jpg", "exif-org"), "*.jpg"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Copies a sample into <paramref name="directory"/> (writable, owner-writable mode) and returns the copy's path.</summary>
    public static string CopyTo(string sample, string directory, string? newName = null)
    {
        Directory.CreateDirectory(directory);
        var target = System.IO.Path.Combine(directory, newName ?? System.IO.Path.GetFileName(sample));
        File.Copy(sample, target, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return target;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("IMAGETAGGER_TEST_IMAGES");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "test-images", "exif-samples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "test-images", "exif-samples");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ImageTagger.sln")) && Directory.Exists(candidate))
            {
                return System.IO.Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException(
            "exif-samples not found: expected ../shared/test-images/exif-samples beside the repository or IMAGETAGGER_TEST_IMAGES");
    }
}
