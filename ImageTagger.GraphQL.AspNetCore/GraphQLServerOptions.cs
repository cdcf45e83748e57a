using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ImageTagger.GraphQL.Execution;
using Microsoft.AspNetCore.Http;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>HTTP transport settings (GraphQL-over-HTTP) plus the engine's execution limits.</summary>
public sealed class GraphQLServerOptions
{
    /// <summary>Engine limits: depth, aliases, fields, complexity, timeout, introspection...</summary>
    public ExecutionOptions Execution { get; } = new();
    /// <summary>Largest accepted request body (POST) or query string (GET), in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 1_000_000;
    /// <summary>Largest accepted GraphQL document, in UTF-8 bytes.</summary>
    public int MaxDocumentBytes { get; set; } = 100_000;
    /// <summary>Serve GraphiQL to browsers (GET with <c>Accept: text/html</c>).</summary>
    public bool EnableGraphiQL { get; set; } = true;
    /// <summary>Where the host serves GraphiQL's ES modules and graphiql.css (see <see cref="GraphiQLPage.DefaultModules"/>).</summary>
    public string GraphiQLAssetBaseUrl { get; set; } = "/graphiql";
    /// <summary>Import map entries replacing the defaults (e.g. <c>["react"] = "/lib/react.mjs"</c>).</summary>
    public IDictionary<string, string> GraphiQLImportMap { get; } = new Dictionary<string, string>();
    /// <summary>Optional store of documents registered by SHA-256 hash (persisted queries).</summary>
    public IPersistedDocumentStore? PersistedDocuments { get; set; }
    /// <summary>When false, only documents from <see cref="PersistedDocuments"/> are executed (trusted documents).</summary>
    public bool AllowArbitraryDocuments { get; set; } = true;
    /// <summary>Keep-alive comment interval for server-sent event streams.</summary>
    public TimeSpan SseKeepAlive { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Per-request context data for resolvers (e.g. the user); runs once per request.</summary>
    public Func<HttpContext, IDictionary<string, object?>>? ContextFactory { get; set; }
    /// <summary>The graphql-transport-ws transport (needs <c>app.UseWebSockets()</c> before <c>MapGraphQL</c>).</summary>
    public GraphQLWebSocketOptions WebSockets { get; } = new();
}

/// <summary>Looks up GraphQL documents by their SHA-256 hash (hex, lower case).</summary>
public interface IPersistedDocumentStore
{
    /// <summary>The document registered under <paramref name="sha256Hash"/> (lower-case hex SHA-256 of its UTF-8 text), or null.</summary>
    ValueTask<string?> GetAsync(string sha256Hash, CancellationToken cancellationToken);
}

/// <summary>Thread-safe in-memory persisted document store.</summary>
public sealed class InMemoryPersistedDocumentStore : IPersistedDocumentStore
{
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers a document and returns its hash.</summary>
    public string Register(string document)
    {
        var hash = Hash(document);
        _documents[hash] = document;
        return hash;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string sha256Hash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_documents.GetValueOrDefault(sha256Hash));

    /// <summary>The lower-case hex SHA-256 of <paramref name="document"/>'s UTF-8 bytes: the hash clients send.</summary>
    public static string Hash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
