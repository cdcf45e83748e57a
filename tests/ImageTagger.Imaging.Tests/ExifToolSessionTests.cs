using System.Diagnostics;
using ImageTagger.Imaging.ExifTool;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class ExifToolSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // exiftool evaluates -if as Perl: a sleeping condition makes a deterministic slow command.
    private static readonly string[] SlowCommand = ["-if", "sleep(30);1", "-s3", "-Make", SampleImages.Path("jpg", "Canon_40D.jpg")];

    [Fact]
    public async Task Runs_commands_and_keeps_one_process()
    {
        await using var session = TestHost.ExifTool();
        var version = await session.ExecuteAsync(["-ver"], Ct);
        Assert.Matches(@"^\d+\.\d+", version.Output.Trim());
        var pid = Assert.Single(session.RunningProcessIds);

        var model = await session.ExecuteAsync(["-s3", "-Model", SampleImages.Path("jpg", "Canon_40D.jpg")], Ct);
        Assert.Equal("Canon EOS 40D", model.Output.Trim());
        Assert.Equal(pid, Assert.Single(session.RunningProcessIds));

        var missing = await session.ExecuteAsync(["-s3", "-Model", "/nonexistent/x.jpg"], Ct);
        Assert.True(missing.HasErrors);
        Assert.Contains("File not found", missing.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paths_with_spaces_and_unicode_work()
    {
        using var dir = new TempImageDirectory();
        var path = dir.Copy(SampleImages.Path("jpg", "Canon_40D.jpg"), "ünï cødé 写真 (1).jpg");
        await using var session = TestHost.ExifTool();
        var result = await session.ExecuteAsync(["-s3", "-Make", path], Ct);
        Assert.Equal("Canon", result.Output.Trim());
    }

    [Fact]
    public async Task Concurrent_callers_share_a_small_pool()
    {
        await using var session = TestHost.ExifTool(o => o.ExifToolProcesses = 2);
        var files = SampleImages.ValidJpegs().Take(12).ToArray();
        var expected = await Task.WhenAll(files.Select(async f => (await session.ExecuteAsync(["-s3", "-FileName", f], Ct)).Output.Trim()));
        var results = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var file = files[i % files.Length];
            return (Index: i % files.Length, Name: (await session.ExecuteAsync(["-s3", "-FileName", file], Ct)).Output.Trim());
        }, Ct)));

        Assert.All(results, r => Assert.Equal(expected[r.Index], r.Name));
        Assert.All(files.Zip(expected), p => Assert.Equal(Path.GetFileName(p.First), p.Second));
        Assert.Equal(2, session.RunningProcessIds.Count);
    }

    [Fact]
    public async Task Process_killed_between_commands_is_restarted()
    {
        await using var session = TestHost.ExifTool();
        await session.ExecuteAsync(["-ver"], Ct);
        var pid = Assert.Single(session.RunningProcessIds);

        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill();
            await victim.WaitForExitAsync(Ct);
        }

        var result = await session.ExecuteAsync(["-s3", "-Make", SampleImages.Path("jpg", "Canon_40D.jpg")], Ct);
        Assert.Equal("Canon", result.Output.Trim());
        Assert.NotEqual(pid, Assert.Single(session.RunningProcessIds));
    }

    [Fact]
    public async Task Process_killed_mid_command_fails_that_command_then_recovers()
    {
        await using var session = TestHost.ExifTool();
        await session.ExecuteAsync(["-ver"], Ct);
        var pid = Assert.Single(session.RunningProcessIds);

        var blocked = session.ExecuteAsync(SlowCommand, Ct);
        await Task.Delay(300, Ct);
        Assert.False(blocked.IsCompleted);
        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill();
        }

        var ex = await Assert.ThrowsAsync<ExifToolException>(() => blocked);
        Assert.Equal(ExifToolFailure.ProcessDied, ex.Reason);
        Assert.Equal("Canon", (await session.ExecuteAsync(["-s3", "-Make", SampleImages.Path("jpg", "Canon_40D.jpg")], Ct)).Output.Trim());
    }

    [Fact]
    public async Task Timeout_kills_the_process_and_the_next_command_works()
    {
        await using var session = TestHost.ExifTool(o => o.ExifToolCommandTimeout = TimeSpan.FromSeconds(3));
        await session.ExecuteAsync(["-ver"], Ct);
        var pid = Assert.Single(session.RunningProcessIds);

        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ExifToolException>(() => session.ExecuteAsync(SlowCommand, Ct));
        Assert.Equal(ExifToolFailure.Timeout, ex.Reason);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(20));
        Assert.Empty(session.RunningProcessIds);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // really gone

        Assert.Matches(@"^\d+\.\d+", (await session.ExecuteAsync(["-ver"], Ct)).Output.Trim());
    }

    [Fact]
    public async Task Cancellation_kills_a_blocked_command()
    {
        await using var session = TestHost.ExifTool();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.ExecuteAsync(SlowCommand, cts.Token));
        Assert.Matches(@"^\d+\.\d+", (await session.ExecuteAsync(["-ver"], Ct)).Output.Trim());
    }

    [Fact]
    public async Task Missing_executable_and_bad_arguments_are_typed()
    {
        await using var missing = TestHost.ExifTool(o => o.ExifToolPath = "/nonexistent/exiftool");
        Assert.Equal(ExifToolFailure.NotAvailable, (await Assert.ThrowsAsync<ExifToolException>(() => missing.ExecuteAsync(["-ver"], Ct))).Reason);

        await using var session = TestHost.ExifTool();
        Assert.Equal(ExifToolFailure.InvalidArgument,
            (await Assert.ThrowsAsync<ExifToolException>(() => session.ExecuteAsync(["-ver\n-execute"], Ct))).Reason);
    }

    [Fact]
    public async Task Dispose_stops_the_process()
    {
        var session = TestHost.ExifTool();
        await session.ExecuteAsync(["-ver"], Ct);
        var pid = Assert.Single(session.RunningProcessIds);
        await session.DisposeAsync();
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.ExecuteAsync(["-ver"], Ct));
    }
}
