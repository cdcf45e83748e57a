using System.Diagnostics;
using ImageTagger.Processing.Scanning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// Rescan of a large folder whose files did not change: the scanner must only stat them (one directory
/// enumeration, one query for the known rows, no writes). Timed for the first scan too, for scale.
/// </summary>
internal static class RescanBench
{
    public static async Task RunAsync(int files, int runs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bench-rescan-" + files);
        if (!Directory.Exists(folder) || Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count() != files)
        {
            Console.WriteLine($"creating {files:N0} files in {folder} ...");
            for (var i = 0; i < files; i++)
            {
                var dir = Path.Combine(folder, $"d{i / 1000:000}");
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, $"img_{i:D6}.jpg"), [0xFF, 0xD8, 0xFF]);
            }
        }

        var connectionString = await Bench.CreateDatabaseAsync($"bench_rescan_{files}");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:imagetagger"] = connectionString });
        ImageTagger.Processing.ProcessingServiceExtensions.AddApplicationServices(builder);
        using var host = builder.Build();
        var scanner = host.Services.GetRequiredService<FolderScanner>();
        long folderId;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO folders (path) VALUES (@p) RETURNING id", connection);
            insert.Parameters.AddWithValue("p", folder);
            folderId = (long)(await insert.ExecuteScalarAsync())!;
        }

        var first = Stopwatch.StartNew();
        var initial = await scanner.ScanAsync(folderId, CancellationToken.None);
        first.Stop();
        var rescans = new List<double>();
        ScanResult? last = null;
        for (var run = 0; run < runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            last = await scanner.ScanAsync(folderId, CancellationToken.None);
            rescans.Add(stopwatch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"| folder of {files:N0} files | seconds | files/s |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| first scan ({initial.Added:N0} new rows + analyze jobs) | {Bench.F(first.Elapsed.TotalSeconds, "0.00")} | {Bench.F(files / first.Elapsed.TotalSeconds, "0")} |");
        Console.WriteLine($"| rescan, nothing changed ({last!.Unchanged:N0} unchanged, {last.Added + last.Changed + last.Missing} changes; median of {runs}) | {Bench.F(Bench.Median(rescans), "0.00")} | {Bench.F(files / Bench.Median(rescans), "0")} |");
        // The scanner runs inside Processing; this process is that service's scanner, so its peak is the scan's memory.
        Console.WriteLine($"peak resident memory of the scanning process: {Bench.F(Bench.PeakMemoryMiB(Environment.ProcessId), "0")} MiB; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }
}
