using PipelineBench;

// Runnable benchmarks, not tests: `bench/run.sh` builds in Release and runs them all.
var what = args.FirstOrDefault() ?? "all";
int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

Console.WriteLine($"# ImageTagger benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
if (what is "ingest" or "all")
{
    await IngestBench.RunAsync(Arg("--images", 40), Arg("--runs", 3), args.Contains("--ours-only"));
}

if (what is "saturation" or "all")
{
    await SaturationBench.RunAsync(Arg("--images", 40), [1, 2, 4, 8]);
}

if (what is "rescan" or "all")
{
    await RescanBench.RunAsync(Arg("--files", 100_000), Arg("--runs", 3));
}

if (what is "search" or "all")
{
    await SearchBench.RunAsync(Arg("--search-images", 10_000), Arg("--queries", 200));
}

return 0;
