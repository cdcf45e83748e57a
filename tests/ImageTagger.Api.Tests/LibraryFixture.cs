using ImageTagger.Catalog.Folders;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Postgres;

namespace ImageTagger.Api.Tests;

/// <summary>An Api over a small described library: real image files, descriptions, tags and embeddings made with the loopback embedder.</summary>
public sealed class LibraryFixture : ApiFixture
{
    public Folder Folder { get; private set; } = null!;
    public Dictionary<string, long> Ids { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = CreateDbContext();
        Folder = new Folder { Path = Root.Path };
        db.Folders.Add(Folder);
        await db.SaveChangesAsync();

        LibraryEntry[] library =
        [
            new("bike", "A red bicycle leaning against a brick wall in the city", ["bicycle", "wall", "city"], new(2021, 6, 1, 0, 0, 0, TimeSpan.Zero), true),
            new("beach", "Waves rolling onto a sandy beach at sunset", ["beach", "sea", "sunset"], new(2022, 8, 1, 0, 0, 0, TimeSpan.Zero), false),
            new("dog", "A brown dog running on the beach with a ball", ["dog", "beach", "ball"], new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero), false),
            new("cat", "A cat asleep on a sofa", ["cat", "sofa"], null, false),
            new("mountain", "Snow covered mountain peaks under a blue sky", ["mountain", "snow"], new(2020, 2, 1, 0, 0, 0, TimeSpan.Zero), true),
        ];
        foreach (var (name, id) in await DescribedLibrary.SeedAsync(this, Folder.Id, library,
            (entry, index) => TestImageFactory.CreateJpeg(Path.Combine(Root.Path, entry.Name + ".jpg"), 320 + index, 240),
            image => (image.Width, image.Height) = (320, 240)))
        {
            Ids[name] = id;
        }
    }
}
