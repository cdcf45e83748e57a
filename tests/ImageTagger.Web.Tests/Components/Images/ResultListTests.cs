extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Images;

namespace ImageTagger.Web.Tests.Components.Images;

public sealed class ResultListTests
{
    /// <summary>A list of ids served in pages of <paramref name="size"/>, cursors being offsets; records the requests.</summary>
    private static Func<string?, CancellationToken, Task<IdPage>> Pages(IReadOnlyList<int> ids, int size, List<string?> requests) => (after, _) =>
    {
        requests.Add(after);
        var start = after is null ? 0 : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var page = ids.Skip(start).Take(size).ToList();
        var end = start + page.Count;
        return Task.FromResult(new IdPage(page, end < ids.Count, end.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    };

    [Theory]
    [InlineData(10, null, 11)]
    [InlineData(12, 11, 13)]
    [InlineData(13, 12, null)]
    [InlineData(99, null, null)]
    public async Task Neighbours_are_found_across_page_boundaries(int id, int? previous, int? next)
    {
        var requests = new List<string?>();
        var found = await ResultList.FindAsync(Pages([10, 11, 12, 13], 2, requests), id, TestContext.Current.CancellationToken);
        Assert.Equal(new Neighbours(previous, next), found);
    }

    [Fact]
    public async Task The_walk_stops_once_the_next_neighbour_is_known()
    {
        var requests = new List<string?>();
        var ids = Enumerable.Range(1, 1000).ToList();
        var found = await ResultList.FindAsync(Pages(ids, 10, requests), 15, TestContext.Current.CancellationToken);
        Assert.Equal(new Neighbours(14, 16), found);
        Assert.Equal([null, "10"], requests);
    }

    [Fact]
    public async Task Lists_longer_than_the_scan_limit_are_not_walked_to_the_end()
    {
        var requests = new List<string?>();
        var ids = Enumerable.Range(1, ResultList.MaxScanned * 3).ToList();
        var found = await ResultList.FindAsync(Pages(ids, ResultList.PageSize, requests), ids[^1], TestContext.Current.CancellationToken);
        Assert.Equal(Neighbours.None, found);
        Assert.Equal(ResultList.MaxScanned / ResultList.PageSize, requests.Count);
    }

    [Fact]
    public void A_search_origin_keeps_the_query_for_the_neighbours_and_the_way_back()
    {
        var list = ResultList.FromUrl("http://localhost/images/5?from=search&q=red%20car&mode=Keyword&tag=city");
        Assert.True(list.IsList);
        Assert.Equal("/search?q=red%20car&mode=Keyword&tag=city", list.BackUrl);
        Assert.Equal("/images/7?from=search&q=red%20car&mode=Keyword&tag=city", list.DetailUrl(7));
    }

    [Fact]
    public void A_gallery_origin_tells_its_date_filter_from_the_origin_marker()
    {
        var list = ResultList.FromUrl("/images/5?from=gallery&from=2022-01-01&to=2022-12-31&tag=sea");
        Assert.True(list.IsList);
        Assert.Equal("/gallery?to=2022-12-31&tag=sea&from=2022-01-01", list.BackUrl);
        Assert.Equal("/images/6?from=gallery&from=2022-01-01&to=2022-12-31&tag=sea", list.DetailUrl(6));
    }

    [Theory]
    [InlineData("/images/5")]
    [InlineData("/images/5?from=elsewhere&q=x")]
    [InlineData("/images/5?from=search")]
    public void Without_a_known_origin_there_is_no_list(string url) => Assert.False(ResultList.FromUrl(url).IsList);
}
