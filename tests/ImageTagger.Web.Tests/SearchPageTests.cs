using System.Globalization;
using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive search page over a described library, in Chromium, against the real Web + Api + PostgreSQL.</summary>
public sealed class SearchPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    private Task<BrowserSession> SessionAsync(ColorScheme scheme = ColorScheme.Light, int width = 1280, int height = 900) =>
        browser.NewSessionAsync(stack.WebUrl, scheme, width, height);

    internal static ILocator SearchBox(IPage page) => page.Locator("#search-q input");

    /// <summary>
    /// Waits until Fluent's script has hooked the "as you type" event of the input (<c>__immediate</c>, attached after the
    /// circuit's first render): keys typed before that reach the field but raise no change until it loses focus.
    /// </summary>
    internal static Task TypingIsLiveAsync(IPage page, string id) =>
        page.WaitForFunctionAsync("id => !!document.getElementById(id)?.__immediate", id);

    [Fact]
    public async Task Typing_updates_the_results_and_the_url_without_navigating()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync("/search");
        var loads = 0;
        page.Load += (_, _) => loads++;
        // A marker on the window survives only if the page is never loaded again.
        await page.EvaluateAsync("() => { window.__searchMarker = 'same page'; }");
        var history = await page.EvaluateAsync<int>("() => history.length");

        await TypingIsLiveAsync(page, "search-q");
        await page.Locator("#mode-Keyword").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("mode=Keyword"));
        await SearchBox(page).PressSequentiallyAsync("beach", new() { Delay = 40 });
        await Expect(page.GetByTestId("mode-used")).ToHaveTextAsync("Keyword");
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("beach", new() { IgnoreCase = true });
        await Expect(page.Locator(".results mark").First).ToHaveTextAsync("beach", new() { IgnoreCase = true });
        await Expect(page.GetByTestId("result").Filter(new() { HasText = "harbour.jpg" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("score").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d{4}$"));
        await Expect(page.GetByTestId("signal").First).ToBeVisibleAsync();

        // Changing the text changes the results in place.
        await SearchBox(page).FillAsync("");
        await SearchBox(page).PressSequentiallyAsync("boats", new() { Delay = 40 });
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("harbour.jpg");
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("1");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/search\?q=boats&mode=Keyword$"));

        Assert.Equal("/search", new Uri(page.Url).AbsolutePath);
        Assert.Equal("same page", await page.EvaluateAsync<string>("() => window.__searchMarker"));
        Assert.Equal(0, loads);
        Assert.Equal(history, await page.EvaluateAsync<int>("() => history.length")); // replaced, not pushed

        // An in-app link to another search (as the tags on a detail page are) is followed by the same page.
        await page.EvaluateAsync("() => Blazor.navigateTo('/search?q=sofa&mode=Keyword')");
        await Expect(SearchBox(page)).ToHaveValueAsync("sofa");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("cat.jpg");
        Assert.Equal("same page", await page.EvaluateAsync<string>("() => window.__searchMarker"));
        await session.ScreenshotAsync("search-typing");
        Assert.Empty(session.PageErrors);
    }

    [Theory]
    [InlineData("Keyword", "beach", "beach")]
    [InlineData("Semantic", "A brown dog running on the beach with a ball", "dog.jpg")]
    [InlineData("Hybrid", "bicycle", "bike.jpg")]
    public async Task A_shared_url_reproduces_the_search_in_each_mode(string mode, string query, string expected)
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        var url = $"/search?q={Uri.EscapeDataString(query)}&mode={mode}";
        await session.GotoInteractiveAsync(url);
        await Expect(page.GetByTestId("mode-used")).ToHaveTextAsync(mode);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync(expected, new() { IgnoreCase = true });
        await Expect(SearchBox(page)).ToHaveValueAsync(query);
        Assert.True(int.Parse(await page.GetByTestId("result-count").InnerTextAsync(), CultureInfo.InvariantCulture) >= 1);
        if (mode == "Semantic")
        {
            await Expect(page.GetByTestId("similarity").First).ToBeVisibleAsync();
        }

        if (mode == "Hybrid")
        {
            await LibraryPagesTests.WaitForImagesAsync(page, ".results li:first-child img");
            await session.ScreenshotAsync("search");
            await using var dark = await SessionAsync(ColorScheme.Dark);
            await dark.GotoInteractiveAsync(url);
            await Expect(dark.Page.GetByTestId("result").First).ToContainTextAsync(expected, new() { IgnoreCase = true });
            await LibraryPagesTests.WaitForImagesAsync(dark.Page, ".results li:first-child img");
            await dark.ScreenshotAsync("search-dark");
        }
    }

    [Fact]
    public async Task Semantic_search_says_when_the_embedding_model_is_unreachable_and_the_offline_model_answers()
    {
        await using var session = await SessionAsync();
        var page = session.Page;

        // The offline model answers only for images that have its vectors: this test gives the beach one, and takes it away after.
        var services = stack.ApiFactory.Services;
        var text = await services.GetRequiredService<MiniLmTextEmbedder>().EmbedAsync("Waves rolling onto a sandy beach at sunset", TestContext.Current.CancellationToken);
        await services.GetRequiredService<EmbeddingStore>().UpsertAsync(stack.Ids["beach"], OfflineEmbeddingModels.Text, text, "text", TestContext.Current.CancellationToken);
        stack.Ollama.FailAlways(ImageTagger.TestSupport.Ollama.LoopbackEndpoint.Embed, ImageTagger.TestSupport.Ollama.LoopbackFault.Status(500, "model crashed"));
        try
        {
            await session.GotoInteractiveAsync("/search?q=sunset&mode=Semantic");
            // Meaning-based search carries on with the offline text model, and the page says so.
            await Expect(page.GetByTestId("search-notice")).ToContainTextAsync("offline text model");
            await Expect(page.GetByTestId("mode-used")).ToHaveTextAsync("Semantic");
        }
        finally
        {
            stack.Ollama.FailAlways(ImageTagger.TestSupport.Ollama.LoopbackEndpoint.Embed, null);
            services.GetRequiredService<ImageTagger.Api.Search.QueryEmbeddingBackOff>().Reset();
            await using var db = stack.CreateDbContext();
            await db.ImageEmbeddings.Where(e => e.Model == OfflineEmbeddingModels.Text).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Tag_filter_suggests_existing_tags_and_filters_in_place()
    {
        await using var session = await SessionAsync();
        var page = session.Page;
        await session.GotoInteractiveAsync("/search?q=sea&mode=Keyword");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(2);
        await TypingIsLiveAsync(page, "search-tag");
        await page.Locator("#search-tag input").PressSequentiallyAsync("harb", new() { Delay = 40 });
        var suggestion = page.GetByTestId("tag-suggestions").GetByLabel("Filter by tag harbour", new() { Exact = true });
        await suggestion.ClickAsync();
        await Expect(page.GetByTestId("tag-chips")).ToContainTextAsync("harbour");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("result").First).ToContainTextAsync("harbour.jpg");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tag=harbour"));

        // Removing the chip widens the search again.
        await page.GetByLabel("Remove tag filter harbour", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(2);
        Assert.DoesNotContain("tag=", page.Url, StringComparison.Ordinal);

        // Tags alone (no text) list every image with them.
        await session.GotoInteractiveAsync("/search?tag=sea&mode=Keyword");
        await Expect(page.GetByTestId("result")).ToHaveCountAsync(2);
        Assert.Empty(session.PageErrors);
    }

    [Fact]
    public async Task The_search_page_fits_a_phone_in_the_dark_scheme()
    {
        await using var session = await SessionAsync(ColorScheme.Dark, 390, 844);
        var page = session.Page;
        await session.GotoInteractiveAsync("/search?q=beach&mode=Hybrid");
        await Expect(page.GetByTestId("result").First).ToBeVisibleAsync();
        await LibraryPagesTests.WaitForImagesAsync(page, ".results li:first-child img");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"search is {overflow}px wider than a phone");
        await session.ScreenshotAsync("search-phone-dark");
    }
}
