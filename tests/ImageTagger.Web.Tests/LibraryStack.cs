using ImageTagger.Catalog.Folders;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Postgres;

namespace ImageTagger.Web.Tests;

/// <summary>A stack over a small described library of real photos: descriptions, tags, GPS and embeddings.</summary>
public sealed class LibraryStack : WebStack
{
    public Folder Folder { get; private set; } = null!;
    public Dictionary<string, long> Ids { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = CreateDbContext();
        Folder = new Folder { Path = Root.Path, LastScanAt = DateTimeOffset.UtcNow };
        db.Folders.Add(Folder);
        await db.SaveChangesAsync();

        LibraryEntry[] library =
        [
            new("bike", "A red bicycle leaning against a brick wall in the city", ["bicycle", "wall", "city"], new(2021, 6, 1, 10, 0, 0, TimeSpan.Zero), true),
            new("beach", "Waves rolling onto a sandy beach at sunset", ["beach", "sea", "sunset"], new(2022, 8, 1, 18, 0, 0, TimeSpan.Zero), false),
            new("dog", "A brown dog running on the beach with a ball", ["dog", "beach", "ball"], new(2023, 1, 1, 12, 0, 0, TimeSpan.Zero), false),
            new("cat", "A cat asleep on a sofa", ["cat", "sofa"], null, false),
            new("mountain", "Snow covered mountain peaks under a blue sky", ["mountain", "snow"], new(2020, 2, 1, 9, 0, 0, TimeSpan.Zero), true),
            new("harbour", "Fishing boats moored in a small harbour", ["boat", "harbour", "sea"], new(2019, 5, 4, 7, 30, 0, TimeSpan.Zero), true),
        ];
        var samples = SampleImages.ValidJpegs();
        var seeded = await DescribedLibrary.SeedAsync(this, Folder.Id, library,
            (entry, index) => Root.Copy(samples[(index * 7) % samples.Count], entry.Name + ".jpg"),
            image =>
            {
                image.DescribedAt = DateTimeOffset.UtcNow;
                (image.Width, image.Height) = (640, 480);
                (image.CameraMake, image.CameraModel) = ("Canon", "EOS 5D");
                image.Exif = new Dictionary<string, string> { ["Exif.ExposureTime"] = "1/250", ["Exif.FNumber"] = "f/8" };
            });
        foreach (var (name, id) in seeded)
        {
            Ids[name] = id;
        }
    }
}
