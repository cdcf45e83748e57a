extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Shared;

namespace ImageTagger.Web.Tests.Components.Shared;

public sealed class ProgressTransitionsTests
{
    private static ProcessingStatus Status(int done, int total, int failed, bool busy) =>
        new([], done, total, total - done, failed, busy, total == 0 ? 1 : (double)done / total, 0, null, []);

    [Fact]
    public void The_first_snapshot_only_sets_the_baseline()
    {
        var transitions = new ProgressTransitions(null);
        Assert.Empty(transitions.Next(Status(3, 10, 2, busy: true)));
    }

    [Fact]
    public void Work_finishing_is_announced_once()
    {
        var transitions = new ProgressTransitions(Status(3, 10, 0, busy: true));
        Assert.Empty(transitions.Next(Status(6, 10, 0, busy: true)));
        var notice = Assert.Single(transitions.Next(Status(10, 10, 0, busy: false)));
        Assert.Equal("Processing finished", notice.Title);
        Assert.Contains("10 of 10", notice.Message, StringComparison.Ordinal);
        Assert.False(notice.Failure);
        Assert.Empty(transitions.Next(Status(10, 10, 0, busy: false)));
    }

    [Fact]
    public void New_failures_are_counted_and_flagged()
    {
        var transitions = new ProgressTransitions(Status(3, 10, 1, busy: true));
        var notice = Assert.Single(transitions.Next(Status(5, 10, 3, busy: true)));
        Assert.Equal("2 images failed", notice.Title);
        Assert.True(notice.Failure);
    }
}
