using System.Net;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Imaging;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Api.Tests;

/// <summary>
/// The bytes the Api serves for a photo with GPS, read back with exiftool: no EXIF, XMP, IPTC or GPS, whether the
/// thumbnail is made on demand or was left in the cache by an older version that leaked.
/// </summary>
public sealed class ThumbnailPrivacyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Served_thumbnails_of_every_sample_with_GPS_carry_no_metadata()
    {
        var ids = await SeedAsync(ExifToolCli.SamplesWithGps());
        using var served = new TempImageDirectory("it-served-");
        var files = new List<string>();
        foreach (var (id, sample) in ids)
        {
            foreach (var size in (int[])[256, 1024])
            {
                using var response = await api.Client.GetAsync($"/images/{id}/thumbnail?size={size}", Ct);
                if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
                {
                    continue; // a sample libvips cannot decode has no thumbnail to leak
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var file = served.File($"{id}-{size}.{(response.Content.Headers.ContentType?.MediaType == "image/webp" ? "webp" : "jpg")}");
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
                files.Add(file);
            }
        }

        Assert.True(files.Count >= 20, $"only {files.Count} thumbnails were served");
        Assert.Contains(files, f => f.EndsWith(".webp", StringComparison.Ordinal));
        var tags = ExifToolCli.ReadTags([.. files]);
        for (var i = 0; i < files.Count; i++)
        {
            Assert.DoesNotContain(tags[i].Keys, ExifToolCli.IsRevealing);
        }
    }

    [Fact]
    public async Task A_cache_left_by_an_older_version_is_cleaned_before_the_Api_serves_it()
    {
        var sample = SampleImages.Path("jpg", "gps", "DSCN0010.jpg");
        var (id, _) = (await SeedAsync([sample]))[0];
        var store = new ThumbnailStore(api.Thumbnails.Path);
        var cached = store.PathFor(id, 256, ThumbnailFormat.WebP);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        VipsCli.Run("thumbnail", sample, cached, "256"); // as libvips 8.14 wrote it before: EXIF and GPS inside
        Assert.NotEmpty(ExifToolCli.RevealingTags(cached));
        File.Delete(Path.Combine(api.Thumbnails.Path, ".metadata-free")); // an older version never marked its cache

        await using var upgraded = api.CreateFactory();
        using var client = upgraded.CreateClient();
        using var response = await client.GetAsync($"/images/{id}/thumbnail?size=256", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var served = new TempImageDirectory("it-served-");
        var file = served.File("served.webp");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
        Assert.Empty(ExifToolCli.RevealingTags(file));
        Assert.Empty(ExifToolCli.RevealingTags(cached));
        Assert.True(File.Exists(Path.Combine(api.Thumbnails.Path, ".metadata-free")));
    }

    /// <summary>Copies the samples under the allowed root and registers them as analysed images.</summary>
    private async Task<List<(long Id, string Sample)>> SeedAsync(IReadOnlyList<string> samples)
    {
        await using var db = api.CreateDbContext();
        var folder = new Folder { Path = Path.Combine(api.Root.Path, Guid.NewGuid().ToString("N")) };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(Ct);
        var images = samples.Select((sample, index) =>
        {
            var path = SampleImages.CopyTo(sample, folder.Path, $"{index}-{Path.GetFileName(sample)}");
            return new Image
            {
                FolderId = folder.Id,
                Path = path,
                FileName = Path.GetFileName(path),
                SizeBytes = new FileInfo(path).Length,
                ModifiedAt = DateTimeOffset.UtcNow,
                Status = ImageStatus.Done,
                Checksum = Guid.NewGuid().ToString("N"),
            };
        }).ToList();
        db.Images.AddRange(images);
        await db.SaveChangesAsync(Ct);
        return images.Select((image, index) => (image.Id, samples[index])).ToList();
    }
}
