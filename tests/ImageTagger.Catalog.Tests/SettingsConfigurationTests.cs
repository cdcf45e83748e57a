using ImageTagger.Catalog.Settings;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace ImageTagger.Catalog.Tests;

public sealed class SettingsConfigurationTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private async Task SetAsync(string key, string value)
    {
        await using var command = database.DataSource.CreateCommand(
            "INSERT INTO settings (key, value) VALUES (@k, to_jsonb(@v::text)) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        command.Parameters.AddWithValue("k", key);
        command.Parameters.AddWithValue("v", value);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Stored_settings_override_configuration_and_changes_are_reloaded()
    {
        await SetAsync("Ollama:VisionModel", "llava:13b");
        await SetAsync("Imaging:ThumbnailSizes", "128, 512");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ollama:VisionModel"] = "from-appsettings", ["Ollama:Url"] = "http://x" })
            .Add(new CatalogSettingsConfigurationSource(database.ConnectionString, TimeSpan.FromMilliseconds(200)))
            .Build();

        Assert.Equal("llava:13b", configuration["Ollama:VisionModel"]);
        Assert.Equal("http://x", configuration["Ollama:Url"]);
        Assert.Equal([128, 512], configuration.GetSection("Imaging:ThumbnailSizes").Get<int[]>() ?? []);

        var reloaded = new TaskCompletionSource();
        using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => reloaded.TrySetResult());
        await SetAsync("Ollama:VisionModel", "qwen2.5vl:7b");
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("qwen2.5vl:7b", configuration["Ollama:VisionModel"]);
    }

    [Fact]
    public void An_unreachable_database_contributes_nothing_and_does_not_fail_startup()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ollama:VisionModel"] = "kept" })
            .Add(new CatalogSettingsConfigurationSource("Host=127.0.0.1;Port=9;Username=x;Password=x;Database=x;Timeout=1", TimeSpan.Zero))
            .Build();
        Assert.Equal("kept", configuration["Ollama:VisionModel"]);
    }
}
