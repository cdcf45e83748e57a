using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.DependencyInjection;

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

        (string Name, string Description, string[] Tags, DateTimeOffset? TakenAt, bool Gps)[] library =
        [
            ("bike", "A red bicycle leaning against a brick wall in the city", ["bicycle", "wall", "city"], new(2021, 6, 1, 10, 0, 0, TimeSpan.Zero), true),
            ("beach", "Waves rolling onto a sandy beach at sunset", ["beach", "sea", "sunset"], new(2022, 8, 1, 18, 0, 0, TimeSpan.Zero), false),
            ("dog", "A brown dog running on the beach with a ball", ["dog", "beach", "ball"], new(2023, 1, 1, 12, 0, 0, TimeSpan.Zero), false),
            ("cat", "A cat asleep on a sofa", ["cat", "sofa"], null, false),
            ("mountain", "Snow covered mountain peaks under a blue sky", ["mountain", "snow"], new(2020, 2, 1, 9, 0, 0, TimeSpan.Zero), true),
            ("harbour", "Fishing boats moored in a small harbour", ["boat", "harbour", "sea"], new(2019, 5, 4, 7, 30, 0, TimeSpan.Zero), true),
        ];
        var samples = SampleImages.ValidJpegs();
        var store = ApiFactory.Services.GetRequiredService<EmbeddingStore>();
        foreach (var (name, description, tags, takenAt, gps) in library)
        {
            var path = Root.Copy(samples[(Ids.Count * 7) % samples.Count], name + ".jpg");
            var image = new Image
            {
                FolderId = Folder.Id,
                Path = path,
                FileName = name + ".jpg",
                ModifiedAt = DateTimeOffset.UtcNow,
                SizeBytes = new FileInfo(path).Length,
                Description = description,
                DescriptionModel = "llava:7b",
                DescribedAt = DateTimeOffset.UtcNow,
                Status = ImageStatus.Done,
                Format = "jpeg",
                Width = 640,
                Height = 480,
                TakenAt = takenAt,
                CameraMake = "Canon",
                CameraModel = "EOS 5D",
                Latitude = gps ? 47.1 : null,
                Longitude = gps ? 8.5 : null,
                Checksum = Guid.NewGuid().ToString("N"),
                Exif = new Dictionary<string, string> { ["Exif.ExposureTime"] = "1/250", ["Exif.FNumber"] = "f/8" },
            };
            foreach (var tag in tags)
            {
                var entity = db.Tags.Local.FirstOrDefault(t => t.NormalizedName == tag) ?? db.Tags.Add(new Tag { Name = tag, NormalizedName = tag }).Entity;
                image.Tags.Add(new ImageTag { Tag = entity, Source = TagSource.Ai });
            }

            db.Images.Add(image);
            await db.SaveChangesAsync();
            Ids[name] = image.Id;
            var text = Ai.Tagging.EmbeddingText.ForImage(description, tags.Order(StringComparer.Ordinal), "search_document: ");
            await store.UpsertAsync(image.Id, "nomic-embed-text", DeterministicEmbedder.Embed(text, EmbeddingDimensions), "seed");
        }
    }
}
