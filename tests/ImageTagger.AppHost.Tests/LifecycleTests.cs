using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using ImageTagger.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.AppHost.Tests;

/// <summary>Start and stop as a whole: what is left afterwards, a rival AppHost, a migrate step that fails.</summary>
public sealed class LifecycleTests
{
    [Fact(Timeout = 300_000)]
    public async Task Stopping_leaves_no_process_and_a_second_apphost_on_the_same_data_folder_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = TestAppHost.NewDataDir();
        try
        {
            var builder = await TestAppHost.CreateAsync(dataDir, null, ct, "--ImageTagger:NoWeb=true");
            await using (var app = await builder.BuildAsync(ct))
            {
                await app.StartAsync(ct);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("api", ct);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("processing", ct);
                var running = TestAppHost.ProcessesOf(dataDir);
                Assert.Contains(running, pid => Command(pid).Contains("/usr/lib/postgresql/15/bin/postgres", StringComparison.Ordinal));
                Assert.Contains(running, pid => Command(pid).EndsWith("/ImageTagger.Api", StringComparison.Ordinal));
                Assert.True(File.Exists(Path.Combine(dataDir, "pgdata", "postmaster.pid")));

                var (exitCode, error) = await RunAppHostAsync(ct, "--data-dir", dataDir);
                Assert.Equal(2, exitCode);
                Assert.Contains($"Another AppHost (pid {Environment.ProcessId}) is using {dataDir}", error, StringComparison.Ordinal);

                await app.StopAsync(ct);
            }

            // DCP stops resources in the background of the app's disposal (SIGTERM, then the services' own shutdown):
            // give them a bounded time to end, then nothing of this app may be left.
            var (_, left) = await Poll.TryUntilAsync(() => Task.FromResult(TestAppHost.ProcessesOf(dataDir)), pids => pids.Count == 0, TimeSpan.FromSeconds(30), cancellationToken: ct);

            Assert.True(left.Count == 0, "left running: " + string.Join(" | ", left.Select(pid => $"{pid} {Command(pid)}")));
            Assert.False(File.Exists(Path.Combine(dataDir, "pgdata", "postmaster.pid")), "PostgreSQL did not shut down cleanly");
        }
        finally
        {
            TestAppHost.DeleteDataDir(dataDir);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_failing_migrate_step_stops_the_start_with_its_reason_and_nothing_after_it_starts()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = TestAppHost.NewDataDir();
        var logs = new LogCapture();
        try
        {
            var builder = await TestAppHost.CreateAsync(dataDir, logs, ct, "--ImageTagger:NoWeb=true");
            // The real server with a wrong password: migrate fails for a real reason.
            var port = builder.Resources.Single(r => r.Name == "postgres").Annotations.OfType<EndpointAnnotation>().Single().Port;
            builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "migrate"))
                .WithEnvironment(c => c.EnvironmentVariables["ConnectionStrings__imagetagger"] = $"Host=127.0.0.1;Port={port};Username=postgres;Password=wrong;Database=imagetagger");
            await using var app = await builder.BuildAsync(ct);
            var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await app.StartAsync(ct);

            await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ct);

            var failure = Assert.Single(logs.Lines, l => l.StartsWith("migrate did not complete", StringComparison.Ordinal));
            TestContext.Current.TestOutputHelper?.WriteLine(failure);
            Assert.Contains("exit code 1", failure, StringComparison.Ordinal);
            Assert.Contains("password authentication failed", failure, StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Lines, l => l.StartsWith("ImageTagger is ready", StringComparison.Ordinal));
            Assert.DoesNotContain(TestAppHost.ProcessesOf(dataDir), pid => Command(pid).EndsWith("/ImageTagger.Api", StringComparison.Ordinal));
            Assert.Equal(1, Environment.ExitCode);
            Environment.ExitCode = 0;
        }
        finally
        {
            TestAppHost.DeleteDataDir(dataDir);
        }
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The AppHost as a user runs it (its build output, no `dotnet run`), to see its exit code and error output.</summary>
    private static async Task<(int ExitCode, string Error)> RunAppHostAsync(CancellationToken ct, params string[] args)
    {
        // Same configuration and framework folder as this test's own build output (bin/<Configuration>/<tfm>/).
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var dll = Path.Combine(RepositoryPaths.Root, "ImageTagger.AppHost", "bin", output.Parent!.Name, output.Name, "ImageTagger.AppHost.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync(ct);
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await standardOutput;
        return (process.ExitCode, error);
    }
}
