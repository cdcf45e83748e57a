using System.IO.Enumeration;

namespace ImageTagger.Processing.Scanning;

/// <summary>A file that may be an image, with what a stat gives.</summary>
public readonly record struct FileCandidate(string Path, long Size, DateTimeOffset ModifiedAt);

/// <summary>
/// Walks a folder for image candidates. Follows directory symlinks once each (a loop is visited once),
/// skips hidden folders and what it cannot read, and needs no extra stat per file.
/// </summary>
public static class FileWalker
{
    private static readonly HashSet<string> s_imageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".heif",
    };

    // Looked up by span: a million-file walk does not allocate an extension string per file.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_extensionLookup = s_imageExtensions.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Known image extensions, and files with no extension (content sniffing decides for those).</summary>
    public static bool IsCandidate(string path) => IsCandidate(path.AsSpan());

    /// <inheritdoc cref="IsCandidate(string)"/>
    public static bool IsCandidate(ReadOnlySpan<char> path)
    {
        var extension = System.IO.Path.GetExtension(path);
        return extension.Length == 0 ? !System.IO.Path.GetFileName(path).StartsWith('.') : s_extensionLookup.Contains(extension);
    }

    public static IEnumerable<FileCandidate> Walk(string root, bool recursive, CancellationToken cancellationToken = default)
    {
        var realRoot = RealPath(root);
        var visited = new HashSet<string>(StringComparer.Ordinal) { realRoot };
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            IEnumerable<Entry> entries;
            try
            {
                entries = new FileSystemEnumerable<Entry>(
                    directory,
                    (ref FileSystemEntry e) => new Entry(e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0, e.Length, e.LastWriteTimeUtc),
                    options).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // vanished or unreadable since we saw it
            }

            foreach (var entry in entries)
            {
                if (entry.IsDirectory)
                {
                    if (recursive && !System.IO.Path.GetFileName(entry.Path).StartsWith('.'))
                    {
                        // A link may only lead somewhere inside the folder: never out of the roots the user allowed.
                        var real = entry.IsLink ? RealPath(entry.Path) : entry.Path;
                        if ((!entry.IsLink || IsInside(real, realRoot)) && visited.Add(real))
                        {
                            pending.Push(entry.Path);
                        }
                    }

                    continue;
                }

                if (!IsCandidate(entry.Path))
                {
                    continue;
                }

                if (entry.IsLink)
                {
                    // A symlinked file: report its target's size and time, or skip it if it dangles.
                    var info = new FileInfo(entry.Path);
                    var target = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
                    if (target is null || !target.Exists || !IsInside(target.FullName, realRoot))
                    {
                        continue;
                    }

                    yield return new FileCandidate(entry.Path, target.Length, Truncate(target.LastWriteTimeUtc));
                    continue;
                }

                yield return new FileCandidate(entry.Path, entry.Length, Truncate(entry.LastWriteUtc));
            }
        }
    }

    /// <summary>PostgreSQL keeps microseconds; compare file times at that precision.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(root) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string RealPath(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
            return System.IO.Path.TrimEndingDirectorySeparator(target?.FullName ?? info.FullName);
        }
        catch (IOException)
        {
            return path;
        }
    }

    private readonly record struct Entry(string Path, bool IsDirectory, bool IsLink, long Length, DateTimeOffset LastWriteUtc);
}
