using System.Diagnostics;
using System.Net;
using ImageTagger.Catalog.Jobs;
using ImageTagger.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Api.Tests.GraphQL;

/// <summary>The Api over graphql-transport-ws, driven by the real graphql-ws client from npm on a real loopback port.</summary>
public sealed class WebSocketClientTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string ClientDirectory
    {
        get
        {
            var path = Path.Combine(RepositoryPaths.Root, "tests", "graphql-conformance");
            Assert.True(Directory.Exists(Path.Combine(path, "node_modules", "graphql-ws")), $"run `bash scripts/setup.sh` (npm ci in {path})");
            return path;
        }
    }

    /// <summary>The Api on a Kestrel loopback port (node cannot reach the in-memory test server).</summary>
    private static (WebApplicationFactory<Program> Factory, Uri Url) Serve(WebApplicationFactory<Program> factory)
    {
        // UseKestrel(0) would mean "the default port" (5000), which parallel test runs share: bind loopback port 0.
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var http = factory.CreateClient();
        return (factory, new Uri($"ws://{http.BaseAddress!.Authority}/graphql"));
    }

    /// <summary>A running <c>ws-client.js</c>: one JSON line per event; "stop" on stdin disposes the client.</summary>
    private sealed class NodeClient : IDisposable
    {
        private readonly Process _process;

        public NodeClient(Uri url, string init, string query)
        {
            var psi = new ProcessStartInfo("node")
            {
                WorkingDirectory = ClientDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var arg in new[] { "ws-client.js", url.ToString(), init, query })
            {
                psi.ArgumentList.Add(arg);
            }

            _process = Process.Start(psi)!;
        }

        public async Task<string> NextLineAsync(CancellationToken ct) =>
            await _process.StandardOutput.ReadLineAsync(ct) ?? throw new InvalidOperationException("client ended: " + await _process.StandardError.ReadToEndAsync(ct));

        public async Task<string[]> RunToEndAsync(CancellationToken ct)
        {
            var output = await _process.StandardOutput.ReadToEndAsync(ct);
            var error = await _process.StandardError.ReadToEndAsync(ct);
            await _process.WaitForExitAsync(ct);
            Assert.True(_process.ExitCode == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        public async Task StopAsync(CancellationToken ct)
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync(ct);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }

    private static CancellationTokenSource Bounded()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60)); // a bound on a hung test; every wait ends on an event
        return timeout;
    }

    [Fact]
    public async Task A_query_and_a_mutation_run_over_the_socket()
    {
        using var timeout = Bounded();
        var (factory, url) = Serve(api.Factory.WithWebHostBuilder(_ => { }));
        using (factory)
        {
            using var query = new NodeClient(url, "-", "{ settings { key } stats { folders } }");
            var lines = await query.RunToEndAsync(timeout.Token);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("""{"next":{"data":{"settings":[{"key":""", lines[0], StringComparison.Ordinal);
            Assert.Equal("""{"complete":true}""", lines[1]);

            using var mutation = new NodeClient(url, "-", """mutation { updateSettings(input: [{ key: "Ollama:VisionModel", value: "qwen2.5vl:7b" }]) { settings { key value } errors { code } } }""");
            lines = await mutation.RunToEndAsync(timeout.Token);
            Assert.Contains("""{"key":"Ollama:VisionModel","value":"qwen2.5vl:7b"}""", lines[0], StringComparison.Ordinal);
            Assert.Contains("\"errors\":[]", lines[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_progress_subscription_pushes_an_event_when_a_job_finishes()
    {
        using var timeout = Bounded();
        var ct = timeout.Token;
        var (factory, url) = Serve(api.Factory.WithWebHostBuilder(_ => { }));
        using (factory)
        {
            using var client = new NodeClient(url, "-", "subscription { processingProgress { done stages { kind done } } }");
            var first = await client.NextLineAsync(ct);
            Assert.StartsWith("""{"next":{"data":{"processingProgress":{"done":""", first, StringComparison.Ordinal);

            // A worker finishing a job (done by hand here) is what moves progress: the event must follow it.
            var kind = "ws-progress";
            var queue = factory.Services.GetRequiredService<JobQueue>();
            await queue.EnqueueAsync(new NewJob(kind), ct);
            var job = Assert.Single(await queue.ClaimAsync("test", [kind], 1, TimeSpan.FromMinutes(1), ct));
            Assert.True(await queue.CompleteAsync(job.Id, "test", ct));
            string line;
            do
            {
                line = await client.NextLineAsync(ct);
                Assert.StartsWith("{\"next\":", line, StringComparison.Ordinal);
            }
            while (!line.Contains("""{"kind":"ws-progress","done":1}""", StringComparison.Ordinal));

            await client.StopAsync(ct);
            var rest = await client.RunToEndAsync(ct);
            Assert.Equal("""{"disposed":true}""", rest[^1]);
        }
    }

    /// <summary>Makes every request look as if it came from another machine on the network.</summary>
    private sealed class RemoteCaller : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task A_remote_socket_needs_the_api_key_for_mutations_and_a_wrong_key_is_refused()
    {
        using var timeout = Bounded();
        var ct = timeout.Token;
        var (factory, url) = Serve(api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Security:ApiKey", "s3cret");
            web.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new RemoteCaller()));
        }));
        using (factory)
        {
            const string mutation = """mutation { updateSettings(input: []) { errors { code } } }""";

            using var wrongKey = new NodeClient(url, """{"apiKey":"guess"}""", "{ stats { folders } }");
            Assert.Equal(["""{"closed":4403,"reason":"Forbidden"}"""], await wrongKey.RunToEndAsync(ct));

            using var noKeyRead = new NodeClient(url, "-", "{ stats { folders } }");
            Assert.StartsWith("""{"next":{"data":{"stats":""", (await noKeyRead.RunToEndAsync(ct))[0], StringComparison.Ordinal);

            using var noKeyWrite = new NodeClient(url, "-", mutation);
            Assert.Contains("Changes need an API key", (await noKeyWrite.RunToEndAsync(ct))[0], StringComparison.Ordinal);

            using var withKey = new NodeClient(url, """{"apiKey":"s3cret"}""", mutation);
            Assert.Equal(["""{"next":{"data":{"updateSettings":{"errors":[]}}}}""", """{"complete":true}"""], await withKey.RunToEndAsync(ct));
        }
    }
}
