using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Tags;

namespace ImageTagger.TestSupport.Postgres;

/// <summary>Many tags quickly: a folder with one image row per list of names (no files), tagged by the user.</summary>
public static class TaggedImages
{
    /// <returns>The images' ids, in the order of <paramref name="tagsPerImage"/>.</returns>
    public static async Task<List<long>> AddAsync(CatalogDatabase database, string folderPath, IReadOnlyList<IReadOnlyList<string>> tagsPerImage, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateDbContext();
        var folder = new Folder { Path = folderPath };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(cancellationToken);
        var images = tagsPerImage.Select((_, i) => new Image { FolderId = folder.Id, Path = Path.Combine(folderPath, $"tagged-{i}.jpg"), FileName = $"tagged-{i}.jpg", Status = ImageStatus.Done }).ToList();
        db.Images.AddRange(images);
        await db.SaveChangesAsync(cancellationToken);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        for (var i = 0; i < images.Count; i++)
        {
            await TagStore.AddAsync(connection, null, [images[i].Id], tagsPerImage[i].ToList(), TagSource.User, cancellationToken);
        }

        return images.Select(i => i.Id).ToList();
    }
}
