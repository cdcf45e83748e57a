using System.Diagnostics;
using ImageTagger.Ai;
using ImageTagger.Ai.Tagging;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PipelineBench;

/// <summary>
/// What the Ollama client itself costs per call, whatever it is built on: the real DI wiring (<c>AddOllamaAi</c>)
/// against the loopback server answering at once; sequential describe calls (a 100 KB JPEG, JSON schema) and
/// single-text embed calls. CPU time and allocations are of this process (client and loopback server together),
/// which is far less sensitive to other load on the machine than wall time.
/// </summary>
internal static class AiClientBench
{
    public static async Task RunAsync(int calls, int runs)
    {
        await using var ollama = await LoopbackOllamaServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ollama:Url"] = ollama.Url.ToString(),
            ["Ollama:VisionModel"] = "llava:7b",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOllamaAi(configuration);
        await using var provider = services.BuildServiceProvider();
        var describer = provider.GetRequiredService<IImageDescriber>();
        var embeddings = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var jpeg = new byte[100_000];
        new Random(1).NextBytes(jpeg);

        Console.WriteLine($"| Ollama client, {calls} sequential calls per run (median of {runs}) | wall ms/call | CPU ms/call | KiB allocated/call |");
        Console.WriteLine("|---|---|---|---|");
        await MeasureAsync("describe (100 KB image, JSON schema)", calls, runs,
            () => describer.DescribeAsync(jpeg, "image/jpeg", null));
        await MeasureAsync("embed (one text)", calls, runs,
            () => embeddings.GenerateAsync(["a red bicycle leaning on a brick wall"]));
    }

    private static async Task MeasureAsync(string label, int calls, int runs, Func<Task> call)
    {
        for (var i = 0; i < 50; i++)
        {
            await call();                                   // warm-up: JIT, connections
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        var allocated = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                await call();
            }

            stopwatch.Stop();
            process.Refresh();
            wall.Add(stopwatch.Elapsed.TotalMilliseconds / calls);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds / calls);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / calls);
        }

        Console.WriteLine($"| {label} | {Bench.F(Median(wall), "0.00")} | {Bench.F(Median(cpu), "0.00")} | {Bench.F(Median(allocated), "0")} |");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
