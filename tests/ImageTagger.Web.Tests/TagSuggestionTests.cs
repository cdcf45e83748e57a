using System.Globalization;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Offline;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>
/// Three harbour photos with features from the real ResNet18 model (as the offline stage makes them); one is tagged by
/// the user, so the two that look like it are offered its tag (issue 21).
/// </summary>
public sealed class SuggestionStack : WebStack
{
    public Dictionary<string, long> Ids { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = CreateDbContext();
        var folder = new Folder { Path = Root.Path, LastScanAt = DateTimeOffset.UtcNow };
        db.Folders.Add(folder);
        await db.SaveChangesAsync();

        var small = Root.File("harbour-small.jpg");
        VipsCli.Run("thumbnail", SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), small + "[Q=60]", "700");
        var files = new Dictionary<string, string>
        {
            ["harbour"] = Root.Copy(SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), "harbour.jpg"),
            ["harbour-again"] = Root.Copy(SampleImages.Path("jpg", "gps", "DSCN0029.jpg"), "harbour-again.jpg"),
            ["harbour-small"] = small,
        };
        LibraryEntry[] entries = [.. files.Keys.Select(name => new LibraryEntry(name, "Boats in a harbour", [], null, false))];
        var seeded = await DescribedLibrary.SeedAsync(this, folder.Id, entries, (entry, _) => files[entry.Name]);
        foreach (var (name, id) in seeded)
        {
            Ids[name] = id;
            await ImageFeatures.StoreAsync(ApiFactory.Services, id, files[name]);
        }

        await using var connection = await DataSource.OpenConnectionAsync();
        await TagStore.AddAsync(connection, null, [Ids["harbour"]], ["harbour"], TagSource.User, default);
    }
}

/// <summary>Accepting and dismissing a suggested tag on the image detail page, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class TagSuggestionTests(SuggestionStack stack, BrowserFixture browser) : IClassFixture<SuggestionStack>
{
    private string Url(string name) => "/images/" + stack.Ids[name].ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_accepted_suggestion_becomes_a_tag_of_the_image()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync(Url("harbour-small"));
        var suggestion = page.GetByTestId("tag-suggestions").Locator(".suggestion[data-tag='harbour']");
        await Expect(suggestion).ToContainTextAsync("1 similar");
        await Expect(page.Locator(".chip[data-tag='harbour']")).ToHaveCountAsync(0);

        await page.GetByLabel("Accept suggested tag harbour", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator(".chip[data-tag='harbour'] .chip-source")).ToHaveTextAsync("suggested");
        await Expect(suggestion).ToHaveCountAsync(0);
        Assert.Equal(["harbour"], await stack.TagsOfAsync(stack.Ids["harbour-small"]));

        // Stored, not just shown: it is there after a reload, and no longer offered.
        await session.GotoInteractiveAsync(Url("harbour-small"));
        await Expect(page.Locator(".chip[data-tag='harbour'] .chip-source")).ToHaveTextAsync("suggested");
        await Expect(page.GetByTestId("tag-suggestions")).ToHaveCountAsync(0);
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task A_dismissed_suggestion_goes_and_stays_gone()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync(Url("harbour-again"));
        var suggestion = page.GetByTestId("tag-suggestions").Locator(".suggestion[data-tag='harbour']");
        await Expect(suggestion).ToBeVisibleAsync();

        await page.GetByLabel("Dismiss suggested tag harbour", new() { Exact = true }).ClickAsync();
        await Expect(suggestion).ToHaveCountAsync(0);
        await Expect(page.Locator(".chip[data-tag='harbour']")).ToHaveCountAsync(0);

        await session.GotoInteractiveAsync(Url("harbour-again"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("harbour-again.jpg");
        await Expect(page.GetByTestId("tag-suggestions")).ToHaveCountAsync(0);
        Assert.Empty(await stack.TagsOfAsync(stack.Ids["harbour-again"]));
        var left = await stack.GraphQLAsync("query($id: ID!) { image(id: $id) { tagSuggestions { name } } }", new { id = stack.Ids["harbour-again"].ToString(CultureInfo.InvariantCulture) });
        Assert.Empty(left.GetProperty("image").GetProperty("tagSuggestions").EnumerateArray());
        Assert.Empty(session.PageErrors);
    }
}
