extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Gallery;

namespace ImageTagger.Web.Tests.Components.Gallery;

public sealed class GalleryQueryTests
{
    [Fact]
    public void Filters_round_trip_through_the_url()
    {
        var query = new GalleryQuery(3, "sea side", ImageStatus.Failed, new DateOnly(2022, 1, 1), new DateOnly(2022, 12, 31), true);
        Assert.Equal("/gallery?folder=3&tag=sea%20side&status=Failed&takenFrom=2022-01-01&takenTo=2022-12-31&gps=true", query.Url());
        Assert.Equal(query, GalleryQuery.FromUri(new Uri("http://host" + query.Url())));
        var filter = query.ToFilter();
        Assert.Equal("3", filter.FolderId);
        Assert.Equal(["sea side"], filter.Tags);
        Assert.True(filter.HasGps);
        Assert.Equal(new DateTimeOffset(2022, 12, 31, 23, 59, 59, TimeSpan.Zero), filter.TakenTo!.Value.AddTicks(-(filter.TakenTo.Value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public void The_detail_link_carries_the_filters_the_origin_and_the_position()
    {
        var query = GalleryQuery.Parse("2", "beach", null, null, null, "false");
        Assert.Equal("/images/17?from=gallery&folder=2&tag=beach&gps=false&pos=5", query.DetailUrl(17, 5));
        Assert.Equal(query, GalleryQuery.FromUri(new Uri("http://host" + query.DetailUrl(17, 5))));
    }

    [Fact]
    public void Unparsable_values_are_no_filter()
    {
        var query = GalleryQuery.Parse("x", "  ", "Nope", "2022-13-40", "yesterday", "maybe");
        Assert.Equal(GalleryQuery.None, query);
        Assert.False(query.HasFilters);
        Assert.Equal("/gallery", query.Url());
    }
}
