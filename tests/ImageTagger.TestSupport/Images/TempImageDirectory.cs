namespace ImageTagger.TestSupport.Images;

/// <summary>A fresh temp directory for a test's writable image copies, deleted (including read-only bits) on dispose.</summary>
public sealed class TempImageDirectory : IDisposable
{
    public TempImageDirectory(string prefix = "it-images-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Copy(string sample, string? newName = null) => SampleImages.CopyTo(sample, Path, newName);

    public void Dispose()
    {
        try
        {
            foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                if (!OperatingSystem.IsWindows() && entry.LinkTarget is null)
                {
                    entry.UnixFileMode |= UnixFileMode.UserWrite | UnixFileMode.UserRead | UnixFileMode.UserExecute;
                }
            }

            if (!OperatingSystem.IsWindows())
            {
                System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
        catch (ArgumentException)
        {
            // A dangling link a test left behind: best effort.
        }
    }
}
