using System.CommandLine;
using System.Text.Json;
using ImageTagger.AppHost.Folders;
using ImageTagger.AppHost.Model;
using ImageTagger.AppHost.Ollama;
using ImageTagger.AppHost.Postgres;
using ImageTagger.AppHost.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.AppHost.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Help_documents_every_flag()
    {
        using var output = new StringWriter();
        var exitCode = AppHostCommand.Create().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exitCode);
        foreach (var flag in new[]
                 {
                     "--data-dir", "--api-port", "--web-port", "--pg-port", "--ollama-url", "--vision-model", "--embedding-model", "--folder",
                     "--workers", "--allowed-root", "--no-web", "--otlp-endpoint", "--resource-command", "--no-build", "--graphql-url",
                 })
        {
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("5080", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--workers", "0")]
    [InlineData("--api-port", "70000")]
    [InlineData("--ollama-url", "not a url")]
    [InlineData("--resource-command", "no-equals-sign")]
    public void Rejects_invalid_values(string flag, string value)
    {
        var result = AppHostCommand.Create().Parse([flag, value]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Splits_resource_commands_like_a_shell()
    {
        Assert.True(AppHostCommand.TryParseResourceCommand("migrate=sh -c 'echo \"a b\"; exit 3'", out var name, out var command));
        Assert.Equal("migrate", name);

        Assert.Equal(["sh", "-c", "echo \"a b\"; exit 3"], LaunchCommand.Split(command));
        Assert.Equal(["dotnet", "/a b/x.dll", "--name", "api"], LaunchCommand.Split("dotnet \"/a b/x.dll\"  --name api"));
        Assert.Equal(["a b", "c"], LaunchCommand.Split(@"a\ b c"));
        Assert.Throws<FormatException>(() => LaunchCommand.Split("sh -c 'unterminated"));
    }
}

public sealed class RestartPolicyTests
{
    [Fact]
    public void Backs_off_exponentially_up_to_the_cap()
    {
        var policy = new RestartPolicy { BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(3) };

        Assert.Equal(
            [0.5, 1, 2, 3, 3],
            Enumerable.Range(1, 5).Select(n => policy.DelayFor(n).TotalSeconds).ToArray());
    }
}

public sealed class EnvironmentContractTests
{
    private static AppHostOptions Options() => new()
    {
        RepositoryRoot = "/repo",
        DataDir = "/data",
        Folders = ["/photos"],
        Workers = 3,
        OtlpEndpoint = "http://127.0.0.1:4317",
    };

    [Fact]
    public void Passes_the_aspire_names_and_ours()
    {
        var options = Options();
        var model = ApplicationModel.Build(options);
        var web = model.Single(r => r.Name == "web");
        var urls = new Dictionary<string, Uri> { ["api"] = new("http://127.0.0.1:5080") };

        var env = EnvironmentContract.For(options, web, 0, new Uri("http://127.0.0.1:5000"), "Host=127.0.0.1;Port=1", urls);

        Assert.Equal("Host=127.0.0.1;Port=1", env["ConnectionStrings__imagetagger"]);
        Assert.Equal("http://127.0.0.1:5080", env["services__api__http__0"]);
        Assert.Equal("http://127.0.0.1:5000", env["ASPNETCORE_URLS"]);
        Assert.Equal("web", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://127.0.0.1:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("/data/thumbnails", env["Storage__ThumbnailRoot"]);
        Assert.Equal("http://localhost:11434/", env["Ollama__Url"]);
        Assert.Equal(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), env["Folders__AllowedRoots__0"]);
        Assert.Equal("/photos", env["Folders__AllowedRoots__1"]);
        Assert.False(env.ContainsKey("Processing__WorkerId"));
    }

    [Fact]
    public void Numbers_processing_workers_and_leaves_out_unset_otlp()
    {
        var options = Options() with { OtlpEndpoint = null, AllowedRoots = ["/only"] };
        var processing = ApplicationModel.Build(options).Single(r => r.Name == "processing");

        var env = EnvironmentContract.For(options, processing, 2, new Uri("http://127.0.0.1:40000"), "cs", new Dictionary<string, Uri>());

        Assert.Equal(3, processing.Replicas);
        Assert.Equal("processing-3", processing.InstanceName(2));
        Assert.Equal("processing-3", env["Processing__WorkerId"]);
        Assert.Equal("/only", env["Folders__AllowedRoots__0"]);
        Assert.False(env.ContainsKey("Folders__AllowedRoots__1"));
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.False(env.ContainsKey("services__api__http__0"));
    }

    [Fact]
    public void Orders_the_graph_and_drops_web_with_no_web()
    {
        var model = ApplicationModel.Build(Options());
        Assert.Equal(["postgres", "migrate", "api", "processing", "web"], model.Select(r => r.Name));
        Assert.Equal(["migrate"], model.Single(r => r.Name == "api").WaitFor);
        Assert.Equal(["api"], model.Single(r => r.Name == "web").WaitFor);

        Assert.DoesNotContain(ApplicationModel.Build(Options() with { NoWeb = true }), r => r.Name == "web");
    }
}

public sealed class LaunchResolverTests
{
    [Fact]
    public void Skips_projects_that_do_not_exist_yet_and_honours_overrides()
    {
        var root = Directory.CreateTempSubdirectory("imagetagger-resolve-").FullName;
        try
        {
            var options = new AppHostOptions { RepositoryRoot = root, DataDir = root, ResourceCommands = new Dictionary<string, string> { ["api"] = "node fake.js --port 1" } };
            var resolver = new LaunchResolver(options);

            var web = resolver.Resolve(new ResourceDefinition("web", ResourceKind.Service, "ImageTagger.Web", 0));
            var api = resolver.Resolve(new ResourceDefinition("api", ResourceKind.Service, "ImageTagger.Api", 0));

            Assert.Null(web.Command);
            Assert.Contains("does not exist yet", web.SkipReason, StringComparison.Ordinal);
            Assert.Equal("node", api.Command!.FileName);
            Assert.Equal(["fake.js", "--port", "1"], api.Command.Arguments);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Runs_a_built_project_from_its_output_in_its_folder()
    {
        var options = new AppHostOptions { RepositoryRoot = TestPaths.RepositoryRoot, DataDir = "/tmp", NoBuild = true };

        var plan = new LaunchResolver(options).Resolve(new ResourceDefinition("processing", ResourceKind.Service, "ImageTagger.Processing", 0));

        Assert.NotNull(plan.Command);
        Assert.EndsWith("ImageTagger.Processing.dll", plan.Command.Arguments[0], StringComparison.Ordinal);
        Assert.True(File.Exists(plan.Command.Arguments[0]));
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "ImageTagger.Processing"), plan.Command.WorkingDirectory);
    }
}

public sealed class GraphQLFolderClientTests
{
    [Fact]
    public void Escapes_paths_as_graphql_strings()
    {
        Assert.Equal("\"/a \\\"b\\\"\\\\c\\n\"", GraphQLFolderClient.GraphQLString("/a \"b\"\\c\n"));
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
        var query = JsonDocument.Parse(received!).RootElement.GetProperty("query").GetString();
        Assert.Contains("addFolder(input: {path: \"/photos/2024 \\\"summer\\\"\", recursive: true})", query, StringComparison.Ordinal);

        fail = false;
        Assert.True(await client.AddFolderAsync(new Uri(server.Url, "/graphql"), "/photos", ct));
        Assert.False(await client.AddFolderAsync(new Uri(server.Url, "/nothing-here"), "/photos", ct));
    }
}

public sealed class OllamaSupervisorTests
{
    [Fact]
    public async Task Reports_a_missing_model_when_ollama_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/api/version", () => Results.Json(new { version = "0.9.0" }));
            app.MapGet("/api/tags", () => Results.Json(new { models = new[] { new { name = "nomic-embed-text:latest", model = "nomic-embed-text:latest" } } }));
        });
        using var http = new HttpClient();
        using var ollama = new OllamaSupervisor(new AppHostOptions { RepositoryRoot = "/", DataDir = "/tmp", OllamaUrl = server.Url, VisionModel = "llava:7b" }, http, NullLogger.Instance);

        var status = await ollama.EnsureAsync(ct);

        Assert.Equal(OllamaAvailability.ModelMissing, status.Availability);
        Assert.Equal("0.9.0", status.Version);
        Assert.Equal(["llava:7b"], status.MissingModels);
        Assert.False(status.StartedByUs);
    }

    [Fact(Timeout = 120_000)]
    public async Task Starts_ollama_serve_from_path_when_nothing_answers_and_stops_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var bin = Directory.CreateTempSubdirectory("imagetagger-fake-ollama-").FullName;
        var originalPath = Environment.GetEnvironmentVariable("PATH") ?? "";
        try
        {
            // A stand-in `ollama` on PATH: `ollama serve` becomes the fake service answering Ollama's API on OLLAMA_HOST.
            var script = Path.Combine(bin, "ollama");
            await File.WriteAllTextAsync(script, $"""
                #!/bin/sh
                [ "$1" = serve ] || exit 2
                exec '{LaunchResolver.DotnetHost}' '{TestPaths.FakeServiceDll}' --name ollama --ollama true --models nomic-embed-text:latest --urls "http://$OLLAMA_HOST"
                """, ct);
            File.SetUnixFileMode(script, (UnixFileMode)Convert.ToInt32("755", 8));
            // Prepended only: every other program is still found where it was.
            Environment.SetEnvironmentVariable("PATH", bin + Path.PathSeparator + originalPath);
            using var http = new HttpClient();
            var options = new AppHostOptions { RepositoryRoot = "/", DataDir = bin, OllamaUrl = new Uri($"http://127.0.0.1:{FreePort.Pick()}") };
            using var ollama = new OllamaSupervisor(options, http, NullLogger.Instance);

            var status = await ollama.EnsureAsync(ct);

            Assert.True(status.StartedByUs);
            Assert.Equal("0.0.0-fake", status.Version);
            Assert.Equal(OllamaAvailability.ModelMissing, status.Availability);
            Assert.Equal(["qwen2.5vl:7b"], status.MissingModels);
            var pid = Assert.NotNull(ollama.Pid);

            await ollama.StopAsync(TimeSpan.FromSeconds(10), ct);
            Assert.False(NativeMethods.IsAlive(pid));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", originalPath);
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public async Task Reports_unavailable_when_nothing_answers()
    {
        using var http = new HttpClient();
        var options = new AppHostOptions { RepositoryRoot = "/", DataDir = "/tmp", OllamaUrl = new Uri($"http://127.0.0.1:{FreePort.Pick()}"), StartOllama = false };
        using var ollama = new OllamaSupervisor(options, http, NullLogger.Instance);

        var status = await ollama.EnsureAsync(TestContext.Current.CancellationToken);

        Assert.Equal(OllamaAvailability.Unavailable, status.Availability);
        Assert.Null(ollama.Pid);
    }

    [Theory]
    [InlineData("nomic-embed-text", true)]
    [InlineData("nomic-embed-text:latest", true)]
    [InlineData("qwen2.5vl:7b", true)]
    [InlineData("qwen2.5vl", false)]
    [InlineData("llava", false)]
    public void Matches_model_names_like_ollama(string model, bool expected) =>
        Assert.Equal(expected, OllamaSupervisor.HasModel(["nomic-embed-text:latest", "qwen2.5vl:7b"], model));
}

public sealed class PostgresDataDirTests
{
    [Fact]
    public async Task Explains_which_folder_the_postgres_user_cannot_enter()
    {
        // CreateTempSubdirectory makes a 0700 folder: as root, the postgres user cannot enter it.
        var locked = Directory.CreateTempSubdirectory("imagetagger-locked-").FullName;
        try
        {
            var options = new AppHostOptions { RepositoryRoot = TestPaths.RepositoryRoot, DataDir = Path.Combine(locked, "nested", "data") };
            var server = new PostgresServer(options, 1, NullLogger.Instance);

            if (PostgresServer.RunningAsRoot)
            {
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.PrepareDataDirAsync(TestContext.Current.CancellationToken));
                Assert.Contains($"'{locked}' is not traversable", error.Message, StringComparison.Ordinal);
                Assert.Contains($"chmod o+x {locked}", error.Message, StringComparison.Ordinal);
            }
            else
            {
                // Not root: PostgreSQL runs as us, so any folder we can create is fine.
                await server.PrepareDataDirAsync(TestContext.Current.CancellationToken);
            }

            Assert.True(Directory.Exists(options.DataDir));
            Assert.True(File.GetUnixFileMode(options.DataDir).HasFlag(UnixFileMode.OtherExecute), "the data folder itself must be enterable");
        }
        finally
        {
            Directory.Delete(locked, recursive: true);
        }
    }
}
