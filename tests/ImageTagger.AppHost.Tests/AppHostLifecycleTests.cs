using System.Net.Http.Json;
using System.Text.Json;
using ImageTagger.AppHost.Output;
using ImageTagger.AppHost.Processes;

namespace ImageTagger.AppHost.Tests;

/// <summary>
/// The AppHost end to end, as a user runs it: real PostgreSQL (scripts/pg.sh, own port and data folder), the real
/// migrate step, real Processing, and the fake service standing in for api and web. One class, so these runs
/// (each a PostgreSQL plus several .NET processes) do not compete for the two cores.
/// </summary>
public sealed class AppHostLifecycleTests
{
    private static readonly TimeSpan s_startup = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_exit = TimeSpan.FromSeconds(45);

    [Fact(Timeout = 240_000)]
    public async Task Starts_every_resource_healthy_writes_apphost_json_and_stops_everything_on_ctrl_c()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("imagetagger-folder-").FullName;
        await using var host = AppHostProcess.Start(
            "--workers", "2",
            "--folder", folder,
            "--resource-command", TestPaths.Fake("api", "--spawn-child true"),
            "--resource-command", TestPaths.Fake("web"));

        var ready = await host.WaitForLineAsync("ImageTagger is ready", s_startup, ct);
        var state = host.ReadState();
        Assert.True(state.Ready);
        Assert.Equal(host.Pid, state.AppHostPid);
        var byName = state.Resources.ToDictionary(r => r.Name);
        foreach (var name in new[] { "postgres", "api", "processing-1", "processing-2", "web" })
        {
            Assert.True(byName.ContainsKey(name), $"{name} missing from apphost.json");
            Assert.Equal("Running", byName[name].State);
            Assert.True(NativeMethods.IsAlive(byName[name].Pid!.Value), $"{name} pid {byName[name].Pid} is not alive");
        }

        Assert.Equal("Completed", byName["migrate"].State);
        Assert.Equal("Unavailable", byName["ollama"].State);
        Assert.Contains($"web {byName["web"].Url}", ready, StringComparison.Ordinal);
        Assert.Contains($"api {byName["api"].Url}", ready, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var name in new[] { "processing-1", "processing-2" })
        {
            using var health = await http.GetAsync(new Uri(new Uri(byName[name].Url!), "/health"), ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        }

        // The configuration contract, as the web and api processes see it.
        var web = await GetEnvironmentAsync(http, byName["web"].Url!, ct);
        Assert.Equal(byName["api"].Url, web.Environment["services__api__http__0"]);
        Assert.Equal(state.ConnectionString, web.Environment["ConnectionStrings__imagetagger"]);
        Assert.Equal("web", web.Environment["OTEL_SERVICE_NAME"]);
        Assert.Equal(byName["web"].Url, web.Environment["ASPNETCORE_URLS"]);
        Assert.Equal("Development", web.Environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal(Path.Combine(host.DataDir, "thumbnails"), web.Environment["Storage__ThumbnailRoot"]);
        Assert.Equal("nomic-embed-text", web.Environment["Ollama__EmbeddingModel"]);
        Assert.Contains(folder, web.Environment.Where(e => e.Key.StartsWith("Folders__AllowedRoots__", StringComparison.Ordinal)).Select(e => e.Value));
        Assert.False(web.Environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var api = await GetEnvironmentAsync(http, byName["api"].Url!, ct);
        Assert.Equal("api", api.Environment["OTEL_SERVICE_NAME"]);
        Assert.NotNull(api.GrandchildPid);
        Assert.True(NativeMethods.IsAlive(api.GrandchildPid.Value));

        // --folder went to the api as a GraphQL mutation; the fake api's error is printed, not fatal.
        await host.WaitForLineAsync("api: addFolder is not implemented", TimeSpan.FromSeconds(30), ct);
        var posted = await http.GetFromJsonAsync<string[]>(new Uri(new Uri(byName["api"].Url!), "/graphql-requests"), ct);
        var query = JsonDocument.Parse(Assert.Single(posted!)).RootElement.GetProperty("query").GetString();
        Assert.Contains($"addFolder(input: {{path: \"{folder}\", recursive: true}})", query, StringComparison.Ordinal);

        var pids = state.Resources.Select(r => r.Pid).OfType<int>().Append(api.GrandchildPid.Value).ToList();
        host.SendSignal(NativeMethods.SIGINT);
        Assert.Equal(0, await host.WaitForExitAsync(s_exit, ct));

        Assert.All(pids, pid => Assert.False(NativeMethods.IsAlive(pid), $"pid {pid} survived the AppHost"));
        Assert.False(File.Exists(host.StateFilePath), "apphost.json should be removed on shutdown");
        Assert.False(File.Exists(Path.Combine(host.DataDir, "pgdata", "postmaster.pid")), "PostgreSQL should be stopped");
        Assert.Contains("All resources stopped", host.Output, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_killed_service_is_restarted_and_becomes_healthy_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start("--no-web", "--resource-command", TestPaths.Fake("api"));
        await host.WaitForLineAsync("ImageTagger is ready", s_startup, ct);
        var before = host.ReadState().Resources.Single(r => r.Name == "processing");

        Assert.True(NativeMethods.Signal(before.Pid!.Value, NativeMethods.SIGKILL));

        var after = (await host.WaitForStateAsync(
            s => s.Resources.Single(r => r.Name == "processing") is { State: "Running", Restarts: 1 } p && p.Pid != before.Pid,
            TimeSpan.FromSeconds(60),
            ct)).Resources.Single(r => r.Name == "processing");
        Assert.Equal(before.Url, after.Url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var health = await http.GetAsync(new Uri(new Uri(after.Url!), "/health"), ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("processing exited with code", host.Output, StringComparison.Ordinal);

        host.SendSignal(NativeMethods.SIGTERM);
        Assert.Equal(0, await host.WaitForExitAsync(s_exit, ct));
        Assert.False(NativeMethods.IsAlive(after.Pid!.Value));
    }

    [Fact(Timeout = 240_000)]
    public async Task A_second_apphost_refuses_the_data_folder_and_a_successor_cleans_up_after_a_killed_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = AppHostProcess.Start("--no-web", "--resource-command", TestPaths.Fake("api"));
        await first.WaitForLineAsync("ImageTagger is ready", s_startup, ct);

        await using (var rival = AppHostProcess.StartSharing(first, "--no-web", "--resource-command", TestPaths.Fake("api")))
        {
            Assert.Equal(1, await rival.WaitForExitAsync(s_exit, ct));
            Assert.Contains($"Another AppHost (pid {first.Pid}) is using {first.DataDir}", rival.Output, StringComparison.Ordinal);
        }

        // Killed outright, the first AppHost cannot stop its children (they run in their own process groups) ...
        var orphans = first.ReadState().Resources.Where(r => r.Name is "api" or "processing").Select(r => r.Pid!.Value).ToList();
        first.SendSignal(NativeMethods.SIGKILL);
        await first.WaitForExitAsync(s_exit, ct);
        Assert.All(orphans, pid => Assert.True(NativeMethods.IsAlive(pid)));

        // ... so the next AppHost on that data folder does, and takes over PostgreSQL.
        await using var successor = AppHostProcess.StartSharing(first, "--no-web", "--resource-command", TestPaths.Fake("api"));
        await successor.WaitForLineAsync("ImageTagger is ready", s_startup, ct);
        Assert.All(orphans, pid => Assert.False(NativeMethods.IsAlive(pid), $"leftover pid {pid} still alive"));
        Assert.Contains("left running by an AppHost that was killed", successor.Output, StringComparison.Ordinal);
        Assert.Contains("was still running", successor.Output, StringComparison.Ordinal);
        Assert.Equal(successor.Pid, successor.ReadState().AppHostPid);

        successor.SendSignal(NativeMethods.SIGINT);
        Assert.Equal(0, await successor.WaitForExitAsync(s_exit, ct));
        Assert.False(File.Exists(Path.Combine(successor.DataDir, "pgdata", "postmaster.pid")));
    }

    [Fact(Timeout = 180_000)]
    public async Task Ctrl_c_during_startup_stops_what_was_started()
    {
        var ct = TestContext.Current.CancellationToken;
        // A migrate step that takes long enough to be interrupted, and says which pid it is.
        await using var host = AppHostProcess.Start("--no-web", "--resource-command", "migrate=sh -c 'echo migrating as $$; exec sleep 60'");
        var line = await host.WaitForLineAsync("[migrate] migrating as ", s_startup, ct);
        var migratePid = int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NativeMethods.IsAlive(migratePid));

        host.SendSignal(NativeMethods.SIGINT);

        Assert.Equal(0, await host.WaitForExitAsync(s_exit, ct));
        Assert.False(NativeMethods.IsAlive(migratePid), "the interrupted migrate step is still running");
        Assert.DoesNotContain("ImageTagger is ready", host.Output, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL stopped", host.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(host.StateFilePath));
        Assert.False(File.Exists(Path.Combine(host.DataDir, "pgdata", "postmaster.pid")));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_failing_migrate_step_stops_startup_with_its_output()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start(
            "--no-web",
            "--resource-command", "migrate=sh -c 'echo \"relation images does not exist\" >&2; exit 3'",
            "--resource-command", TestPaths.Fake("api"));

        Assert.Equal(1, await host.WaitForExitAsync(s_startup, ct));

        Assert.Contains("migrate failed with exit code 3; nothing else was started", host.Output, StringComparison.Ordinal);
        Assert.Contains("relation images does not exist", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ImageTagger is ready", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("api started", host.Output, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL stopped", host.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(host.DataDir, "pgdata", "postmaster.pid")));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_service_that_keeps_crashing_is_given_up_and_startup_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start(
            "--no-web",
            "--resource-command", "api=sh -c 'echo \"api: cannot bind\" >&2; exit 7'");

        Assert.Equal(1, await host.WaitForExitAsync(s_startup, ct));

        Assert.Contains("api crashed 5 times in a row (last exit code 7)", host.Output, StringComparison.Ordinal);
        Assert.Contains("api: cannot bind", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ImageTagger is ready", host.Output, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL stopped", host.Output, StringComparison.Ordinal);
    }

    private static async Task<FakeEnvironment> GetEnvironmentAsync(HttpClient http, string url, CancellationToken ct) =>
        (await http.GetFromJsonAsync<FakeEnvironment>(new Uri(new Uri(url), "/env"), new JsonSerializerOptions(JsonSerializerDefaults.Web), ct))!;

    private sealed record FakeEnvironment(int Pid, int? GrandchildPid, Dictionary<string, string?> Environment);
}
