namespace ImageTagger.Imaging;

/// <summary>
/// Where thumbnails live on disk: by image id and size, never by the original's path, so the Api can
/// serve them by id alone. Shared by Processing (writes) and the Api (reads, or makes one on demand).
/// </summary>
public sealed class ThumbnailStore(string root)
{
    public string Root { get; } = root;

    public string PathFor(long imageId, int longSide, ThumbnailFormat format) =>
        Path.Combine(Root, (imageId / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{imageId}-{longSide}{(format == ThumbnailFormat.WebP ? ".webp" : ".jpg")}");

    /// <summary>Writes atomically (temp file + rename) so a reader never sees half a thumbnail.</summary>
    public async Task WriteAsync(long imageId, EncodedImage image, CancellationToken cancellationToken)
    {
        var path = PathFor(imageId, image.RequestedLongSide, image.Format);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, image.Data, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public void Delete(long imageId)
    {
        var directory = Path.Combine(Root, (imageId / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, $"{imageId}-*"))
        {
            File.Delete(file);
        }
    }
}
