extern alias web;

using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Settings;

namespace ImageTagger.Web.Tests.Components.Settings;

public sealed class SettingsFormTests
{
    private static SettingsForm Form() => new(
    [
        new Setting("Ollama:Url", "http://ollama:11434", false, "Ollama server URL"),
        new Setting("Ollama:Prompt", "Describe\r\nthe image.", true, "Prompt sent with each image"),
        new Setting("Ollama:Temperature", "0.2", false, "Sampling temperature"),
        new Setting("Ollama:MaxTags", "10", true, "Most tags kept per image"),
        new Setting("Crawl:AllowPrivateAddresses", "false", false, "Allow crawling private addresses"),
        new Setting("Folders:DefaultWriteBackMode", null, false, "Write-back for new folders"),
    ]);

    [Fact]
    public void Each_setting_gets_the_editor_its_key_calls_for()
    {
        var kinds = Form().Entries.ToDictionary(e => e.Key, e => e.Kind);
        Assert.Equal(SettingKind.Url, kinds["Ollama:Url"]);
        Assert.Equal(SettingKind.LongText, kinds["Ollama:Prompt"]);
        Assert.Equal(SettingKind.Number, kinds["Ollama:Temperature"]);
        Assert.Equal(SettingKind.Integer, kinds["Ollama:MaxTags"]);
        Assert.Equal(SettingKind.Boolean, kinds["Crawl:AllowPrivateAddresses"]);
        Assert.Equal(SettingKind.WriteBackMode, kinds["Folders:DefaultWriteBackMode"]);
        Assert.Equal("setting-Ollama-MaxTags", Form().Find("ollama:maxtags")!.InputId);
    }

    [Theory]
    [InlineData("Ollama:Url", "ftp://host/", "Enter a full http:// or https:// address.")]
    [InlineData("Ollama:Url", "http://127.0.0.1:1/", null)]
    [InlineData("Ollama:MaxTags", "lots", "Enter a whole number.")]
    [InlineData("Ollama:MaxTags", "500", null)] // the range is the Api's to check
    [InlineData("Ollama:Temperature", "0,5", "Enter a number (with a . for decimals).")]
    [InlineData("Ollama:Temperature", "0.5", null)]
    [InlineData("Crawl:AllowPrivateAddresses", "yes", "Enter true or false.")]
    [InlineData("Folders:DefaultWriteBackMode", "sidecar", null)]
    [InlineData("Folders:DefaultWriteBackMode", "Xmp", "Choose None, Embedded or Sidecar.")]
    [InlineData("Ollama:MaxTags", "", null)] // empty goes back to configuration
    public void Values_are_checked_for_their_shape(string key, string value, string? problem)
    {
        var entry = Form().Find(key)!;
        entry.Value = value;
        Assert.Equal(problem, SettingsForm.Check(entry));
    }

    [Fact]
    public void Only_changes_are_sent_and_an_emptied_override_goes_back_to_configuration()
    {
        var form = Form();
        Assert.Empty(form.Changes());

        form.Find("Ollama:Prompt")!.Value = "Describe\nthe image.  "; // same text, other line endings and spaces
        form.Find("Ollama:MaxTags")!.Value = "";
        form.Find("Ollama:Url")!.Value = "";
        form.Find("Ollama:Temperature")!.Value = " 0.7 ";
        var changes = form.Changes();
        Assert.Equal(2, changes.Count);
        Assert.Null(changes["Ollama:MaxTags"]);
        Assert.Equal("0.7", changes["Ollama:Temperature"]);
    }
}
