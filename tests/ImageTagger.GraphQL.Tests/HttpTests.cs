using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ImageTagger.GraphQL.AspNetCore;
using ImageTagger.GraphQL.Client;
using ImageTagger.GraphQL.Tests.Conformance;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTagger.GraphQL.Tests;

/// <summary>A real Kestrel server on a free port hosting a small schema through AddGraphQL/MapGraphQL.</summary>
public sealed class GraphQLServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public InMemoryPersistedDocumentStore Store { get; } = new();
    /// <summary>Set when the "forever" subscription's source stream is disposed (client went away).</summary>
    public TaskCompletionSource ForeverDisposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async IAsyncEnumerable<int> Forever([EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            for (var i = 0; ; i++)
            {
                yield return i;
                await Task.Delay(20, ct);
            }
        }
        finally
        {
            ForeverDisposed.TrySetResult();
        }
    }
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    private static async IAsyncEnumerable<int> Count(int to, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 1; i <= to; i++)
        {
            await Task.Delay(10, ct);
            yield return i;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddGraphQL(schema => schema
            .Query(q => q
                .Field("hello", "String!", f => f.Argument("name", "String", "world").Resolve(ctx => "Hello " + ctx.Argument<string>("name")))
                .Field("secret", "String", _ => throw new InvalidOperationException("connection string leaked"))
                .Field("deep", "Deep", _ => new object()))
            .Object("Deep", o => o.Field("deep", "Deep", _ => new object()).Field("v", "Int", _ => 1))
            .Mutation(m => m.Field("bump", "Int!", _ => 1))
            .Subscription(s => s
                .Field("count", "Int!", f => f.Argument("to", "Int!").Subscribe(ctx => Count(ctx.Argument<int>("to"), ctx.CancellationToken)))
                .Field("forever", "Int!", f => f.Subscribe(ctx => Forever(ctx.CancellationToken)))),
            options =>
            {
                options.PersistedDocuments = Store;
                options.MaxDocumentBytes = 2_000;
                options.Execution.MaxDepth = 5;
                options.GraphiQLAssetBaseUrl = "/assets/graphiql";
                options.GraphiQLImportMap["react"] = "/custom/react.mjs";
            });
        _app = builder.Build();
        _app.MapGraphQL("/graphql");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address + "/");
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}

public sealed class HttpTests(GraphQLServerFixture server) : IClassFixture<GraphQLServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body)> PostAsync(string json, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await server.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task PostJsonReturnsGraphQLResponseJson()
    {
        var (status, media, body) = await PostAsync("""{"query":"query Q($n: String) { hello(name: $n) }","variables":{"n":"Ada"},"operationName":"Q"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/graphql-response+json", media);
        Assert.Equal("Hello Ada", body.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task ParseAndValidationErrorsAre400WithGraphQLResponseJsonButLegacy200()
    {
        var (status, _, body) = await PostAsync("""{"query":"{ hello "}""", "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Syntax Error", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("data", out _));
        var (status2, media2, body2) = await PostAsync("""{"query":"{ nope }"}""", "application/json");
        Assert.Equal(HttpStatusCode.OK, status2);
        Assert.Equal("application/json", media2);
        Assert.Equal("Cannot query field \"nope\" on type \"Query\".", body2.GetProperty("errors")[0].GetProperty("message").GetString());
        var (status3, _, _) = await PostAsync("""{"query":"{ nope }"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status3);
    }

    [Fact]
    public async Task MalformedRequestsAreRejected()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("not json")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("""{"query": 5}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("""{"query":"{ hello }","variables":[1]}""")).Status);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await PostAsync("""{"query":"{ hello }"}""", "text/xml")).Status);
        using var wrongType = new StringContent("{ hello }", Encoding.UTF8, "text/plain");
        using var response = await server.Http.PostAsync("graphql", wrongType, Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var big = "{ " + string.Concat(Enumerable.Repeat("hello ", 500)) + "}";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(JsonSerializer.Serialize(new { query = big }))).Status);
    }

    [Fact]
    public async Task GetRunsQueriesButNotMutations()
    {
        using var ok = await server.Http.GetAsync("graphql?query=" + Uri.EscapeDataString("{ hello }"), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("Hello world", await ok.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var mutation = await server.Http.GetAsync("graphql?query=" + Uri.EscapeDataString("mutation { bump }"), Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, mutation.StatusCode);
        Assert.Equal("POST", mutation.Content.Headers.Allow.Single());
        using var vars = await server.Http.GetAsync("graphql?query=" + Uri.EscapeDataString("query ($n: String) { hello(name: $n) }") + "&variables=" + Uri.EscapeDataString("""{"n":"Bob"}"""), Ct);
        Assert.Contains("Hello Bob", await vars.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolverExceptionsDoNotLeakOutsideDevelopment()
    {
        var (status, _, body) = await PostAsync("""{"query":"{ secret hello }"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var text = body.GetRawText();
        Assert.DoesNotContain("leaked", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal("Unexpected Execution Error", body.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal("Hello world", body.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task DepthLimitFromOptionsApplies()
    {
        var (status, _, body) = await PostAsync("""{"query":"{ deep { deep { deep { deep { deep { deep { v } } } } } } }"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Query depth exceeds the maximum allowed depth of 5.", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task PersistedDocumentsByHash()
    {
        var hash = server.Store.Register("{ hello(name: \"persisted\") }");
        var (status, _, body) = await PostAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = hash } } }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello persisted", body.GetProperty("data").GetProperty("hello").GetString());
        var (_, _, missing) = await PostAsync("""{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000"}}}""");
        Assert.Equal("PersistedQueryNotFound", missing.GetProperty("errors")[0].GetProperty("message").GetString());
        // Automatic registration: send the document with its hash once, then the hash alone works.
        const string doc = "{ hello(name: \"apq\") }";
        var apqHash = InMemoryPersistedDocumentStore.Hash(doc);
        await PostAsync(JsonSerializer.Serialize(new { query = doc, extensions = new { persistedQuery = new { version = 1, sha256Hash = apqHash } } }));
        var (_, _, again) = await PostAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = apqHash } } }));
        Assert.Equal("Hello apq", again.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task BrowsersGetGraphiQLFromTheConfiguredAssetBase()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "graphql");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await server.Http.SendAsync(request, Ct);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"graphiql\":\"/assets/graphiql/graphiql.js\"", html, StringComparison.Ordinal);
        Assert.Contains("\"react\":\"/custom/react.mjs\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/assets/graphiql/graphiql.css\"", html, StringComparison.Ordinal);
        Assert.Contains("createGraphiQLFetcher({ url: new URL(\"/graphql\", location.href).href })", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientReturnsTypedDataAndErrors()
    {
        var client = new GraphQLHttpClient(server.Http, new Uri("graphql", UriKind.Relative));
        var hello = await client.QueryAsync<string>("query ($n: String) { hello(name: $n) }", new { n = "typed" }, "hello", cancellationToken: Ct);
        Assert.Equal("Hello typed", hello);
        var response = await client.SendAsync("{ nope }", cancellationToken: Ct);
        Assert.True(response.HasErrors);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(new GraphQLClientLocation(1, 3), response.Errors[0].Locations![0]);
        var ex = await Assert.ThrowsAsync<GraphQLClientException>(() => client.QueryAsync<string>("{ secret }", property: "secret", cancellationToken: Ct));
        Assert.Equal("Unexpected Execution Error", ex.Message);
    }

    [Fact]
    public async Task SubscriptionsStreamAsServerSentEvents()
    {
        var client = new GraphQLHttpClient(server.Http, new Uri("graphql", UriKind.Relative));
        var values = new List<int>();
        await foreach (var r in client.SubscribeAsync("subscription { count(to: 3) }", cancellationToken: Ct))
            values.Add(r.GetData<int>("count"));
        Assert.Equal([1, 2, 3], values);

        // The raw stream follows graphql-sse: "event: next" lines then "event: complete".
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = new StringContent("""{"query":"subscription { count(to: 1) }"}""", Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await server.Http.SendAsync(request, Ct);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal("event: next\ndata: {\"data\":{\"count\":1}}\n\nevent: complete\ndata:\n\n", raw);
    }

    [Fact]
    public async Task SubscriptionsOverGetAndErrorsInStreams()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "graphql?query=" + Uri.EscapeDataString("subscription { count(to: 2) }"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await server.Http.SendAsync(request, Ct);
        Assert.Equal("event: next\ndata: {\"data\":{\"count\":1}}\n\nevent: next\ndata: {\"data\":{\"count\":2}}\n\nevent: complete\ndata:\n\n",
            await response.Content.ReadAsStringAsync(Ct));

        // Validation errors are reported inside the stream (as graphql-sse does); syntax errors are a 400.
        using var invalid = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = new StringContent("""{"query":"subscription { nope }"}""", Encoding.UTF8, "application/json") };
        invalid.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var invalidResponse = await server.Http.SendAsync(invalid, Ct);
        var text = await invalidResponse.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("event: next\ndata: {\"errors\":[{\"message\":\"Cannot query field", text, StringComparison.Ordinal);
        Assert.EndsWith("event: complete\ndata:\n\n", text, StringComparison.Ordinal);
        using var syntax = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = new StringContent("""{"query":"subscription {"}""", Encoding.UTF8, "application/json") };
        syntax.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var syntaxResponse = await server.Http.SendAsync(syntax, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, syntaxResponse.StatusCode);
    }

    [Fact]
    public async Task ClosingTheEventStreamDisposesTheSourceStream()
    {
        var client = new GraphQLHttpClient(server.Http, new Uri("graphql", UriKind.Relative));
        var received = 0;
        // Leaving the loop disposes the enumerator, which closes the HTTP response (the client going away).
        await foreach (var r in client.SubscribeAsync("subscription { forever }", cancellationToken: Ct))
        {
            Assert.Equal(received, r.GetData<int>("forever"));
            if (++received == 3) break;
        }
        Assert.Equal(3, received);
        await server.ForeverDisposed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(server.ForeverDisposed.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RealGraphQLSseClientReceivesEvents()
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeOracle.ConformanceDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("sse-client.js");
        psi.ArgumentList.Add(new Uri(server.BaseAddress, "graphql").ToString());
        psi.ArgumentList.Add("subscription { count(to: 3) }");
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, error);
        Assert.Equal("""[{"data":{"count":1}},{"data":{"count":2}},{"data":{"count":3}}]""", output);
    }
}

public sealed class ClientRegistrationTests(GraphQLServerFixture server) : IClassFixture<GraphQLServerFixture>
{
    [Fact]
    public async Task TypedClientFromDependencyInjectionTalksToTheServer()
    {
        var services = new ServiceCollection();
        services.AddGraphQLHttpClient(new Uri(server.BaseAddress, "graphql"));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<GraphQLHttpClient>();
        Assert.Equal("Hello DI", await client.QueryAsync<string>("{ hello(name: \"DI\") }", property: "hello", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGraphQLHttpClient(new Uri("graphql", UriKind.Relative)));
    }
}

public class TrustedDocumentsTests
{
    [Fact]
    public async Task OnlyRegisteredDocumentsRunAndContextFactoryFeedsResolvers()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryPersistedDocumentStore();
        var hash = store.Register("{ tenant }");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddGraphQL(s => s.Query(q => q.Field("tenant", "String", ctx => ctx.ContextData["tenant"])), o =>
        {
            o.PersistedDocuments = store;
            o.AllowArbitraryDocuments = false;
            o.ContextFactory = http => new Dictionary<string, object?> { ["tenant"] = http.Request.Headers["X-Tenant"].ToString() };
        });
        await using var app = builder.Build();
        app.MapGraphQL();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/") };
        http.DefaultRequestHeaders.Add("X-Tenant", "acme");

        using var arbitrary = await http.PostAsync("graphql", new StringContent("""{"query":"{ tenant }"}""", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, arbitrary.StatusCode);
        Assert.Contains("Only persisted documents are accepted.", await arbitrary.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        var body = JsonSerializer.Serialize(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = hash } } });
        using var persisted = await http.PostAsync("graphql", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        Assert.Equal("""{"data":{"tenant":"acme"}}""", await persisted.Content.ReadAsStringAsync(ct));

        // A new document with a matching hash is not registered automatically in trusted mode.
        var sneaky = JsonSerializer.Serialize(new { query = "{ __typename }", extensions = new { persistedQuery = new { version = 1, sha256Hash = InMemoryPersistedDocumentStore.Hash("{ __typename }") } } });
        using var sneakyResponse = await http.PostAsync("graphql", new StringContent(sneaky, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, sneakyResponse.StatusCode);
        Assert.DoesNotContain("\"data\"", await sneakyResponse.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        var again = JsonSerializer.Serialize(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = InMemoryPersistedDocumentStore.Hash("{ __typename }") } } });
        using var againResponse = await http.PostAsync("graphql", new StringContent(again, Encoding.UTF8, "application/json"), ct);
        Assert.Contains("PersistedQueryNotFound", await againResponse.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }
}
