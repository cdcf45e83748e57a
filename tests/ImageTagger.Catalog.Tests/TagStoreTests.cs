using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;

namespace ImageTagger.Catalog.Tests;

public sealed class TagStoreTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private async Task<Dictionary<string, TagSource>> TagsOfAsync(long imageId)
    {
        await using var db = database.CreateDbContext();
        return await db.ImageTags.AsNoTracking().Where(t => t.ImageId == imageId).Include(t => t.Tag).ToDictionaryAsync(t => t.Tag!.NormalizedName, t => t.Source);
    }

    [Fact]
    public async Task Replacing_model_tags_keeps_the_users_tags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var image = await CatalogTestData.AddImageAsync(db, folder, "t1.jpg");
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);

        await TagStore.ReplaceForSourceAsync(connection, null, image.Id, TagSource.Ai, ["dog", "grass", "ball"], ct);
        await TagStore.AddAsync(connection, null, [image.Id], ["dog", "puppy"], TagSource.User, ct);
        await TagStore.ReplaceForSourceAsync(connection, null, image.Id, TagSource.Ai, ["dog", "park"], ct);

        var tags = await TagsOfAsync(image.Id);
        Assert.Equal(new Dictionary<string, TagSource>
        {
            ["dog"] = TagSource.User,
            ["puppy"] = TagSource.User,
            ["park"] = TagSource.Ai,
        }, tags);
    }

    [Fact]
    public async Task Bulk_add_and_remove_touch_only_the_named_images()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var a = await CatalogTestData.AddImageAsync(db, folder, "a.jpg");
        var b = await CatalogTestData.AddImageAsync(db, folder, "b.jpg");
        var c = await CatalogTestData.AddImageAsync(db, folder, "c.jpg");
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);

        Assert.Equal(4, await TagStore.AddAsync(connection, null, [a.Id, b.Id], ["holiday", "2024"], TagSource.User, ct));
        Assert.Equal(1, await TagStore.RemoveAsync(connection, null, [b.Id, c.Id], ["holiday"], ct));

        Assert.Equal(["2024", "holiday"], (await TagsOfAsync(a.Id)).Keys.Order());
        Assert.Equal(["2024"], (await TagsOfAsync(b.Id)).Keys);
        Assert.Empty(await TagsOfAsync(c.Id));
        Assert.Equal(1, (await db.Tags.AsNoTracking().SingleAsync(t => t.NormalizedName == "holiday", ct)).UsageCount);
    }

    [Fact]
    public async Task Merging_tags_moves_their_images_and_deletes_the_sources()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var a = await CatalogTestData.AddImageAsync(db, folder, "m1.jpg", null, "kitten-m");
        var b = await CatalogTestData.AddImageAsync(db, folder, "m2.jpg", null, "kitty-m", "cat-m");
        var c = await CatalogTestData.AddImageAsync(db, folder, "m3.jpg", null, "cat-m");
        var ids = await db.Tags.AsNoTracking().Where(t => t.NormalizedName.EndsWith("-m")).ToDictionaryAsync(t => t.NormalizedName, t => t.Id, ct);
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);

        var affected = await TagStore.MergeAsync(connection, null, [ids["kitten-m"], ids["kitty-m"]], ids["cat-m"], ct);

        Assert.Equal([a.Id, b.Id], affected.Order());
        Assert.False(await db.Tags.AnyAsync(t => t.NormalizedName == "kitten-m" || t.NormalizedName == "kitty-m", ct));
        Assert.Equal(3, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == ids["cat-m"], ct)).UsageCount);
        foreach (var image in new[] { a, b, c })
        {
            Assert.Equal(["cat-m"], (await TagsOfAsync(image.Id)).Keys);
        }
    }
}
