using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageTagger.TestSupport.Postgres;

namespace ImageTagger.Api.Tests;

/// <summary>The tag list a page at a time, in any order and from any position, for libraries with tens of thousands of tags.</summary>
public sealed class TagPagingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Query = "query($first: Int, $after: String, $search: String, $order: TagOrder) { tags(first: $first, after: $after, search: $search, orderBy: $order) { totalCount pageInfo { hasNextPage endCursor } edges { node { name usageCount } } } }";

    private static string Name(int i) => "page-tag-" + i.ToString("000", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Tags_page_by_name_or_use_from_any_offset_and_filter_on_the_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await TaggedImages.AddAsync(api, api.Root.Path, [Enumerable.Range(0, 250).Select(Name).ToList(), Enumerable.Range(240, 10).Select(Name).ToList()], ct);

        var first = await PageAsync(new { first = 100, search = "page-tag", order = "NAME" });
        Assert.Equal(250, first.GetProperty("totalCount").GetInt32());
        Assert.Equal(Enumerable.Range(0, 100).Select(Name), Names(first));

        // The next page from the returned cursor, and the same page from an offset cursor made by the client (a jump).
        var next = await PageAsync(new { first = 50, after = first.GetProperty("pageInfo").GetProperty("endCursor").GetString(), search = "page-tag", order = "NAME" });
        Assert.Equal(Enumerable.Range(100, 50).Select(Name), Names(next));
        var jump = await PageAsync(new { first = 50, after = Convert.ToBase64String(Encoding.UTF8.GetBytes("arrayconnection:99")), search = "page-tag", order = "NAME" });
        Assert.Equal(Names(next), Names(jump));

        var last = await PageAsync(new { first = 50, after = Convert.ToBase64String(Encoding.UTF8.GetBytes("arrayconnection:239")), search = "page-tag", order = "NAME" });
        Assert.Equal(Enumerable.Range(240, 10).Select(Name), Names(last));
        Assert.False(last.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        Assert.Equal(Enumerable.Range(240, 10).Select(Name), Names(await PageAsync(new { first = 10, search = "page-tag", order = "MOST_USED" })));
        Assert.Equal(Enumerable.Range(0, 3).Select(Name), Names(await PageAsync(new { first = 3, search = "page-tag", order = "LEAST_USED" })));
        Assert.Equal([Name(249), Name(248)], Names(await PageAsync(new { first = 2, search = "page-tag", order = "NAME_DESCENDING" })));

        var filtered = await PageAsync(new { first = 50, search = "page-tag-12", order = "NAME" });
        Assert.Equal(10, filtered.GetProperty("totalCount").GetInt32());
        Assert.Equal(Enumerable.Range(120, 10).Select(Name), Names(filtered));

        // Without orderBy the most used come first, as before.
        Assert.Equal(Name(240), Names(await PageAsync(new { first = 1, search = "page-tag" }))[0]);
    }

    private async Task<JsonElement> PageAsync(object variables) =>
        (await api.DataAsync(Query, variables, TestContext.Current.CancellationToken)).GetProperty("tags");

    private static List<string> Names(JsonElement page) =>
        page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("name").GetString()!).ToList();
}
