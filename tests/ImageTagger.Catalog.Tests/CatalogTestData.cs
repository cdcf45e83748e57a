using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Tags;

namespace ImageTagger.Catalog.Tests;

internal static class CatalogTestData
{
    public static async Task<Folder> AddFolderAsync(CatalogDbContext db, CancellationToken ct)
    {
        var folder = new Folder { Path = "/photos/" + Guid.NewGuid().ToString("N") };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(ct);
        return folder;
    }

    public static async Task<Image> AddImageAsync(CatalogDbContext db, Folder folder, string fileName, string? description = null, params string[] tags)
    {
        var image = new Image
        {
            FolderId = folder.Id,
            Path = $"{folder.Path}/{fileName}",
            FileName = fileName,
            ModifiedAt = DateTimeOffset.UtcNow,
            Description = description,
        };
        foreach (var tagName in tags)
        {
            var tag = db.Tags.Local.FirstOrDefault(t => t.NormalizedName == tagName)
                ?? db.Tags.FirstOrDefault(t => t.NormalizedName == tagName)
                ?? db.Tags.Add(new Tag { Name = tagName, NormalizedName = tagName }).Entity;
            image.Tags.Add(new ImageTag { Tag = tag, Source = TagSource.Ai });
        }

        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image;
    }
}
