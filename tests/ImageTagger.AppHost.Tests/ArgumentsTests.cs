using System.Text.Json;
using ImageTagger.AppHost.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.AppHost.Tests;

public sealed class ArgumentsTests
{
    [Fact]
    public void Flags_become_configuration_of_the_ImageTagger_section()
    {
        var (args, exitCode) = Translate(
            "--data-dir", "data", "--api-port", "0", "--web-port", "5001", "--pg-port", "55999", "--ollama-url", "http://gpu:11434",
            "--vision-model", "llava:7b", "--embedding-model", "e5", "--folder", "/photos/a", "--folder", "b", "--workers", "3",
            "--allowed-root", "/photos", "--no-web", "--postgres", "local", "--DcpPublisher:RandomizePorts=true");

        Assert.Equal(0, exitCode);
        var configuration = new ConfigurationBuilder().AddCommandLine(args!).Build();
        var settings = AppHostSettings.From(configuration, "/repo");
        Assert.Equal(Path.GetFullPath("data"), settings.DataDir);
        Assert.Equal(0, settings.ApiPort);
        Assert.Equal(5001, settings.WebPort);
        Assert.Equal(55999, settings.PgPort);
        Assert.Equal(new Uri("http://gpu:11434"), settings.OllamaUrl);
        Assert.Equal("llava:7b", settings.VisionModel);
        Assert.Equal("e5", settings.EmbeddingModel);
        Assert.Equal(["/photos/a", Path.GetFullPath("b")], settings.Folders);
        Assert.Equal(3, settings.Workers);
        Assert.Equal(["/photos"], settings.EffectiveAllowedRoots);
        Assert.True(settings.NoWeb);
        Assert.Equal(PostgresMode.Local, settings.Postgres);
        Assert.Equal("true", configuration["DcpPublisher:RandomizePorts"]);
    }

    [Fact]
    public void Defaults_suit_a_developer_machine()
    {
        var (args, _) = Translate();
        var settings = AppHostSettings.From(new ConfigurationBuilder().AddCommandLine(args!).Build(), "/repo");

        Assert.Equal("/repo/.data", settings.DataDir);
        Assert.Equal((5080, 5000, 55432, 1), (settings.ApiPort, settings.WebPort, settings.PgPort, settings.Workers));
        Assert.Equal(PostgresMode.Auto, settings.Postgres);
        Assert.Equal("/repo/.data/pgdata", settings.PgDataDir);
        Assert.Contains(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), settings.EffectiveAllowedRoots);
    }

    [Theory]
    [InlineData("--workers", "0", "--workers must be between 1 and 64")]
    [InlineData("--api-port", "70000", "--api-port must be between 0 and 65535")]
    [InlineData("--postgres", "sqlite", "sqlite")]
    [InlineData("--no-build", "true", "--no-build")]
    public void Bad_or_unknown_flags_are_a_clear_error(string flag, string value, string expected)
    {
        using var error = new StringWriter();
        var (args, exitCode) = AppHostArguments.Translate([flag, value], TextWriter.Null, error);

        Assert.Null(args);
        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_configuration_values_name_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ImageTagger:OllamaUrl"] = "gpu:11434" }).Build();

        var error = Assert.Throws<InvalidAppHostSettingException>(() => AppHostSettings.From(configuration, "/repo"));

        Assert.Contains("ImageTagger:OllamaUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_flag()
    {
        using var output = new StringWriter();
        var (args, exitCode) = AppHostArguments.Translate(["--help"], output, TextWriter.Null);

        Assert.Null(args);
        Assert.Equal(0, exitCode);
        foreach (var flag in new[] { "--data-dir", "--api-port", "--web-port", "--pg-port", "--ollama-url", "--vision-model", "--embedding-model", "--folder", "--workers", "--allowed-root", "--no-web", "--postgres" })
        {
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
        }
    }

    private static (string[]? Args, int ExitCode) Translate(params string[] args) => AppHostArguments.Translate(args, TextWriter.Null, TextWriter.Null);
}

public sealed class FolderRegistrationTests
{
    [Fact]
    public void Reads_graphql_errors_from_any_answer()
    {
        Assert.Equal(["boom", "second"], GraphQLFolderClient.ReadErrors("{\"errors\":[{\"message\":\"boom\"},{\"message\":\"second\"}]}"));
        Assert.Empty(GraphQLFolderClient.ReadErrors("{\"data\":{\"addFolder\":{\"__typename\":\"Folder\"}}}"));
        Assert.Empty(GraphQLFolderClient.ReadErrors("<html>"));
    }

    [Fact]
    public async Task Posts_the_mutation_and_reports_errors_without_throwing()
    {
        var ct = TestContext.Current.CancellationToken;
        string? received = null;
        var fail = true;
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/graphql", async (HttpRequest request) =>
        {
            received = await new StreamReader(request.Body).ReadToEndAsync(ct);
            return fail
                ? Results.Json(new { errors = new[] { new { message = "Unknown field addFolder" } } })
                : Results.Json(new { data = new { addFolder = new { __typename = "AddFolderPayload" } } });
        }));
        using var http = new HttpClient();
        var client = new GraphQLFolderClient(http, NullLogger.Instance);

        Assert.False(await client.AddFolderAsync(new Uri(server.Url, "/graphql"), "/photos/2024 \"summer\"", ct));
        var request = JsonDocument.Parse(received!).RootElement;
        Assert.Contains("addFolder(input: {path: $path, recursive: true})", request.GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal("/photos/2024 \"summer\"", request.GetProperty("variables").GetProperty("path").GetString());

        fail = false;
        Assert.True(await client.AddFolderAsync(new Uri(server.Url, "/graphql"), "/photos", ct));
        Assert.False(await client.AddFolderAsync(new Uri(server.Url, "/nothing-here"), "/photos", ct));
    }
}
