using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ImageTagger.GraphQL.AspNetCore;
using ImageTagger.GraphQL.Tests.Conformance;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Codes = ImageTagger.GraphQL.AspNetCore.GraphQLWebSocketHandler.CloseCodes;

namespace ImageTagger.GraphQL.Tests;

/// <summary>A Kestrel server on a loopback port with the graphql-transport-ws transport and a small schema.</summary>
public sealed class WebSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>Set when a "forever" subscription's source stream is disposed.</summary>
    public TaskCompletionSource ForeverDisposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Uri Url { get; }

    private WebSocketServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<WebSocketServer> StartAsync(Action<GraphQLWebSocketOptions>? configure = null, Action<GraphQLServerOptions>? configureServer = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebSocketServer? server = null;
        builder.Services.AddGraphQL(schema => schema
                .Query(q => q
                    .Field("hello", "String!", f => f.Argument("name", "String", "world").Resolve(ctx => "Hello " + ctx.Argument<string>("name")))
                    .Field("who", "String", ctx => ctx.ContextData.TryGetValue("who", out var who) ? who as string : null)
                    .Field("deep", "Deep", _ => new object()))
                .Object("Deep", o => o.Field("deep", "Deep", _ => new object()).Field("v", "Int", _ => 1))
                .Mutation(m => m.Field("bump", "Int!", _ => 1))
                .Subscription(s => s
                    .Field("count", "Int!", f => f.Argument("to", "Int!").Subscribe(ctx => Count(ctx.Argument<int>("to"))))
                    .Field("forever", "Int!", f => f.Subscribe(ctx => server!.Forever(ctx.CancellationToken)))),
            options =>
            {
                options.MaxDocumentBytes = 2_000;
                options.Execution.MaxDepth = 5;
                // Generous by default so that no test races the timer; the timeout test sets its own.
                options.WebSockets.ConnectionInitTimeout = TimeSpan.FromMinutes(1);
                options.WebSockets.MaxMessageBytes = 4_096;
                options.WebSockets.OnConnectionInit = (_, payload, _) => ValueTask.FromResult<IDictionary<string, object?>?>(
                    payload?.GetValueOrDefault("token") is "bad" ? null : new Dictionary<string, object?> { ["who"] = payload?.GetValueOrDefault("who") });
                configure?.Invoke(options.WebSockets);
                configureServer?.Invoke(options);
            });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGraphQL("/graphql");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new WebSocketServer(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/graphql"));
        return server;
    }

    private static async IAsyncEnumerable<int> Count(int to)
    {
        for (var i = 1; i <= to; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    // Yields one value, then waits until cancelled: the test decides when it ends, no timer does.
    private async IAsyncEnumerable<int> Forever([EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            yield return 0;
            await Task.Delay(Timeout.Infinite, ct);
        }
        finally
        {
            ForeverDisposed.TrySetResult();
        }
    }

    public Task StopAsync(CancellationToken ct) => _app.StopAsync(ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A raw protocol client over <see cref="ClientWebSocket"/>.</summary>
public sealed class RawSocket(ClientWebSocket socket) : IDisposable
{
    public ClientWebSocket Socket { get; } = socket;

    public static async Task<RawSocket> ConnectAsync(Uri url, CancellationToken ct, string? protocol = GraphQLWebSocketHandler.SubProtocol, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (protocol is not null) socket.Options.AddSubProtocol(protocol);
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        await socket.ConnectAsync(url, ct);
        return new RawSocket(socket);
    }

    public Task SendAsync(string json, CancellationToken ct) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct);

    /// <summary>The next message, or null when the server closed (see <see cref="CloseCode"/>).</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived) await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
        }
    }

    /// <summary>Reads until the server closes and returns its close code (messages before it are skipped).</summary>
    public async Task<int> ExpectCloseAsync(CancellationToken ct)
    {
        while (await ReceiveAsync(ct) is not null)
        {
        }
        return (int)Socket.CloseStatus!.Value;
    }

    public async Task InitAsync(CancellationToken ct, string payload = "{}")
    {
        await SendAsync($$"""{"type":"connection_init","payload":{{payload}}}""", ct);
        var ack = await ReceiveAsync(ct);
        Assert.Equal("connection_ack", ack?.GetProperty("type").GetString());
    }

    public Task SubscribeAsync(string id, string query, CancellationToken ct) =>
        SendAsync(JsonSerializer.Serialize(new { id, type = "subscribe", payload = new { query } }), ct);

    public void Dispose() => Socket.Dispose();
}

public sealed class WebSocketTests : IAsyncLifetime
{
    private WebSocketServer _server = null!;
    private CancellationTokenSource _timeout = null!;

    // A bound on a hung test, not a timing assumption: every wait below ends on a message or a close.
    private CancellationToken Ct => _timeout.Token;

    public async ValueTask InitializeAsync()
    {
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        _timeout.CancelAfter(TimeSpan.FromSeconds(60));
        _server = await WebSocketServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _timeout.Dispose();
    }

    private static string Type(JsonElement? message) => message!.Value.GetProperty("type").GetString()!;

    [Fact]
    public async Task QueriesMutationsAndSubscriptionsRunOverOneSocket()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        Assert.Equal(GraphQLWebSocketHandler.SubProtocol, ws.Socket.SubProtocol);
        await ws.SendAsync("""{"type":"ping","payload":{"n":1}}""", Ct);
        var pong = await ws.ReceiveAsync(Ct);
        Assert.Equal("pong", Type(pong));
        Assert.Equal(1, pong!.Value.GetProperty("payload").GetProperty("n").GetInt32());
        await ws.InitAsync(Ct, """{"who":"Ada"}""");

        await ws.SendAsync("""{"id":"q","type":"subscribe","payload":{"query":"query($n: String) { hello(name: $n) who }","variables":{"n":"socket"}}}""", Ct);
        var next = await ws.ReceiveAsync(Ct);
        Assert.Equal("next", Type(next));
        Assert.Equal("q", next!.Value.GetProperty("id").GetString());
        Assert.Equal("""{"hello":"Hello socket","who":"Ada"}""", next.Value.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));

        await ws.SubscribeAsync("m", "mutation { bump }", Ct);
        Assert.Equal(1, (await ws.ReceiveAsync(Ct))!.Value.GetProperty("payload").GetProperty("data").GetProperty("bump").GetInt32());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));

        await ws.SubscribeAsync("s", "subscription { count(to: 3) }", Ct);
        for (var i = 1; i <= 3; i++)
        {
            var e = await ws.ReceiveAsync(Ct);
            Assert.Equal("next", Type(e));
            Assert.Equal(i, e!.Value.GetProperty("payload").GetProperty("data").GetProperty("count").GetInt32());
        }
        var done = await ws.ReceiveAsync(Ct);
        Assert.Equal("complete", Type(done));
        Assert.Equal("s", done!.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task InvalidOperationsGetAnErrorMessageAndTheSameLimitsAsHttp()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SubscribeAsync("v", "{ nope }", Ct);
        var error = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(error));
        Assert.Equal("v", error!.Value.GetProperty("id").GetString());
        Assert.Equal("Cannot query field \"nope\" on type \"Query\".", error.Value.GetProperty("payload")[0].GetProperty("message").GetString());

        await ws.SubscribeAsync("d", "{ deep { deep { deep { deep { deep { deep { v } } } } } } }", Ct);
        var depth = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(depth));
        Assert.Contains("depth", depth!.Value.GetProperty("payload")[0].GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        await ws.SubscribeAsync("big", "{ " + string.Concat(Enumerable.Repeat("hello ", 400)) + "}", Ct);
        var big = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(big));
        Assert.Contains("maximum size", big!.Value.GetProperty("payload")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        // The socket is still usable after operation errors.
        await ws.SubscribeAsync("ok", "{ hello }", Ct);
        Assert.Equal("next", Type(await ws.ReceiveAsync(Ct)));
    }

    [Fact]
    public async Task CompleteFromTheClientCancelsTheSubscription()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SubscribeAsync("f", "subscription { forever }", Ct);
        Assert.Equal("next", Type(await ws.ReceiveAsync(Ct)));
        await ws.SendAsync("""{"id":"f","type":"complete"}""", Ct);
        await _server.ForeverDisposed.Task.WaitAsync(Ct);
        // The id is free again once the operation ended (a duplicate would close with 4409).
        await ws.SubscribeAsync("f", "{ hello }", Ct);
        var next = await ws.ReceiveAsync(Ct);
        Assert.Equal("Hello world", next!.Value.GetProperty("payload").GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task DisconnectingCancelsRunningSubscriptions()
    {
        using (var ws = await RawSocket.ConnectAsync(_server.Url, Ct))
        {
            await ws.InitAsync(Ct);
            await ws.SubscribeAsync("f", "subscription { forever }", Ct);
            Assert.Equal("next", Type(await ws.ReceiveAsync(Ct)));
            ws.Socket.Abort();
        }
        await _server.ForeverDisposed.Task.WaitAsync(Ct);
        Assert.True(_server.ForeverDisposed.Task.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("""{"type":"whatever"}""", Codes.BadRequest)]
    [InlineData("""not json""", Codes.BadRequest)]
    [InlineData("""{"id":"1","type":"next","payload":{}}""", Codes.BadRequest)]
    [InlineData("""{"id":"1","type":"subscribe","payload":{"query":"{ hello }"}}""", Codes.Unauthorized)]
    public async Task ProtocolViolationsBeforeInitCloseTheSocket(string message, int code)
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.SendAsync(message, Ct);
        Assert.Equal(code, await ws.ExpectCloseAsync(Ct));
    }

    private static string PersistedSubscribe(string id, string hash, string? query = null) => JsonSerializer.Serialize(new
    {
        id,
        type = "subscribe",
        payload = new { query, extensions = new { persistedQuery = new { version = 1, sha256Hash = hash } } },
    });

    [Fact]
    public async Task PersistedDocumentsRunOverTheSocketUnderTheSameRulesAsHttp()
    {
        // Trusted documents: only registered documents run, by hash alone, as over HTTP.
        var store = new InMemoryPersistedDocumentStore();
        var hello = store.Register("query($n: String) { hello(name: $n) }");
        var count = store.Register("subscription { count(to: 2) }");
        await using var trusted = await WebSocketServer.StartAsync(configureServer: o =>
        {
            o.PersistedDocuments = store;
            o.AllowArbitraryDocuments = false;
        });
        using var ws = await RawSocket.ConnectAsync(trusted.Url, Ct);
        await ws.InitAsync(Ct);

        await ws.SendAsync(PersistedSubscribe("q", hello).Replace("\"extensions\"", "\"variables\":{\"n\":\"hash\"},\"extensions\"", StringComparison.Ordinal), Ct);
        var next = await ws.ReceiveAsync(Ct);
        Assert.Equal("next", Type(next));
        Assert.Equal("""{"hello":"Hello hash"}""", next!.Value.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));

        await ws.SendAsync(PersistedSubscribe("s", count), Ct);
        Assert.Equal(1, (await ws.ReceiveAsync(Ct))!.Value.GetProperty("payload").GetProperty("data").GetProperty("count").GetInt32());
        Assert.Equal(2, (await ws.ReceiveAsync(Ct))!.Value.GetProperty("payload").GetProperty("data").GetProperty("count").GetInt32());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));

        await ws.SubscribeAsync("a", "{ hello }", Ct);
        var arbitrary = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(arbitrary));
        Assert.Equal("Only persisted documents are accepted.", arbitrary!.Value.GetProperty("payload")[0].GetProperty("message").GetString());

        // A hash that is not registered cannot bring its own document in trusted mode.
        await ws.SendAsync(PersistedSubscribe("x", InMemoryPersistedDocumentStore.Hash("{ who }"), "{ who }"), Ct);
        var sneaky = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(sneaky));
        Assert.Equal("Only persisted documents are accepted.", sneaky!.Value.GetProperty("payload")[0].GetProperty("message").GetString());

        await ws.SendAsync(PersistedSubscribe("m", "0000"), Ct);
        var missing = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(missing));
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", missing!.Value.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());

        // A document that does not match the hash it names is refused.
        await ws.SendAsync(PersistedSubscribe("w", hello, "{ who }"), Ct);
        var mismatch = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(mismatch));
        Assert.Equal("The document does not match its persisted hash.", mismatch!.Value.GetProperty("payload")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task AutomaticPersistedQueriesRegisterOverTheSocket()
    {
        // Apollo's APQ flow: the hash alone is unknown, the document with its hash registers it, then the hash alone runs.
        await using var apq = await WebSocketServer.StartAsync(configureServer: o => o.PersistedDocuments = new InMemoryPersistedDocumentStore());
        using var ws = await RawSocket.ConnectAsync(apq.Url, Ct);
        await ws.InitAsync(Ct, """{"who":"Ada"}""");
        const string document = "{ who }";
        var hash = InMemoryPersistedDocumentStore.Hash(document);

        await ws.SendAsync(PersistedSubscribe("1", hash), Ct);
        var unknown = await ws.ReceiveAsync(Ct);
        Assert.Equal("error", Type(unknown));
        Assert.Equal("PersistedQueryNotFound", unknown!.Value.GetProperty("payload")[0].GetProperty("message").GetString());

        await ws.SendAsync(PersistedSubscribe("2", hash, document), Ct);
        Assert.Equal("""{"who":"Ada"}""", (await ws.ReceiveAsync(Ct))!.Value.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));

        await ws.SendAsync(PersistedSubscribe("3", hash), Ct);
        Assert.Equal("""{"who":"Ada"}""", (await ws.ReceiveAsync(Ct))!.Value.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", Type(await ws.ReceiveAsync(Ct)));
    }

    [Fact]
    public async Task ASubscribeWithoutAQueryIsABadRequest()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SendAsync("""{"id":"1","type":"subscribe","payload":{"variables":{}}}""", Ct);
        Assert.Equal(Codes.BadRequest, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task ADuplicateOperationIdClosesWith4409()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SubscribeAsync("same", "subscription { forever }", Ct);
        Assert.Equal("next", Type(await ws.ReceiveAsync(Ct)));
        await ws.SubscribeAsync("same", "subscription { forever }", Ct);
        Assert.Equal(Codes.SubscriberAlreadyExists, await ws.ExpectCloseAsync(Ct));
        Assert.Equal("Subscriber for same already exists", ws.Socket.CloseStatusDescription);
        // Closing stopped the running subscription too.
        await _server.ForeverDisposed.Task.WaitAsync(Ct);
    }

    [Fact]
    public async Task ASecondInitClosesWith4429()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SendAsync("""{"type":"connection_init"}""", Ct);
        Assert.Equal(Codes.TooManyInitialisationRequests, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task ARefusedInitClosesWith4403()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.SendAsync("""{"type":"connection_init","payload":{"token":"bad"}}""", Ct);
        Assert.Equal(Codes.Forbidden, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task WithoutTheSubprotocolTheSocketClosesWith4406()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct, protocol: null);
        Assert.Equal(Codes.SubprotocolNotAcceptable, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task AMessageOverTheLimitClosesWith1009()
    {
        using var ws = await RawSocket.ConnectAsync(_server.Url, Ct);
        await ws.InitAsync(Ct);
        await ws.SubscribeAsync("big", new string('#', 5_000), Ct);
        Assert.Equal(Codes.MessageTooBig, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task AForeignBrowserOriginIsRefusedBeforeTheUpgrade()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawSocket.ConnectAsync(_server.Url, Ct, origin: "http://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        using var sameHost = await RawSocket.ConnectAsync(_server.Url, Ct, origin: $"http://{_server.Url.Authority}");
        await sameHost.InitAsync(Ct);
    }

    [Fact]
    public async Task NoInitWithinTheTimeoutClosesWith4408()
    {
        await using var server = await WebSocketServer.StartAsync(o => o.ConnectionInitTimeout = TimeSpan.FromMilliseconds(200));
        using var ws = await RawSocket.ConnectAsync(server.Url, Ct);
        Assert.Equal(Codes.ConnectionInitialisationTimeout, await ws.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task ConnectionAndOperationLimitsHold()
    {
        await using var server = await WebSocketServer.StartAsync(o =>
        {
            o.MaxConnections = 1;
            o.MaxOperationsPerConnection = 1;
        });
        using var first = await RawSocket.ConnectAsync(server.Url, Ct);
        await first.InitAsync(Ct);
        using (var second = await RawSocket.ConnectAsync(server.Url, Ct))
        {
            Assert.Equal(Codes.TryAgainLater, await second.ExpectCloseAsync(Ct));
        }

        await first.SubscribeAsync("a", "subscription { forever }", Ct);
        Assert.Equal("next", Type(await first.ReceiveAsync(Ct)));
        await first.SubscribeAsync("b", "{ hello }", Ct);
        var error = await first.ReceiveAsync(Ct);
        Assert.Equal("error", Type(error));
        Assert.Equal("b", error!.Value.GetProperty("id").GetString());
        Assert.Contains("Too many operations", error.Value.GetProperty("payload")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LimitsOutOfRangeStopTheStart()
    {
        var bad = new GraphQLWebSocketOptions { MaxConnections = 0 };
        Assert.Throws<ArgumentOutOfRangeException>(bad.Validate);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGraphQL(s => s.Query(q => q.Field("a", "Int", _ => 1)), o => o.WebSockets.ConnectionInitTimeout = TimeSpan.Zero);
        using var app = builder.Build();
        Assert.Throws<ArgumentOutOfRangeException>(() => app.Services.GetRequiredService<GraphQLServerOptions>());
    }

    [Fact]
    public async Task ShutdownClosesOpenSocketsWith1001()
    {
        var server = await WebSocketServer.StartAsync();
        await using (server)
        {
            using var ws = await RawSocket.ConnectAsync(server.Url, Ct);
            await ws.InitAsync(Ct);
            await ws.SubscribeAsync("f", "subscription { forever }", Ct);
            Assert.Equal("next", Type(await ws.ReceiveAsync(Ct)));
            var stopping = server.StopAsync(Ct);
            Assert.Equal(Codes.GoingAway, await ws.ExpectCloseAsync(Ct));
            await stopping;
            Assert.True(server.ForeverDisposed.Task.IsCompletedSuccessfully);
        }
    }

    [Fact]
    public async Task TheRealGraphQLWsClientRunsAQueryAndASubscription()
    {
        var query = await RunNodeClientAsync("""{"who":"node"}""", "{ hello who }");
        Assert.Equal(["""{"next":{"data":{"hello":"Hello world","who":"node"}}}""", """{"complete":true}"""], query);
        var subscription = await RunNodeClientAsync("-", "subscription { count(to: 3) }");
        Assert.Equal(["""{"next":{"data":{"count":1}}}""", """{"next":{"data":{"count":2}}}""", """{"next":{"data":{"count":3}}}""", """{"complete":true}"""], subscription);
        var refused = await RunNodeClientAsync("""{"token":"bad"}""", "{ hello }");
        Assert.Equal(["""{"closed":4403,"reason":"Forbidden"}"""], refused);
    }

    private async Task<string[]> RunNodeClientAsync(string init, string query)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeOracle.ConformanceDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { "ws-client.js", _server.Url.ToString(), init, query }) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
