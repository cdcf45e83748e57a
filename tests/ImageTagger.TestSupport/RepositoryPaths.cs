namespace ImageTagger.TestSupport;

/// <summary>Locates the repository (the folder holding ImageTagger.sln) and the shared test images beside it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    /// <summary>../shared/test-images next to the clone, as on developer and CI machines.</summary>
    public static string SharedTestImages
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("IMAGETAGGER_TEST_IMAGES");
            return !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Path.GetFullPath(Path.Combine(Root, "..", "shared", "test-images"));
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImageTagger.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ImageTagger.sln not found above {AppContext.BaseDirectory}.");
    }
}
