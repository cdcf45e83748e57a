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
    public Task WriteAsync(long imageId, EncodedImage image, CancellationToken cancellationToken) =>
        WriteFileAsync(PathFor(imageId, image.RequestedLongSide, image.Format), image.Data, cancellationToken);

    private static async Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, data, cancellationToken);
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

    /// <summary>The downscaled JPEG for the vision model, kept between the analyze and describe stages.</summary>
    public string AiImagePath(long imageId) =>
        Path.Combine(Root, (imageId / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{imageId}-ai.jpg");

    public Task WriteAiImageAsync(long imageId, EncodedImage image, CancellationToken cancellationToken) =>
        WriteFileAsync(AiImagePath(imageId), image.Data, cancellationToken);

    /// <summary>
    /// The cached model JPEG — the preview thumbnail when <see cref="ImagingOptions.ModelImageIsThumbnail"/> —
    /// or null when it is not there (older analysis, cache cleared).
    /// </summary>
    public async Task<byte[]?> ReadAiImageAsync(long imageId, ImagingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await File.ReadAllBytesAsync(
                options.ModelImageIsThumbnail ? PathFor(imageId, options.AiLongSide, ThumbnailFormat.Jpeg) : AiImagePath(imageId),
                cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Written once every cached rendition is known to carry no EXIF, XMP or IPTC.</summary>
    internal const string MetadataFreeMarker = ".metadata-free";

    /// <summary>
    /// Removes EXIF (GPS), XMP and IPTC from every cached rendition, once per cache: renditions made before
    /// <see cref="Privacy.RenditionMetadata"/> existed carry the original's metadata. Damaged files are deleted
    /// (the Api makes them again on demand). Returns how many files were rewritten or deleted.
    /// </summary>
    public async Task<int> ScrubMetadataAsync(CancellationToken cancellationToken)
    {
        var marker = Path.Combine(Root, MetadataFreeMarker);
        if (File.Exists(marker))
        {
            return 0;
        }

        var changed = 0;
        if (Directory.Exists(Root))
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!file.EndsWith(".webp", StringComparison.Ordinal) && !file.EndsWith(".jpg", StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    var data = await File.ReadAllBytesAsync(file, cancellationToken);
                    byte[] clean;
                    try
                    {
                        clean = Privacy.RenditionMetadata.Strip(data);
                    }
                    catch (InvalidDataException)
                    {
                        File.Delete(file);
                        changed++;
                        continue;
                    }

                    if (!ReferenceEquals(clean, data))
                    {
                        await WriteFileAsync(file, clean, cancellationToken);
                        changed++;
                    }
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Deleted meanwhile (image removed): nothing left to clean.
                }
            }
        }

        Directory.CreateDirectory(Root);
        await WriteFileAsync(marker, [], cancellationToken);
        return changed;
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
