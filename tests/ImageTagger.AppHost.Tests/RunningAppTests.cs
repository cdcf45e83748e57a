using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageTagger.TestSupport;

namespace ImageTagger.AppHost.Tests;

/// <summary>The app as users run it, through the endpoints Aspire gives each resource.</summary>
public sealed class RunningAppTests(RunningApp app) : IClassFixture<RunningApp>
{
    [Fact(Timeout = 120_000)]
    public async Task The_console_says_ready_with_the_web_and_api_addresses_and_the_folder_is_added_through_the_api()
    {
        var ct = TestContext.Current.CancellationToken;
        using var api = app.App.CreateHttpClient("api", "http");

        // The folder is added once everything is healthy, so it may arrive a moment after the resources are.
        var folders = await Poll.UntilAsync(async () =>
        {
            var data = await GraphQLAsync(api, "{ folders { path } }", ct);
            return data.GetProperty("folders").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
        }, f => f.Contains(app.Folder), "the configured folder in the Api", TimeSpan.FromSeconds(60));

        Assert.Contains(app.Folder, folders);

        // The Api can show the folder before the AppHost has written that it added it (the line follows the answer).
        await Poll.UntilAsync(() => app.Logs.Lines.Any(l => l.StartsWith($"Added folder {app.Folder}", StringComparison.Ordinal)), "the AppHost's 'Added folder' line", TimeSpan.FromSeconds(60));
        var ready = Assert.Single(app.Logs.Lines, l => l.StartsWith("ImageTagger is ready", StringComparison.Ordinal));
        Assert.Contains($"api {app.App.GetEndpoint("api", "http").ToString().TrimEnd('/')}", ready, StringComparison.Ordinal);
        Assert.Contains($"web {app.App.GetEndpoint("web", "http").ToString().TrimEnd('/')}", ready, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_web_answers_and_reaches_the_api_by_its_service_name()
    {
        var ct = TestContext.Current.CancellationToken;
        using var web = app.App.CreateHttpClient("web", "http");

        using var page = await web.GetAsync(new Uri("/", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        // The web's /health includes its check of the api, through the address the app model gave it.
        using var health = await web.GetAsync(new Uri("/health", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ollama_is_healthy_when_the_server_has_both_models()
    {
        var ct = TestContext.Current.CancellationToken;

        var ollama = await app.App.ResourceNotifications.WaitForResourceHealthyAsync("ollama", ct);

        Assert.Contains(ollama.Snapshot.HealthReports, r => r.Name == "ollama-models" && r.Description!.Contains(app.Ollama.Url.Authority, StringComparison.Ordinal));
        Assert.True(app.Ollama.RequestCount(TestSupport.Ollama.LoopbackEndpoint.Tags) > 0);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_killed_service_shows_as_exited_and_the_restart_command_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var pid = TestAppHost.ServiceProcess(app.DataDir, "ImageTagger.Processing");

        System.Diagnostics.Process.GetProcessById(pid).Kill();

        var exited = await app.App.ResourceNotifications.WaitForResourceAsync(
            "processing", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), ct);
        Assert.NotEqual(0, exited.Snapshot.ExitCode);
        await Poll.UntilAsync(() => app.Logs.Contains("processing exited"), "the exit in the logs", TimeSpan.FromSeconds(60));

        var result = await app.App.ResourceCommands.ExecuteCommandAsync("processing", KnownResourceCommands.RestartCommand, ct);
        Assert.True(result.Success, result.Message);
        await app.App.ResourceNotifications.WaitForResourceHealthyAsync("processing", ct);
        Assert.NotEqual(pid, TestAppHost.ServiceProcess(app.DataDir, "ImageTagger.Processing"));
    }

    private static async Task<JsonElement> GraphQLAsync(HttpClient api, string query, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync(new Uri("/graphql", UriKind.Relative), new { query }, ct);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.False(document.RootElement.TryGetProperty("errors", out var errors), errors.ToString());
        return document.RootElement.GetProperty("data").Clone();
    }
}
