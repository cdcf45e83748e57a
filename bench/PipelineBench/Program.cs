using PipelineBench;

// Runnable benchmarks, not tests: `bench/run.sh` builds in Release and runs them all.
var what = args.FirstOrDefault() ?? "all";
string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Arg(string name, int fallback) => Value(name) is { } text ? int.Parse(text) : fallback;

Console.WriteLine($"# ImageTagger benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
if (what is "ingest" or "all")
{
    // --compare "KEY=VALUE,KEY=VALUE" (repeatable): warm-service settings measured against the defaults, interleaved.
    var compare = args.Select((a, i) => (a, i)).Where(p => p.a == "--compare" && p.i + 1 < args.Length)
        .Select(p => args[p.i + 1].Split(',').Select(kv => kv.Split('=', 2)).Select(kv => (kv[0], kv[1])).ToArray()).ToList();
    if (args.Contains("--offline"))
    {
        // The offline stages (issue 21) are on by default: measured against the same service with all three off.
        compare.Add([("OfflineAi__Ocr", "false"), ("OfflineAi__Features", "false"), ("OfflineAi__TextEmbeddings", "false")]);
    }

    var corpus = Value("--corpus") ?? "all";
    await IngestBench.RunAsync(Arg("--images", 40), Arg("--runs", 3), args.Contains("--ours-only"), compare, corpus);
}

if (what == OfflineMemoryBench.ChildCommand)
{
    await OfflineMemoryBench.ChildAsync(Arg("--passes", 10), Arg("--idle-seconds", 0));
    return 0;
}

if (what is "offline" or "all")
{
    if (Value("--passes") is not null)
    {
        // --passes N [--idle-seconds S] [--env "K=V,K=V"] (repeatable) [--without-defaults]: memory over many passes,
        // each configuration in a child process, beside glibc's defaults.
        var environments = new List<(string Name, string Value)[]>();
        if (!args.Contains("--without-defaults"))
        {
            environments.Add([]);
        }

        environments.AddRange(args.Select((a, i) => (a, i)).Where(p => p.a == "--env" && p.i + 1 < args.Length)
            .Select(p => args[p.i + 1].Split(',').Select(kv => kv.Split('=', 2)).Select(kv => (kv[0], kv[1])).ToArray()));
        await OfflineMemoryBench.RunAsync(Arg("--passes", 10), Arg("--idle-seconds", 0), environments);
    }
    else
    {
        await OfflineBench.RunAsync(Arg("--runs", 3));
    }
}

if (what is "saturation" or "all")
{
    await SaturationBench.RunAsync(Arg("--images", 40), [1, 2, 4, 8]);
}

if (what is "aiclient" or "all")
{
    await AiClientBench.RunAsync(Arg("--calls", 2000), Arg("--runs", 5));
}

if (what is "rescan" or "all")
{
    await RescanBench.RunAsync(Arg("--files", 100_000), Arg("--runs", 3));
}

if (what is "search" or "all")
{
    await SearchBench.RunAsync(Arg("--search-images", 10_000), Arg("--queries", 200));
}

if (what is "churn")
{
    await ChurnBench.RunAsync(Arg("--images", 100_000), Arg("--workers", 4));
}

if (what is "million")
{
    var sizes = (Value("--sizes") ?? "100000,1000000").Split(',').Select(int.Parse).ToArray();
    await MillionBench.RunAsync(sizes, Arg("--queries", 200), args.Contains("--load-only"));
}

if (what is "websocket" or "all")
{
    await SubscriptionBench.RunAsync(Arg("--events", 30), Arg("--sockets", 1_000), Arg("--rounds", 2));
}

if (what is "web")
{
    // Not in "all": it needs the Web built in Release and drives Chromium (bench/run.sh web).
    var sizes = (Value("--web-images") ?? "1000,100000").Split(',').Select(int.Parse).ToList();
    await WebBench.RunAsync(sizes, Arg("--visits", 10), Arg("--circuits", 20));
}

return 0;
