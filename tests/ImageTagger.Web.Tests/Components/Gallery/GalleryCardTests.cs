extern alias web;

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Gallery;

namespace ImageTagger.Web.Tests.Components.Gallery;

public sealed class GalleryCardTests
{
    private static readonly ImageSummary Image = new("Image:7", 7, "<b>beach</b>.jpg", ImageStatus.Done, 640, 480, null, "Waves",
        [new("sea", TagSource.Ai, "Tag:1"), new("<script>x</script>", TagSource.Ai, "Tag:2"), new("sand", TagSource.Metadata, "Tag:3"), new("sun", TagSource.Ai, "Tag:4"), new("summer", TagSource.User, "Tag:5")]);

    [Fact]
    public void Shows_the_users_tags_first_encoded_and_counts_the_rest()
    {
        using var ctx = NewContext();
        var card = ctx.Render<GalleryCard>(p => p.Add(c => c.Image, Image).Add(c => c.Position, 3).Add(c => c.Href, "/images/7?from=gallery&pos=3"));
        var tags = card.FindAll(".card-tag").Select(t => t.TextContent).ToList();
        Assert.Equal(["summer", "sea", "<script>x</script>", "sand", "+1"], tags);
        Assert.Empty(card.FindAll("script"));
        Assert.Empty(card.FindAll("b"));
        Assert.Equal("/images/7?from=gallery&pos=3", card.Find("a.file-name").GetAttribute("href"));
    }

    [Fact]
    public void The_checkbox_reports_the_position_the_image_and_the_shift_key()
    {
        using var ctx = NewContext();
        GalleryCardClick? clicked = null;
        var card = ctx.Render<GalleryCard>(p => p.Add(c => c.Image, Image).Add(c => c.Position, 3).Add(c => c.Selected, true)
            .Add(c => c.OnSelect, EventCallback.Factory.Create<GalleryCardClick>(this, c => clicked = c)));
        var box = card.Find("input[type=checkbox]");
        Assert.Equal("Select <b>beach</b>.jpg", box.GetAttribute("aria-label"));
        Assert.True(box.HasAttribute("checked"));
        box.Click(new MouseEventArgs { ShiftKey = true });
        Assert.Equal(new GalleryCardClick(3, 7, true), clicked);
    }

    private static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddFluentUIComponents();
        return ctx;
    }
}
