using ImageTagger.TestSupport.Ollama;

namespace ImageTagger.AppHost.Tests;

/// <summary>
/// One started app shared by the tests of a class (a start costs ~20 s): local PostgreSQL, the real migrate step, api,
/// processing, web, the loopback Ollama-protocol server, and one --folder. Each test only reads from it or leaves it
/// as it found it.
/// </summary>
public sealed class RunningApp : IAsyncLifetime
{
    private static readonly TimeSpan s_startup = TimeSpan.FromMinutes(4);

    public string DataDir { get; } = TestAppHost.NewDataDir();

    public string Folder { get; } = Directory.CreateTempSubdirectory("imagetagger-apphost-folder-").FullName;

    public LogCapture Logs { get; } = new();

    public LoopbackOllamaServer Ollama { get; private set; } = null!;

    public DistributedApplication App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(s_startup);
        Ollama = await LoopbackOllamaServer.StartAsync(timeout.Token);
        var builder = await TestAppHost.CreateAsync(DataDir, Logs, timeout.Token, $"--ImageTagger:OllamaUrl={Ollama.Url}", $"--ImageTagger:Folders:0={Folder}");
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var name in new[] { "api", "processing", "web", "ollama" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Ollama is not null)
        {
            await Ollama.DisposeAsync();
        }

        TestAppHost.DeleteDataDir(DataDir);
        Directory.Delete(Folder, recursive: true);
    }
}
