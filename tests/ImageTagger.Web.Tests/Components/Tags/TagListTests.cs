extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Tags;

namespace ImageTagger.Web.Tests.Components.Tags;

public sealed class TagListTests
{
    private static readonly Tag Beach = new("t1", 1, "beach", 12);
    private static readonly Tag Sea = new("t2", 2, "sea", 5);
    private static readonly Tag Seal = new("t3", 3, "Seal", 1);

    [Fact]
    public void The_selection_is_kept_across_pages_and_forgets_tags_that_are_gone()
    {
        var list = new TagList();
        list.Toggle(Sea, true);
        list.Filter = "bea"; // another filter (or page) shows other tags; what was picked stays picked
        list.Toggle(Beach, true);
        Assert.Equal(["beach", "sea"], list.Selected.Select(t => t.Name));
        Assert.True(list.IsSelected(Sea));
        list.Forget(Sea.Id);
        Assert.Equal(["beach"], list.Selected.Select(t => t.Name));
        list.Toggle(Beach, false);
        Assert.Empty(list.Selected);
    }

    [Theory]
    [InlineData(null, false, TagOrder.MostUsed)]
    [InlineData("UsageCount", false, TagOrder.MostUsed)]
    [InlineData("UsageCount", true, TagOrder.LeastUsed)]
    [InlineData("Name", true, TagOrder.Name)]
    [InlineData("Name", false, TagOrder.NameDescending)]
    public void The_grids_sort_becomes_the_Apis_order(string? property, bool ascending, TagOrder order) =>
        Assert.Equal(order, TagList.OrderFor(property, ascending));

    [Fact]
    public void A_rename_onto_another_tags_name_is_a_merge_into_that_tag()
    {
        Assert.Same(Sea, TagList.MergeTarget(Beach, Sea));
        Assert.Null(TagList.MergeTarget(Beach, null));
        Assert.Null(TagList.MergeTarget(Sea, Sea));
    }

    [Theory]
    [InlineData("", "Enter a name.")]
    [InlineData("beach", "That is its name already.")]
    [InlineData("coast", null)]
    [InlineData("Beach", null)]
    public void New_names_are_checked(string name, string? problem) => Assert.Equal(problem, TagList.NameProblem(Beach, name));

    [Fact]
    public void Names_longer_than_the_Api_allows_are_refused() =>
        Assert.NotNull(TagList.NameProblem(Beach, new string('x', 101)));

    [Fact]
    public void Cloud_weights_grow_with_use_from_the_smallest_to_the_largest_size()
    {
        Assert.Equal(0.85, TagList.Weight(new Tag("x", 9, "unused", 0), 12), 3);
        Assert.Equal(2.25, TagList.Weight(Beach, 12), 3);
        Assert.True(TagList.Weight(Seal, 12) < TagList.Weight(Sea, 12));
    }
}
