extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Gallery;

namespace ImageTagger.Web.Tests.Components.Gallery;

public sealed class GallerySelectionTests
{
    // Positions 0..9 hold images 100..109.
    private static int? IdAt(int position) => position is >= 0 and < 10 ? 100 + position : null;

    [Fact]
    public void A_click_toggles_one_image()
    {
        var selection = new GallerySelection();
        selection.Click(2, 102, shift: false, IdAt);
        Assert.True(selection.Contains(102));
        Assert.Equal(1, selection.Count);
        selection.Click(2, 102, shift: false, IdAt);
        Assert.False(selection.Contains(102));
        Assert.Equal(0, selection.Count);
    }

    [Fact]
    public void A_shift_click_selects_the_range_from_the_anchor_in_either_direction()
    {
        var selection = new GallerySelection();
        selection.Click(3, 103, shift: false, IdAt);
        selection.Click(6, 106, shift: true, IdAt);
        Assert.Equal([103, 104, 105, 106], selection.Ids.Order());

        // The anchor stays at 3: a shift-click before it extends the other way.
        selection.Click(1, 101, shift: true, IdAt);
        Assert.Equal([101, 102, 103, 104, 105, 106], selection.Ids.Order());
    }

    [Fact]
    public void A_shift_click_without_an_anchor_is_a_plain_click()
    {
        var selection = new GallerySelection();
        selection.Click(4, 104, shift: true, IdAt);
        Assert.Equal([104], selection.Ids);
        selection.Click(6, 106, shift: true, IdAt);
        Assert.Equal([104, 105, 106], selection.Ids.Order());
    }

    [Fact]
    public void A_range_skips_positions_that_are_not_loaded()
    {
        var selection = new GallerySelection();
        selection.Click(8, 108, shift: false, IdAt);
        selection.Click(12, 112, shift: true, IdAt); // 10 and 11 are not loaded
        Assert.Equal([108, 109, 112], selection.Ids.Order());
    }

    [Fact]
    public void Select_all_adds_every_image_shown_and_clear_empties_and_forgets_the_anchor()
    {
        var selection = new GallerySelection();
        selection.Click(0, 100, shift: false, IdAt);
        selection.SelectAll(Enumerable.Range(100, 10));
        Assert.Equal(10, selection.Count);
        selection.Clear();
        Assert.Equal(0, selection.Count);
        selection.Click(5, 105, shift: true, IdAt);
        Assert.Equal([105], selection.Ids);
    }

    [Fact]
    public async Task The_selection_survives_the_grid_reloading_its_pages()
    {
        var library = Library(30);
        var pager = new GalleryPager(library.FetchAsync);
        await pager.GetAsync(0, 10, TestContext.Current.CancellationToken);
        var selection = new GallerySelection();
        selection.Click(1, pager.At(1)!.DatabaseId, shift: false, p => pager.At(p)?.DatabaseId);
        selection.Click(3, pager.At(3)!.DatabaseId, shift: true, p => pager.At(p)?.DatabaseId);
        var selected = selection.Ids.Order().ToList();

        // A bulk change reloads the grid: the pages are fetched again, the selection (by id) is unchanged.
        pager.Reset();
        Assert.Null(pager.At(1));
        await pager.GetAsync(0, 10, TestContext.Current.CancellationToken);
        Assert.Equal(selected, selection.Ids.Order());
        Assert.All(Enumerable.Range(1, 3), p => Assert.True(selection.Contains(pager.At(p)!.DatabaseId)));
        Assert.False(selection.Contains(pager.At(0)!.DatabaseId));
    }

    internal static FakeLibrary Library(int count) => new(count);

    /// <summary>An in-memory result list answering like the Api's <c>images</c> connection (offset cursors).</summary>
    internal sealed class FakeLibrary(int count)
    {
        public List<(string? After, int First)> Calls { get; } = [];

        public Task<Connection<ImageSummary>> FetchAsync(string? after, int first, CancellationToken cancellationToken)
        {
            Calls.Add((after, first));
            var start = after is null ? 0 : ImageTagger.GraphQL.Relay.Connection.CursorToOffset(after)!.Value + 1;
            var edges = Enumerable.Range(start, Math.Max(0, Math.Min(first, count - start)))
                .Select(i => new Edge<ImageSummary>(ImageTagger.GraphQL.Relay.Connection.OffsetToCursor(i),
                    new ImageSummary("Image:" + i, 1000 + i, $"photo-{i}.jpg", ImageStatus.Done, 640, 480, null, null)))
                .ToList();
            return Task.FromResult(new Connection<ImageSummary>(edges, new PageInfo(start + edges.Count < count, start > 0, edges.FirstOrDefault()?.Cursor, edges.LastOrDefault()?.Cursor), count));
        }
    }
}
