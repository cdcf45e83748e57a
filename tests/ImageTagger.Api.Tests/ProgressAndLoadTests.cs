using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ImageTagger.Catalog.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Api.Tests;

public sealed class ProgressAndLoadTests(LibraryFixture api) : IClassFixture<LibraryFixture>
{
    private static async Task<string> ReadEventAsync(StreamReader reader, CancellationToken ct)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0 && text.Length > 0)
            {
                return text.ToString();
            }

            text.AppendLine(line);
        }

        return text.ToString();
    }

    [Fact]
    public async Task Progress_is_pushed_as_server_sent_events_when_jobs_finish()
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await api.Client.GetAsync("/progress/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var first = await ReadEventAsync(reader, timeout.Token);
        Assert.Contains("event: progress", first);
        Assert.Contains("\"done\":", first);

        // A job finishing anywhere (here: by hand, as a worker would) pushes a new snapshot that counts it.
        var queue = api.Factory.Services.GetRequiredService<JobQueue>();
        var kind = "progress-test";
        var id = (await queue.EnqueueAsync(new NewJob(kind), timeout.Token))!.Value;
        var job = Assert.Single(await queue.ClaimAsync("test", [kind], 1, TimeSpan.FromMinutes(1), timeout.Token));
        Assert.True(await queue.CompleteAsync(job.Id, "test", timeout.Token));
        string next;
        do
        {
            next = await ReadEventAsync(reader, timeout.Token);
        }
        while (!next.Contains("\"kind\":\"progress-test\"", StringComparison.Ordinal));
        Assert.Contains("\"done\":1", next[next.IndexOf("progress-test", StringComparison.Ordinal)..]);
        Assert.True(id > 0);
    }

    [Fact]
    public async Task The_progress_subscription_works_over_graphql_sse()
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new { query = "subscription { processingProgress { total done pending } }" }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var first = await ReadEventAsync(reader, timeout.Token);
        Assert.Contains("event: next", first);
        Assert.Contains("\"processingProgress\":{\"total\":", first);
    }

    [Fact]
    public async Task Concurrent_searches_and_mutations_over_real_http_all_complete_without_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var factory = api.Factory.WithWebHostBuilder(_ => { });
        factory.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0)); // UseKestrel(0) binds the default port 5000
        factory.StartServer();
        using var http = factory.CreateClient();
        Assert.True(http.BaseAddress!.IsLoopback && http.BaseAddress.Port > 0, $"a real loopback port: {http.BaseAddress}");

        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var ids = api.Ids.Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string[] queries = ["dog", "beach sunset", "red bicycle", "snow mountain", "cat on sofa"];
        // A fixed amount of work, not a fixed time: a busy machine makes it slower, never different.
        const int clientCount = 8, perClient = 25;
        var clients = Enumerable.Range(0, clientCount).Select(c => Task.Run(async () =>
        {
            for (var n = 1; n <= perClient; n++)
            {
                object body = (n % 5 == 0)
                    ? new { query = "mutation($ids: [ID!]!, $t: [String!]!) { addTags(imageIds: $ids, tags: $t) { count } }", variables = new { ids = new[] { ids[n % ids.Length] }, t = new[] { $"load {c}" } } }
                    : new { query = "query($q: String!, $m: SearchMode) { search(query: $q, mode: $m) { totalCount edges { node { fileName tags { name } } } } }", variables = new { q = queries[n % queries.Length], m = new[] { "KEYWORD", "SEMANTIC", "HYBRID" }[n % 3] } };
                var stopwatch = Stopwatch.StartNew();
                using var response = await http.PostAsJsonAsync("/graphql", body, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
                if (!response.IsSuccessStatusCode || text.Contains("\"errors\"", StringComparison.Ordinal))
                {
                    errors.Add(text);
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(clients);

        var sorted = latencies.Order().ToArray();
        var p95 = sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1];
        TestContext.Current.TestOutputHelper?.WriteLine($"{sorted.Length} requests from {clientCount} clients: p50 {sorted[sorted.Length / 2]:0.0} ms, p95 {p95:0.0} ms");
        Assert.Empty(errors);
        Assert.Equal(clientCount * perClient, sorted.Length);
    }
}
