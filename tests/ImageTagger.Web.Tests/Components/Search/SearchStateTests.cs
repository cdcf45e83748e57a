extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Search;

namespace ImageTagger.Web.Tests.Components.Search;

public sealed class SearchStateTests
{
    [Fact]
    public void The_url_round_trips_text_mode_tags_and_folder()
    {
        var state = SearchState.Empty.WithQuery("  red car ").WithTag("City").WithTag("night sky") with { Mode = SearchMode.Semantic, Folder = 3 };
        Assert.Equal("/search?q=red%20car&mode=Semantic&tag=city&tag=night%20sky&folder=3", state.Url());
        Assert.Equal(state.Url(), SearchState.FromUrl("http://host" + state.Url()).Url());
        Assert.Equal(["city", "night sky"], SearchState.FromUrl(state.Url()).Tags);
    }

    [Fact]
    public void Bad_or_missing_values_fall_back_to_defaults()
    {
        var state = SearchState.FromUrl("/search?mode=Bogus&folder=-1&tag=%20&q=");
        Assert.Equal("/search?mode=Hybrid", state.Url());
        Assert.Null(state.Folder);
        Assert.Empty(state.Tags);
        Assert.True(state.IsEmpty);
        Assert.Equal(SearchMode.Keyword, SearchState.FromUrl("/search?mode=keyword").Mode);
    }

    [Fact]
    public void Tags_are_normalised_and_never_doubled()
    {
        var state = SearchState.Empty.WithTag("Sea").WithTag(" sea ").WithTag("old   town").WithTag("");
        Assert.Equal(["sea", "old town"], state.Tags);
        Assert.Equal(["old town"], state.WithoutTag("SEA").Tags);
        Assert.Same(state, state.WithTag(new string('x', 101)));
    }

    [Fact]
    public void Long_queries_are_clipped_and_terms_drop_short_words()
    {
        Assert.Equal(SearchState.MaxQueryLength, SearchState.Empty.WithQuery(new string('a', 2000)).Query.Length);
        Assert.Equal(["dog", "on", "the", "beach"], SearchState.Empty.WithQuery("a dog, on the Beach beach").Terms.Select(t => t.ToLowerInvariant()));
    }

    [Fact]
    public void Detail_links_carry_the_search_for_previous_and_next()
    {
        var state = SearchState.Empty.WithQuery("sea").WithTag("boat") with { Mode = SearchMode.Keyword };
        Assert.Equal("/images/42?from=search&q=sea&mode=Keyword&tag=boat", state.DetailUrl(42));
    }

    [Fact]
    public void A_tags_only_search_filters_the_library_and_a_text_search_asks_the_search()
    {
        var state = SearchState.Empty.WithTag("sea") with { Folder = 2 };
        var filter = state.ToFilter();
        Assert.Equal(["sea"], filter.Tags);
        Assert.Equal("2", filter.FolderId);
        var query = state.WithQuery("boats").ToQuery(24, "c1");
        Assert.Equal(("boats", SearchMode.Hybrid, "2", 24, "c1"), (query.Query, query.Mode, query.FolderId, query.First, query.After));
        Assert.Equal(["sea"], query.Tags);
    }
}
