using System.Net.Http.Json;
using System.Text.Json;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Api.Tests;

/// <summary>
/// The real Api (WebApplicationFactory over its Program) on a fresh database, with a loopback Ollama
/// server, an allowed root folder and a thumbnail folder of its own.
/// </summary>
public class ApiFixture : CatalogDatabase
{
    public LoopbackOllamaServer Ollama { get; private set; } = null!;
    public TempImageDirectory Root { get; } = new("it-root-");
    public TempImageDirectory Thumbnails { get; } = new("it-thumbs-");
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Ollama = await LoopbackOllamaServer.StartAsync();
        Factory = CreateFactory();
        Client = Factory.CreateClient();
    }

    /// <summary>Another Api over the same database, folders and settings (a restart, or a second instance).</summary>
    public WebApplicationFactory<Program> CreateFactory() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Development");
        web.UseSetting("ConnectionStrings:imagetagger", ConnectionString);
        web.UseSetting("Embedding:Dimensions", EmbeddingDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        web.UseSetting("Ollama:Url", Ollama.Url.ToString());
        web.UseSetting("Ollama:VisionModel", "llava:7b");
        web.UseSetting("Ollama:MaxRetries", "0");
        web.UseSetting("Folders:AllowedRoots:0", Root.Path);
        web.UseSetting("Storage:ThumbnailRoot", Thumbnails.Path);
        web.UseSetting("Search:MinSimilarity", "0.2");
    });

    public override async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Ollama.DisposeAsync();
        Root.Dispose();
        Thumbnails.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>
    /// Runs <paramref name="body"/> while the loopback Ollama fails every embedding request; after, the model answers
    /// again and this Api's back-off is cleared, so the next search asks it straight away.
    /// </summary>
    public async Task WhileEmbeddingIsDownAsync(Func<Task> body)
    {
        var backOff = Factory.Services.GetRequiredService<Search.QueryEmbeddingBackOff>();
        backOff.Reset();
        Ollama.FailAlways(LoopbackEndpoint.Embed, LoopbackFault.Status(500, "embedding runner crashed"));
        try
        {
            await body();
        }
        finally
        {
            Ollama.FailAlways(LoopbackEndpoint.Embed, null);
            backOff.Reset();
        }
    }

    /// <summary>POSTs a GraphQL request and returns the whole response document.</summary>
    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null, CancellationToken ct = default)
    {
        using var response = await Client.PostAsJsonAsync("/graphql", new { query, variables }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>The data of a request that must succeed without errors.</summary>
    public async Task<JsonElement> DataAsync(string query, object? variables = null, CancellationToken ct = default)
    {
        var result = await GraphQLAsync(query, variables, ct);
        Assert.False(result.TryGetProperty("errors", out var errors), $"unexpected errors: {errors}");
        return result.GetProperty("data");
    }
}
