using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace PipelineBench;

/// <summary>
/// GraphQL subscriptions over graphql-transport-ws against the real Api on loopback: the latency from a job finishing
/// to the client's progress event, and how many concurrent subscribers the Api holds (its memory before and after).
/// Bounded: it opens a fixed number of sockets, waits for each first event, and closes them all.
/// </summary>
internal static class SubscriptionBench
{
    private const string Subscription = """{"id":"p","type":"subscribe","payload":{"query":"subscription { processingProgress { stages { kind done } } }"}}""";

    public static async Task RunAsync(int events, int sockets, int rounds)
    {
        var connectionString = await Bench.CreateDatabaseAsync("bench_ws");
        var (api, url) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>
        {
            ["ConnectionStrings__imagetagger"] = connectionString,
            ["Ollama__Url"] = "http://127.0.0.1:9", // unused: nothing here asks the model
            ["GraphQL__MaxWebSocketConnections"] = (sockets + 10).ToString(CultureInfo.InvariantCulture),
        });
        using var apiProcess = api;
        var ws = new Uri($"ws://{url.Authority}/graphql");

        await using var provider = ImageTagger.TestSupport.Postgres.CatalogServices.Build(connectionString);
        var queue = provider.GetRequiredService<JobQueue>();

        try
        {
            await LatencyAsync(ws, queue, events);
            // Several rounds: memory that stays bounded levels off instead of growing round after round.
            for (var round = 1; round <= rounds; round++)
            {
                await LoadAsync(ws, queue, api.Id, sockets, round);
            }
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    private static async Task<ClientWebSocket> SubscribeAsync(Uri url, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(url, ct);
        await SendAsync(socket, """{"type":"connection_init"}""", ct);
        var ack = await ReceiveAsync(socket, ct);
        if (!ack.Contains("connection_ack", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("no ack: " + ack);
        }

        await SendAsync(socket, Subscription, ct);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    private static async Task WaitForDoneAsync(ClientWebSocket socket, string kind, int done, CancellationToken ct)
    {
        var needle = $"{{\"kind\":\"{kind}\",\"done\":{done.ToString(CultureInfo.InvariantCulture)}}}";
        while (!(await ReceiveAsync(socket, ct)).Contains(needle, StringComparison.Ordinal))
        {
        }
    }

    /// <summary>
    /// Enqueues and claims a job, waits out the subscriber's 500 ms throttle that those two changes started, then
    /// completes it: the figure is the path from a job finishing to the event, not the throttle.
    /// </summary>
    private static async Task<long> FinishJobAsync(JobQueue queue, string kind)
    {
        await queue.EnqueueAsync(new NewJob(kind));
        var job = (await queue.ClaimAsync("bench", [kind], 1, TimeSpan.FromMinutes(1))).Single();
        await Task.Delay(ImageTaggerProgressMinInterval * 2);
        var started = Stopwatch.GetTimestamp();
        await queue.CompleteAsync(job.Id, "bench");
        return started;
    }

    private static async Task LatencyAsync(Uri url, JobQueue queue, int events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var socket = await SubscribeAsync(url, timeout.Token);
        await ReceiveAsync(socket, timeout.Token); // the current state
        var latencies = new List<double>();
        for (var i = 1; i <= events + 5; i++)
        {
            var started = await FinishJobAsync(queue, "bench-latency");
            await WaitForDoneAsync(socket, "bench-latency", i, timeout.Token);
            if (i > 5)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // first 5: warm-up
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| WebSocket subscription latency, job complete → client event ({events} events, loopback) | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| `processingProgress` over graphql-transport-ws | {Bench.F(Bench.Median(latencies))} | {Bench.F(Bench.Percentile(latencies, 0.95))} | {Bench.F(latencies.Max())} |");
    }

    private static readonly TimeSpan ImageTaggerProgressMinInterval = TimeSpan.FromMilliseconds(500);

    private static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task LoadAsync(Uri url, JobQueue queue, int pid, int count, int round)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        GC.Collect();
        var before = RssMiB(pid);
        var stopwatch = Stopwatch.StartNew();
        var sockets = new List<ClientWebSocket>(count);
        using var gate = new SemaphoreSlim(50); // connect in waves, as many clients arriving, not one SYN flood
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var socket = await SubscribeAsync(url, ct);
                await ReceiveAsync(socket, ct); // its first event: the subscription is live
                return socket;
            }
            finally
            {
                gate.Release();
            }
        }));
        sockets.AddRange(opened);
        var connectSeconds = stopwatch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the Api settle before reading its memory
        var held = RssMiB(pid);

        // One job finishing reaches every subscriber.
        var kind = $"bench-fanout-{round.ToString(CultureInfo.InvariantCulture)}";
        var started = await FinishJobAsync(queue, kind);
        var arrivals = await Task.WhenAll(sockets.Select(async s =>
        {
            await WaitForDoneAsync(s, kind, 1, ct);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }));
        var peak = Bench.PeakMemoryMiB(pid);

        foreach (var s in sockets)
        {
            await s.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
            s.Dispose();
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = RssMiB(pid);
        Console.WriteLine();
        Console.WriteLine($"| {count:N0} concurrent WebSocket subscribers on one Api (loopback), round {round} | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| connect + init + subscribe + first event, all {count:N0} (50 at a time) | {Bench.F(connectSeconds)} s |");
        Console.WriteLine($"| Api RSS before / with {count:N0} subscribers / after they closed | {Bench.F(before, "0")} / {Bench.F(held, "0")} / {Bench.F(after, "0")} MiB |");
        Console.WriteLine($"| per subscriber | {Bench.F((held - before) * 1024 / count, "0")} KiB |");
        Console.WriteLine($"| Api peak RSS (VmHWM) | {Bench.F(peak, "0")} MiB |");
        Console.WriteLine($"| one job finishing → event at all {count:N0}: p50 / p95 / last | {Bench.F(Bench.Median(arrivals), "0")} / {Bench.F(Bench.Percentile(arrivals, 0.95), "0")} / {Bench.F(arrivals.Max(), "0")} ms |");
    }
}
