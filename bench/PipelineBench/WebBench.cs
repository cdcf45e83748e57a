using System.Diagnostics;
using System.Globalization;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Playwright;
using Npgsql;

namespace PipelineBench;

/// <summary>
/// The web UI as a user meets it: warm time to first byte and to interactive (Blazor circuit live) per page at 1,000 and
/// 100,000 images, the Web's memory per open circuit, and the search-as-you-type round trip. Api and Web run as separate
/// Release processes; Chromium (Debian's) drives them.
/// </summary>
internal static class WebBench
{
    private static readonly string[] s_words = ["dog", "cat", "bicycle", "beach", "mountain", "forest", "lake", "city", "bridge", "boat", "flower", "bird", "castle", "market", "garden", "snow", "river", "sunset", "church", "train"];
    private static readonly string[] s_adjectives = ["red", "blue", "old", "small", "bright", "dark", "quiet", "snowy", "green", "golden"];

    public static async Task RunAsync(IReadOnlyList<int> sizes, int visits, int circuits)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });

        var rows = new List<string>();
        var memory = new List<string>();
        var typing = new List<string>();
        foreach (var size in sizes)
        {
            var connectionString = await EnsureDatabaseAsync(size);
            await using var ollama = await LoopbackOllamaServer.StartAsync();
            var (api, apiUrl) = await Bench.StartServiceAsync("ImageTagger.Api", new Dictionary<string, string>
            {
                ["ConnectionStrings__imagetagger"] = connectionString,
                ["Ollama__Url"] = ollama.Url.ToString(),
            });
            using var apiProcess = api;
            var (web, webUrl) = await Bench.StartServiceAsync("ImageTagger.Web", new Dictionary<string, string> { ["services__api__http__0"] = apiUrl.ToString() });
            using var webProcess = web;
            try
            {
                foreach (var path in new[] { "/", "/gallery", "/search?q=red+dog" })
                {
                    var (ttfb, interactive) = await VisitAsync(browser, new Uri(webUrl, path), visits);
                    rows.Add($"| {path} | {size:N0} | {Bench.F(Bench.Median(ttfb))} | {Bench.F(Bench.Percentile(ttfb, 0.95))} | {Bench.F(Bench.Median(interactive))} | {Bench.F(Bench.Percentile(interactive, 0.95))} |");
                }

                if (size == sizes[0])
                {
                    memory.Add(await CircuitMemoryAsync(browser, webUrl, web.Id, circuits));
                    typing.Add(await TypingAsync(browser, webUrl, apiUrl, visits));
                }
            }
            finally
            {
                web.Kill(entireProcessTree: true);
                api.Kill(entireProcessTree: true);
            }
        }

        Console.WriteLine($"| page (warm, {visits} visits) | images | first byte p50 ms | p95 ms | interactive p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| Web memory (RSS, /gallery open) | 1 circuit MiB | circuits | with them MiB | per circuit MiB |");
        Console.WriteLine("|---|---|---|---|---|");
        memory.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| search as you type | p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---|");
        typing.ForEach(Console.WriteLine);
    }

    /// <summary>Each visit is a new tab (a new circuit): first byte from the navigation timing, interactive when the layout says so.</summary>
    private static async Task<(List<double> Ttfb, List<double> Interactive)> VisitAsync(IBrowser browser, Uri url, int visits)
    {
        var ttfb = new List<double>();
        var interactive = new List<double>();
        await using var context = await browser.NewContextAsync();
        for (var i = 0; i < visits + 2; i++)
        {
            var page = await context.NewPageAsync();
            var stopwatch = Stopwatch.StartNew();
            await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("main[data-interactive='true']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            var ready = stopwatch.Elapsed.TotalMilliseconds;
            var firstByte = await page.EvaluateAsync<double>("() => { const n = performance.getEntriesByType('navigation')[0]; return n.responseStart - n.startTime; }");
            await page.CloseAsync();
            if (i >= 2)
            {
                // The first two visits warm the JIT, pools and the browser cache; they are not counted.
                ttfb.Add(firstByte);
                interactive.Add(ready);
            }
        }

        return (ttfb, interactive);
    }

    /// <summary>Resident memory of the Web with one circuit and with <paramref name="circuits"/> more open on the gallery.</summary>
    private static async Task<string> CircuitMemoryAsync(IBrowser browser, Uri webUrl, int webPid, int circuits)
    {
        await using var context = await browser.NewContextAsync();
        async Task OpenAsync()
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(webUrl, "/gallery").ToString());
            await page.Locator("main[data-interactive='true']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }

        await OpenAsync();
        await Task.Delay(2000);
        var one = ResidentMiB(webPid);
        for (var i = 0; i < circuits; i++)
        {
            await OpenAsync();
        }

        await Task.Delay(2000);
        var many = ResidentMiB(webPid);
        return $"| Web | {Bench.F(one)} | +{circuits} | {Bench.F(many)} | {Bench.F((many - one) / circuits, "0.00")} |";
    }

    /// <summary>
    /// Typing a query into the search box: from the last key to the results for that query on screen, split at the input's
    /// debounced change event into the debounce and the rest (event over the circuit, the Api's search, the render), and the
    /// Api's own time for the same search asked directly.
    /// </summary>
    private static async Task<string> TypingAsync(IBrowser browser, Uri webUrl, Uri apiUrl, int visits)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(webUrl, "/search").ToString());
        await page.Locator("main[data-interactive='true']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        // Marks in the page: the last key's input event, the input's debounced change, and the first render after it (the
        // results section marked busy: the event has crossed the circuit and the search is on its way to the Api).
        await page.EvaluateAsync("""
            () => {
              window.__t = {};
              document.addEventListener('input', () => window.__t.input = performance.now(), true);
              document.addEventListener('immediate', () => { window.__t.immediate = performance.now(); window.__t.busy = 0; }, true);
              new MutationObserver(() => { if (!window.__t.busy && document.querySelector("[aria-busy='true']")) window.__t.busy = performance.now(); })
                .observe(document.body, { subtree: true, attributes: true, childList: true, attributeFilter: ['aria-busy'] });
            }
            """);
        var box = page.GetByRole(AriaRole.Searchbox).Or(page.GetByRole(AriaRole.Textbox)).First;
        using var api = new HttpClient { BaseAddress = apiUrl };
        var (total, debounce, rest, search) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (toBusy, busyToResults) = (new List<double>(), new List<double>());
        var random = new Random(7);
        for (var i = 0; i < visits + 2; i++)
        {
            var query = $"{s_adjectives[random.Next(s_adjectives.Length)]} {s_words[random.Next(s_words.Length)]}";
            await box.FillAsync("");
            await box.PressSequentiallyAsync(query);
            var stopwatch = Stopwatch.StartNew();
            await page.Locator($"[data-results-for='{query}']").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            var elapsed = stopwatch.Elapsed.TotalMilliseconds;
            var marks = await page.EvaluateAsync<double[]>("() => [window.__t.input, window.__t.immediate, performance.now(), window.__t.busy || 0]");
            var searchWatch = Stopwatch.StartNew();
            using var response = await api.PostAsync("/graphql", new StringContent(
                System.Text.Json.JsonSerializer.Serialize(new { query = "query($q: String!) { search(query: $q, first: 24) { totalCount edges { node { id } } } }", variables = new { q = query } }),
                System.Text.Encoding.UTF8, "application/json"));
            await response.Content.ReadAsStringAsync();
            if (i >= 2)
            {
                total.Add(elapsed);
                debounce.Add(marks[1] - marks[0]);
                rest.Add(marks[2] - marks[1]);
                if (marks[3] > 0)
                {
                    toBusy.Add(marks[3] - marks[1]);
                    busyToResults.Add(marks[2] - marks[3]);
                }
                search.Add(searchWatch.Elapsed.TotalMilliseconds);
            }
        }

        return $"| last key → results (debounce included) | {Bench.F(Bench.Median(total))} | {Bench.F(Bench.Percentile(total, 0.95))} |\n"
            + $"| · last key → debounced change event | {Bench.F(Bench.Median(debounce))} | {Bench.F(Bench.Percentile(debounce, 0.95))} |\n"
            + $"| · change event → results on screen (circuit, Api, render) | {Bench.F(Bench.Median(rest))} | {Bench.F(Bench.Percentile(rest, 0.95))} |\n"
            + (toBusy.Count == 0 ? "" : $"| ·· change event → first render (busy) | {Bench.F(Bench.Median(toBusy))} | {Bench.F(Bench.Percentile(toBusy, 0.95))} |\n"
                + $"| ·· busy → results on screen (Web → Api → Web, render) | {Bench.F(Bench.Median(busyToResults))} | {Bench.F(Bench.Percentile(busyToResults, 0.95))} |\n")
            + $"| · the Api's search alone (same query, asked again directly) | {Bench.F(Bench.Median(search))} | {Bench.F(Bench.Percentile(search, 0.95))} |";
    }

    private static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>A library of <paramref name="size"/> described, tagged images (no files: the pages list rows); reused when present.</summary>
    private static async Task<string> EnsureDatabaseAsync(int size)
    {
        var name = $"bench_web_{size}";
        try
        {
            var existing = Bench.ConnectionString(name);
            await using var connection = new NpgsqlConnection(existing);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM images", connection);
            if ((long)(await count.ExecuteScalarAsync())! == size)
            {
                return existing;
            }
        }
        catch (PostgresException)
        {
            // Not there yet.
        }

        var connectionString = await Bench.CreateDatabaseAsync(name);
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        long folderId;
        await using (var folder = new NpgsqlCommand("INSERT INTO folders (path) VALUES ('/bench') RETURNING id", db))
        {
            folderId = (long)(await folder.ExecuteScalarAsync())!;
        }

        var random = new Random(42);
        await using (var writer = await db.BeginTextImportAsync("COPY images (folder_id, path, file_name, modified_at, description, tag_text, status) FROM STDIN"))
        {
            for (var i = 0; i < size; i++)
            {
                var noun = s_words[random.Next(s_words.Length)];
                var other = s_words[random.Next(s_words.Length)];
                var description = $"A {s_adjectives[random.Next(s_adjectives.Length)]} {noun} next to a {s_adjectives[random.Next(s_adjectives.Length)]} {other}";
                await writer.WriteLineAsync($"{folderId}\t/bench/img_{i:D6}.jpg\timg_{i:D6}.jpg\t2026-01-01 00:00:00+00\t{description}\t{noun} {other}\tDone");
            }
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE images", db))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        return connectionString;
    }
}
