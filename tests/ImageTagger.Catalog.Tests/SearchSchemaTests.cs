using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

public sealed class SearchSchemaTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private async Task<List<long>> KeywordAsync(string query, CancellationToken ct)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT id FROM images WHERE search_doc @@ websearch_to_tsquery('english', @q) ORDER BY ts_rank_cd(search_doc, websearch_to_tsquery('english', @q)) DESC, id");
        command.Parameters.AddWithValue("q", query);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    [Fact]
    public async Task Full_text_matches_description_with_stemming_tags_and_file_name()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var bike = await CatalogTestData.AddImageAsync(db, folder, "IMG_0001.jpg", "A red bicycle leaning against a brick wall", "bicycle", "wall");
        var beach = await CatalogTestData.AddImageAsync(db, folder, "summer_holiday-beach.png", "Waves rolling onto a sandy shore at sunset", "sea");

        Assert.Equal([bike.Id], await KeywordAsync("bicycles", ct)); // stemmed plural
        Assert.Equal([beach.Id], await KeywordAsync("holiday", ct)); // file name token
        Assert.Equal([beach.Id], await KeywordAsync("sea", ct)); // tag only
        Assert.Empty(await KeywordAsync("giraffe", ct));
    }

    [Fact]
    public async Task Tag_weight_ranks_a_tagged_image_above_a_passing_mention()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var mention = await CatalogTestData.AddImageAsync(db, folder, "a.jpg", "A street; far away a lighthouse is barely visible", "street");
        var tagged = await CatalogTestData.AddImageAsync(db, folder, "b.jpg", "A tall white tower on a cliff", "lighthouse");

        var ids = await KeywordAsync("lighthouse", ct);
        Assert.Equal([tagged.Id, mention.Id], ids);
    }

    [Fact]
    public async Task Renaming_a_tag_updates_the_search_document_and_usage_counts_follow_image_tags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var a = await CatalogTestData.AddImageAsync(db, folder, "c.jpg", null, "kitty");
        await CatalogTestData.AddImageAsync(db, folder, "d.jpg", null, "kitty");

        var tag = await db.Tags.AsNoTracking().SingleAsync(t => t.NormalizedName == "kitty", ct);
        Assert.Equal(2, tag.UsageCount);

        await db.Database.ExecuteSqlRawAsync("UPDATE tags SET name = 'kitten', normalized_name = 'kitten' WHERE normalized_name = 'kitty'", ct);
        Assert.Contains(a.Id, await KeywordAsync("kitten", ct));
        Assert.DoesNotContain(a.Id, await KeywordAsync("kitty", ct));

        db.ImageTags.RemoveRange(db.ImageTags.Where(it => it.ImageId == a.Id));
        await db.SaveChangesAsync(ct);
        var after = await db.Tags.AsNoTracking().SingleAsync(t => t.Id == tag.Id, ct);
        Assert.Equal(1, after.UsageCount);
        Assert.DoesNotContain(a.Id, await KeywordAsync("kitten", ct));
    }

    [Fact]
    public async Task Trigram_matching_finds_misspelled_tags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        db.Tags.AddRange(
            new Tag { Name = "mountain", NormalizedName = "mountain" },
            new Tag { Name = "fountain pen", NormalizedName = "fountain pen" },
            new Tag { Name = "umbrella", NormalizedName = "umbrella" });
        await db.SaveChangesAsync(ct);

        await using var command = database.DataSource.CreateCommand(
            "SELECT normalized_name FROM tags WHERE normalized_name % @q ORDER BY similarity(normalized_name, @q) DESC LIMIT 1");
        command.Parameters.AddWithValue("q", "montain");
        Assert.Equal("mountain", await command.ExecuteScalarAsync(ct));

        command.Parameters["q"].Value = "umbrela";
        Assert.Equal("umbrella", await command.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Tags_are_unique_by_normalized_name()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = database.CreateDbContext();
        db.Tags.Add(new Tag { Name = "Dog", NormalizedName = "dog-unique" });
        await db.SaveChangesAsync(ct);
        await using var db2 = database.CreateDbContext();
        db2.Tags.Add(new Tag { Name = "dog", NormalizedName = "dog-unique" });
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db2.SaveChangesAsync(ct));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(ex.InnerException).SqlState);
    }
}
