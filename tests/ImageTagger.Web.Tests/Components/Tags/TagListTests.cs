extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Tags;

namespace ImageTagger.Web.Tests.Components.Tags;

public sealed class TagListTests
{
    private static readonly Tag Beach = new("t1", 1, "beach", 12);
    private static readonly Tag Sea = new("t2", 2, "sea", 5);
    private static readonly Tag Seal = new("t3", 3, "Seal", 1);

    private static TagList List()
    {
        var list = new TagList();
        list.Load([Beach, Sea, Seal]);
        return list;
    }

    [Fact]
    public void The_filter_matches_part_of_a_name_ignoring_case()
    {
        var list = List();
        list.Filter = " SEA ";
        Assert.Equal(["sea", "Seal"], list.Visible.Select(t => t.Name));
        list.Filter = "";
        Assert.Equal(3, list.Visible.Count());
    }

    [Fact]
    public void Selections_of_tags_that_are_gone_after_a_reload_are_dropped()
    {
        var list = List();
        list.Toggle(Sea, true);
        list.Toggle(Beach, true);
        Assert.Equal(["beach", "sea"], list.Selected.Select(t => t.Name));
        list.Load([Beach, Seal]);
        Assert.Equal(["beach"], list.Selected.Select(t => t.Name));
        list.Toggle(Beach, false);
        Assert.Empty(list.Selected);
    }

    [Fact]
    public void A_rename_onto_another_tags_name_is_a_merge_into_that_tag()
    {
        var list = List();
        Assert.Same(Sea, list.MergeTarget(Beach, " SEA "));
        Assert.Null(list.MergeTarget(Beach, "ocean"));
        Assert.Null(list.MergeTarget(Sea, "sea"));
        Assert.Null(list.MergeTarget(Sea, "  "));
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
