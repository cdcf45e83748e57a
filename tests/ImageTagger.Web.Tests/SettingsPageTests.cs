using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImageTagger.Web.Tests;

/// <summary>The interactive settings page: validation at the field (local and the Api's), save with feedback, the Ollama connection test.</summary>
public sealed class SettingsPageTests(LibraryStack stack, BrowserFixture browser) : IClassFixture<LibraryStack>
{
    private async Task<string?> StoredAsync(string key)
    {
        var settings = await stack.GraphQLAsync("{ settings { key value overridden } }");
        return settings.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == key).GetProperty("value").GetString();
    }

    [Fact]
    public async Task Settings_are_validated_at_the_field_saved_with_feedback_and_the_connection_test_shows_its_result()
    {
        await using var session = await browser.NewSessionAsync(stack.WebUrl);
        var page = session.Page;
        await session.GotoInteractiveAsync("/settings");
        var maxTags = page.Locator("#setting-Ollama-MaxTags input");
        var field = page.Locator("[data-setting='Ollama:MaxTags']");

        // Not a number: refused by the page, nothing sent.
        await maxTags.FillAsync("lots");
        await page.Keyboard.PressAsync("Tab");
        await Expect(field).ToContainTextAsync("Enter a whole number.");
        await page.GetByTestId("save-settings").ClickAsync();
        await Expect(field).ToContainTextAsync("Enter a whole number.");
        Assert.NotEqual("lots", await StoredAsync("Ollama:MaxTags"));

        await maxTags.FillAsync("12");
        await page.Keyboard.PressAsync("Tab");
        await Expect(field).Not.ToContainTextAsync("Enter a whole number.");
        await page.GetByTestId("save-settings").ClickAsync();
        await Expect(page.GetByText("Settings saved")).ToBeVisibleAsync();
        await Expect(field).ToContainTextAsync("changed here");
        await Expect(maxTags).ToHaveValueAsync("12");
        Assert.Equal("12", await StoredAsync("Ollama:MaxTags"));

        // Out of range: the Api's message is shown at the field and the stored value stays.
        await maxTags.FillAsync("500");
        await page.GetByTestId("save-settings").ClickAsync();
        await Expect(field).ToContainTextAsync("must be a whole number from 1 to 50");
        Assert.Equal("12", await StoredAsync("Ollama:MaxTags"));
        await session.ScreenshotAsync("settings");

        // The connection test: the configured loopback Ollama is ready; a port where nothing listens is reported unreachable.
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("connection-result")).ToContainTextAsync("Ready");
        await page.Locator("#test-url input").FillAsync("http://127.0.0.1:1/");
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("connection-result")).ToContainTextAsync("Ollama is unreachable");
        Assert.Empty(session.PageErrors);

        await using var dark = await browser.NewSessionAsync(stack.WebUrl, ColorScheme.Dark);
        await dark.GotoInteractiveAsync("/settings");
        await Expect(dark.Page.GetByTestId("settings-form")).ToBeVisibleAsync();
        await dark.ScreenshotAsync("settings-dark");
    }
}
