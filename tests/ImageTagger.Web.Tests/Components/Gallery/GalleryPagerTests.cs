extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Gallery;

namespace ImageTagger.Web.Tests.Components.Gallery;

public sealed class GalleryPagerTests
{
    [Fact]
    public async Task Scrolling_on_continues_after_the_cursor_of_the_last_loaded_image()
    {
        var library = GallerySelectionTests.Library(500);
        var pager = new GalleryPager(library.FetchAsync);
        var first = await pager.GetAsync(0, 40, TestContext.Current.CancellationToken);
        Assert.Equal(500, pager.Total);
        Assert.Equal(Enumerable.Range(1000, 40), first.Select(i => i.DatabaseId));

        var next = await pager.GetAsync(30, 40, TestContext.Current.CancellationToken); // 30..39 are loaded
        Assert.Equal(Enumerable.Range(1030, 40), next.Select(i => i.DatabaseId));
        Assert.Equal(2, library.Calls.Count);
        Assert.Null(library.Calls[0].After);
        Assert.Equal(("arrayconnection:39", 30), (Decode(library.Calls[1].After), library.Calls[1].First));

        // Already loaded: no request.
        await pager.GetAsync(10, 50, TestContext.Current.CancellationToken);
        Assert.Equal(2, library.Calls.Count);
    }

    [Fact]
    public async Task A_jump_far_past_the_loaded_images_seeks_and_the_end_is_clamped_to_the_total()
    {
        var library = GallerySelectionTests.Library(1000);
        var pager = new GalleryPager(library.FetchAsync);
        await pager.GetAsync(0, 20, TestContext.Current.CancellationToken);
        var end = await pager.GetAsync(980, 60, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1980, 20), end.Select(i => i.DatabaseId));
        Assert.Equal("arrayconnection:979", Decode(library.Calls[^1].After));
        Assert.Equal(40, pager.LoadedCount);
    }

    [Fact]
    public async Task Windows_larger_than_the_api_page_are_loaded_in_several_requests()
    {
        var library = GallerySelectionTests.Library(1000);
        var pager = new GalleryPager(library.FetchAsync);
        var items = await pager.GetAsync(0, 450, TestContext.Current.CancellationToken);
        Assert.Equal(450, items.Count);
        Assert.All(library.Calls, c => Assert.True(c.First <= GalleryPager.MaxPage));
        Assert.Equal(3, library.Calls.Count);
    }

    [Fact]
    public async Task Only_a_window_around_the_latest_request_is_kept()
    {
        var library = GallerySelectionTests.Library(5000);
        var pager = new GalleryPager(library.FetchAsync, capacity: 400);
        for (var start = 0; start < 5000; start += 100)
        {
            var items = await pager.GetAsync(start, 100, TestContext.Current.CancellationToken);
            Assert.Equal(1000 + start, items[0].DatabaseId);
        }

        Assert.True(pager.LoadedCount <= 400 + 100, $"{pager.LoadedCount} images kept");
        Assert.Null(pager.At(0));
        Assert.NotNull(pager.At(4999));
    }

    [Fact]
    public async Task A_seeded_first_page_is_used_without_a_request()
    {
        var library = GallerySelectionTests.Library(100);
        var seed = await library.FetchAsync(null, 48, TestContext.Current.CancellationToken);
        library.Calls.Clear();
        var pager = new GalleryPager(library.FetchAsync);
        pager.Seed(seed.TotalCount, seed.Edges);
        var items = await pager.GetAsync(0, 48, TestContext.Current.CancellationToken);
        Assert.Equal(48, items.Count);
        Assert.Empty(library.Calls);
        Assert.Equal(100, pager.Total);
    }

    [Fact]
    public async Task An_empty_library_answers_an_empty_window()
    {
        var pager = new GalleryPager(GallerySelectionTests.Library(0).FetchAsync);
        Assert.Empty(await pager.GetAsync(0, 30, TestContext.Current.CancellationToken));
        Assert.Equal(0, pager.Total);
    }

    private static string Decode(string? cursor) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cursor!));
}
