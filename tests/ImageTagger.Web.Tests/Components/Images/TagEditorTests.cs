extern alias web;

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Images;

namespace ImageTagger.Web.Tests.Components.Images;

public sealed class TagEditorTests : IDisposable
{
    private readonly BunitContext _ctx = new();
    private readonly List<IReadOnlyList<string>> _added = [];
    private readonly List<string> _removed = [];

    public TagEditorTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddFluentUIComponents();
    }

    public void Dispose() => _ctx.Dispose();

    private static readonly ImageTag[] Tags =
    [
        new("sea", TagSource.Ai, "t1"),
        new("beach", TagSource.Metadata, "t2"),
        new("holiday", TagSource.User, "t3"),
    ];

    private IRenderedComponent<TagEditor> Render(Func<string, CancellationToken, Task<IReadOnlyList<string>>>? suggest = null) =>
        _ctx.Render<TagEditor>(p => p
            .Add(e => e.Tags, Tags)
            .Add(e => e.OnAdd, EventCallback.Factory.Create<IReadOnlyList<string>>(this, names => _added.Add(names)))
            .Add(e => e.OnRemove, EventCallback.Factory.Create<string>(this, name => _removed.Add(name)))
            .Add(e => e.Suggest, suggest));

    private static void Type(IRenderedComponent<TagEditor> cut, string text) =>
        cut.Find("fluent-text-input#add-tag").Change(text);

    [Fact]
    public void Tags_are_listed_by_name_with_their_source()
    {
        var cut = Render();
        var chips = cut.FindAll("li.chip");
        Assert.Equal(["beach", "holiday", "sea"], chips.Select(c => c.GetAttribute("data-tag")));
        Assert.Equal(["embedded", "user", "AI"], cut.FindAll(".chip-source").Select(s => s.TextContent));
        Assert.Equal("/search?tag=sea&mode=Keyword", cut.Find("li.chip[data-tag='sea'] a").GetAttribute("href"));
    }

    [Fact]
    public void Input_is_split_normalised_and_deduplicated_before_it_is_added()
    {
        var cut = Render();
        Type(cut, "  Old   Town, new, NEW ,sea,, ");
        cut.Find("[data-testid=add-tag-button]").Click();

        var added = Assert.Single(_added);
        Assert.Equal(["old town", "new"], added);
        Assert.Contains("Already tagged: sea.", cut.Find("[data-testid=tag-editor-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_added_for_blank_input_or_tags_already_there()
    {
        var cut = Render();
        cut.Find("[data-testid=add-tag-button]").Click();
        Assert.Equal("Enter a tag.", cut.Find("[data-testid=tag-editor-message]").TextContent);
        Type(cut, "Beach");
        cut.Find("[data-testid=add-tag-button]").Click();
        Assert.Equal("Already tagged: beach.", cut.Find("[data-testid=tag-editor-message]").TextContent);
        Assert.Empty(_added);
    }

    [Fact]
    public async Task Enter_in_the_box_adds_what_was_typed()
    {
        var cut = Render();
        var input = cut.FindComponent<FluentTextInput>();
        await cut.InvokeAsync(() => input.Instance.ChangeAfterKeyPressHandlerAsync("sunset", KeyPress.For(KeyCode.Enter)));
        Assert.Equal(["sunset"], Assert.Single(_added));
    }

    [Fact]
    public void Remove_asks_the_parent_to_remove_that_tag()
    {
        var cut = Render();
        cut.Find("li.chip[data-tag='holiday'] fluent-button").Click();
        Assert.Equal(["holiday"], _removed);
    }

    [Fact]
    public void Suggestions_leave_out_tags_the_image_has_and_add_on_click()
    {
        var asked = new List<string>();
        var cut = Render((typed, _) =>
        {
            asked.Add(typed);
            return Task.FromResult<IReadOnlyList<string>>(["seal", "sea", "seagull"]);
        });
        Type(cut, "old town, se");
        Assert.Equal(["se"], asked); // the part after the last comma
        var buttons = cut.FindAll("[data-testid=tag-editor-suggestions] fluent-button");
        Assert.Equal(["Add tag seal", "Add tag seagull"], buttons.Select(b => b.GetAttribute("aria-label")));
        buttons[1].Click();
        Assert.Equal(["seagull"], Assert.Single(_added));
    }

    [Fact]
    public void Tag_names_with_markup_are_rendered_as_text()
    {
        var cut = _ctx.Render<TagEditor>(p => p.Add(e => e.Tags, [new ImageTag("<b>bold</b><script>x()</script>", TagSource.Ai, "t9")]));
        Assert.Empty(cut.FindAll("li.chip b"));
        Assert.Empty(cut.FindAll("li.chip script"));
        Assert.Equal("<b>bold</b><script>x()</script>", cut.Find("li.chip a").TextContent);
    }
}
