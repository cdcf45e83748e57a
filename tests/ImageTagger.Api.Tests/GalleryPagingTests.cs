using System.Text.Json;
using Npgsql;

namespace ImageTagger.Api.Tests;

/// <summary>
/// Keyset paging of the gallery through GraphQL: walking every order page by page gives each image exactly once, in
/// the order of one big query, also across ties (equal capture times, equal file names, missing capture times);
/// totalCount comes from the kept counters and stays right; offset cursors of older clients still work.
/// </summary>
public sealed class GalleryPagingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<long> AddFolderWithTiesAsync(CancellationToken ct)
    {
        await using var command = api.DataSource.CreateCommand(
            """
            WITH f AS (INSERT INTO folders (path) VALUES (@p) RETURNING id)
            INSERT INTO images (folder_id, path, file_name, modified_at, taken_at, status)
            SELECT f.id, @p || '/' || g || '.jpg',
                   -- 23 images, only 5 distinct file names and 4 distinct capture times, a third with none
                   'img_' || (g % 5) || '.jpg', now(),
                   CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2024-01-01' + (g % 4) * interval '1 day' END,
                   CASE WHEN g = 7 THEN 'Missing' ELSE 'Done' END
            FROM f, generate_series(1, 23) g
            RETURNING folder_id
            """);
        command.Parameters.AddWithValue("p", "/paging/" + Guid.NewGuid().ToString("N"));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<List<long>> ExpectedAsync(long folder, string orderBy, CancellationToken ct)
    {
        var ids = new List<long>();
        await using var command = api.DataSource.CreateCommand($"SELECT id FROM images WHERE folder_id = @f AND status <> 'Missing' ORDER BY {orderBy}");
        command.Parameters.AddWithValue("f", folder);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<List<long>> WalkAsync(long folder, string order, int pageSize, CancellationToken ct)
    {
        var ids = new List<long>();
        string? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var images = (await api.DataAsync(
                "query($f: ID, $o: ImageOrder, $n: Int, $a: String) { images(where: { folderId: $f }, orderBy: $o, first: $n, after: $a) { totalCount edges { cursor node { databaseId } } pageInfo { hasNextPage endCursor } } }",
                new { f = folder.ToString(System.Globalization.CultureInfo.InvariantCulture), o = order, n = pageSize, a = after },
                ct)).GetProperty("images");
            Assert.Equal(22, images.GetProperty("totalCount").GetInt32()); // from the counters: 23 minus the missing one
            ids.AddRange(images.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("databaseId").GetInt64()));
            var info = images.GetProperty("pageInfo");
            if (!info.GetProperty("hasNextPage").GetBoolean())
            {
                return ids;
            }

            after = info.GetProperty("endCursor").GetString();
        }

        throw new InvalidOperationException("paging did not end");
    }

    [Theory]
    [InlineData("NEWEST", "id DESC")]
    [InlineData("OLDEST", "id")]
    [InlineData("FILE_NAME", "file_name, id")]
    [InlineData("TAKEN_AT", "taken_at IS NOT NULL DESC, taken_at DESC, id DESC")]
    public async Task Paging_by_cursor_visits_every_image_once_in_order_across_ties(string order, string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = await AddFolderWithTiesAsync(ct);
        var expected = await ExpectedAsync(folder, sql, ct);
        Assert.Equal(22, expected.Count);
        foreach (var pageSize in new[] { 1, 4, 22, 50 })
        {
            Assert.Equal(expected, await WalkAsync(folder, order, pageSize, ct));
        }
    }

    [Fact]
    public async Task Offset_cursors_of_older_clients_still_page_and_foreign_cursors_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = await AddFolderWithTiesAsync(ct);
        var expected = await ExpectedAsync(folder, "file_name, id", ct);
        var offsetCursor = Convert.ToBase64String("arrayconnection:4"u8.ToArray()); // after the 5th image
        var page = (await api.DataAsync(
            "query($f: ID, $a: String) { images(where: { folderId: $f }, orderBy: FILE_NAME, first: 3, after: $a) { edges { node { databaseId } } } }",
            new { f = folder.ToString(System.Globalization.CultureInfo.InvariantCulture), a = offsetCursor },
            ct)).GetProperty("images");
        Assert.Equal(expected.Skip(5).Take(3), page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("databaseId").GetInt64()));

        // A cursor of another order would silently skip or repeat images: it is an error instead.
        var newest = (await api.DataAsync("query($f: ID) { images(where: { folderId: $f }, first: 2) { pageInfo { endCursor } } }",
            new { f = folder.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct)).GetProperty("images");
        var result = await api.GraphQLAsync("query($a: String) { images(orderBy: FILE_NAME, first: 2, after: $a) { edges { cursor } } }",
            new { a = newest.GetProperty("pageInfo").GetProperty("endCursor").GetString() }, ct);
        Assert.Contains("not a cursor of this list", result.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Total_count_follows_new_moved_and_deleted_images()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = await AddFolderWithTiesAsync(ct);
        async Task<(int All, int Done, int InFolder)> CountsAsync()
        {
            var data = await api.DataAsync(
                "query($f: ID) { all: images(first: 0) { totalCount } done: images(first: 0, where: { status: DONE }) { totalCount } folder: images(first: 0, where: { folderId: $f }) { totalCount } }",
                new { f = folder.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
            return (data.GetProperty("all").GetProperty("totalCount").GetInt32(), data.GetProperty("done").GetProperty("totalCount").GetInt32(), data.GetProperty("folder").GetProperty("totalCount").GetInt32());
        }

        async Task<(int All, int Done, int InFolder)> ExactAsync()
        {
            await using var command = api.DataSource.CreateCommand(
                "SELECT count(*) FILTER (WHERE status <> 'Missing'), count(*) FILTER (WHERE status = 'Done'), count(*) FILTER (WHERE folder_id = @f AND status <> 'Missing') FROM images");
            command.Parameters.AddWithValue("f", folder);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
        }

        Assert.Equal(await ExactAsync(), await CountsAsync());
        await using (var change = api.DataSource.CreateCommand(
            """
            UPDATE images SET status = 'Missing' WHERE folder_id = @f AND file_name = 'img_1.jpg';
            DELETE FROM images WHERE folder_id = @f AND file_name = 'img_2.jpg';
            INSERT INTO images (folder_id, path, file_name, modified_at, status) VALUES (@f, '/paging/new-' || @f, 'new.jpg', now(), 'Discovered');
            """))
        {
            change.Parameters.AddWithValue("f", folder);
            await change.ExecuteNonQueryAsync(ct);
        }

        var after = await CountsAsync();
        Assert.Equal(await ExactAsync(), after);
        Assert.Equal(22 - 5 - 4 + 1, after.InFolder); // img_1 (5 of them, all present) missing, img_2 (4 present + the missing g=7) deleted, one new
    }

    [Fact]
    public async Task Total_count_of_one_tag_follows_tagging_missing_and_deleted_images()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = await AddFolderWithTiesAsync(ct);
        var tag = "counted" + Guid.NewGuid().ToString("N")[..8];
        async Task<(int Api, int Exact)> CountsAsync()
        {
            var data = await api.DataAsync(
                "query($t: [String!]) { images(first: 0, where: { tags: $t }) { totalCount } }", new { t = new[] { "  " + tag.ToUpperInvariant() } }, ct);
            await using var exact = api.DataSource.CreateCommand(
                "SELECT count(*) FROM images i JOIN image_tags it ON it.image_id = i.id JOIN tags t ON t.id = it.tag_id WHERE t.normalized_name = @t AND i.status <> 'Missing'");
            exact.Parameters.AddWithValue("t", tag);
            return (data.GetProperty("images").GetProperty("totalCount").GetInt32(), (int)(long)(await exact.ExecuteScalarAsync(ct))!);
        }

        async Task RunAsync(string sql)
        {
            await using var command = api.DataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("f", folder);
            command.Parameters.AddWithValue("t", tag);
            await command.ExecuteNonQueryAsync(ct);
        }

        Assert.Equal((0, 0), await CountsAsync()); // a tag nobody has yet
        await RunAsync(
            """
            INSERT INTO tags (name, normalized_name) VALUES (@t, @t);
            INSERT INTO image_tags (image_id, tag_id, source) SELECT i.id, t.id, 'User' FROM images i, tags t WHERE i.folder_id = @f AND t.normalized_name = @t;
            """);
        var tagged = await CountsAsync();
        Assert.Equal(22, tagged.Api); // 23 tagged, one of them missing
        Assert.Equal(tagged.Exact, tagged.Api);

        // A file goes missing, one is deleted, one loses the tag, the missing one comes back.
        await RunAsync("UPDATE images SET status = 'Missing' WHERE folder_id = @f AND file_name = 'img_1.jpg'");
        var changed = await CountsAsync();
        Assert.Equal(changed.Exact, changed.Api);
        await RunAsync(
            """
            DELETE FROM images WHERE id = (SELECT min(id) FROM images WHERE folder_id = @f AND file_name = 'img_2.jpg');
            DELETE FROM image_tags WHERE image_id = (SELECT min(id) FROM images WHERE folder_id = @f AND file_name = 'img_3.jpg');
            UPDATE images SET status = 'Done' WHERE folder_id = @f AND file_name = 'img_1.jpg';
            """);
        var after = await CountsAsync();
        Assert.Equal(after.Exact, after.Api);
        Assert.Equal(22 - 1 - 1, after.Api);
    }
}
