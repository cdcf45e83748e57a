namespace ImageTagger.Api.Folders;

/// <summary>
/// Decides whether a user-supplied folder path may be catalogued: absolute, existing, a directory, and —
/// after every symlink in it is resolved — inside an allowed root. Traversal ("..") and links out of a
/// root are refused because the check runs on the real path.
/// </summary>
public static class FolderPaths
{
    public static FolderPathCheck Check(string? path, IReadOnlyCollection<string> allowedRoots)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return FolderPathCheck.Fail(FolderErrorCode.InvalidPath, "Enter a folder path.");
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return FolderPathCheck.Fail(FolderErrorCode.InvalidPath, $"'{path}' is not an absolute path.");
        }

        if (!Directory.Exists(path))
        {
            return File.Exists(path)
                ? FolderPathCheck.Fail(FolderErrorCode.NotADirectory, $"'{path}' is a file, not a folder.")
                : FolderPathCheck.Fail(FolderErrorCode.NotFound, $"Folder '{path}' does not exist or cannot be read.");
        }

        var real = RealPath(path);
        var roots = allowedRoots.Where(r => !string.IsNullOrWhiteSpace(r) && Directory.Exists(r)).Select(RealPath).ToList();
        if (!roots.Any(root => IsSameOrUnder(real, root)))
        {
            var allowed = roots.Count == 0 ? "no folder roots are configured (Folders:AllowedRoots)" : "allowed roots: " + string.Join(", ", roots);
            return FolderPathCheck.Fail(FolderErrorCode.OutsideAllowedRoots, $"'{path}' is outside the allowed folders; {allowed}.");
        }

        return new FolderPathCheck(real, null, null);
    }

    public static bool IsSameOrUnder(string path, string root)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        return path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || root == "/";
    }

    /// <summary>The canonical path with every symlink resolved (like realpath(3)).</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        for (var hops = 0; hops < 64 && parts.Length > 0; hops++)
        {
            var resolvedAll = true;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(current, parts[i]);
                var info = new FileInfo(next);
                if (info.LinkTarget is { } target)
                {
                    // Restart from the link's target with the rest of the path appended.
                    var rest = parts.Skip(i + 1);
                    var resolved = Path.GetFullPath(Path.Combine(Path.IsPathRooted(target) ? target : Path.Combine(current, target), Path.Combine([.. rest.DefaultIfEmpty(".")])));
                    parts = resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
                    current = Path.GetPathRoot(resolved) ?? "/";
                    resolvedAll = false;
                    break;
                }

                current = next;
            }

            if (resolvedAll)
            {
                return Path.TrimEndingDirectorySeparator(current);
            }
        }

        throw new IOException($"Too many levels of symbolic links in '{path}'.");
    }
}

public enum FolderErrorCode
{
    InvalidPath,
    NotFound,
    NotADirectory,
    OutsideAllowedRoots,
    AlreadyAdded,
    FolderNotFound,
}

public sealed record FolderPathCheck(string? RealPath, FolderErrorCode? Code, string? Message)
{
    public bool Ok => Code is null;

    public static FolderPathCheck Fail(FolderErrorCode code, string message) => new(null, code, message);
}
