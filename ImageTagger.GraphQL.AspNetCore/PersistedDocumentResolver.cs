using System.Text;
using ImageTagger.GraphQL.Language;
using Microsoft.AspNetCore.Http;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>
/// The document a request runs, after persisted documents (Apollo's <c>extensions.persistedQuery.sha256Hash</c>),
/// the trusted-documents switch and the size limit: one rule for HTTP and WebSocket.
/// </summary>
internal static class PersistedDocumentResolver
{
    /// <summary>The document to run, or the error to answer with (and the HTTP status, null for the media type's default).</summary>
    internal readonly record struct Resolution(string? Query, GraphQLError? Error, int? Status)
    {
        public static Resolution Fail(string message, int status) => new(null, new GraphQLError(message), status);
    }

    public static async ValueTask<Resolution> ResolveAsync(GraphQLServerOptions options, string? query,
        IReadOnlyDictionary<string, object?>? extensions, CancellationToken cancellationToken)
    {
        var hash = GetPersistedHash(extensions);
        if (hash is not null)
        {
            var stored = options.PersistedDocuments is null ? null : await options.PersistedDocuments.GetAsync(hash, cancellationToken);
            if (stored is null && query is null)
            {
                return new(null, new GraphQLError("PersistedQueryNotFound", (IReadOnlyList<SourceLocation>)[], null,
                    new Dictionary<string, object?> { ["code"] = "PERSISTED_QUERY_NOT_FOUND" }), null);
            }
            if (stored is null && !options.AllowArbitraryDocuments)
            {
                // Trusted-documents mode: a hash that is not registered cannot smuggle in its own document.
                return Resolution.Fail("Only persisted documents are accepted.", StatusCodes.Status400BadRequest);
            }
            if (stored is not null && query is not null && stored != query)
            {
                return Resolution.Fail("The document does not match its persisted hash.", StatusCodes.Status400BadRequest);
            }
            query = stored ?? query;
            if (stored is null && query is not null && options.PersistedDocuments is InMemoryPersistedDocumentStore mem
                && string.Equals(InMemoryPersistedDocumentStore.Hash(query), hash, StringComparison.OrdinalIgnoreCase))
            {
                mem.Register(query); // automatic persisted queries: the next request may send the hash alone
            }
        }
        else if (!options.AllowArbitraryDocuments)
        {
            return Resolution.Fail("Only persisted documents are accepted.", StatusCodes.Status400BadRequest);
        }

        if (query is not null && Encoding.UTF8.GetByteCount(query) > options.MaxDocumentBytes)
        {
            return Resolution.Fail($"The document exceeds the maximum size of {options.MaxDocumentBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        return new(query, null, null);
    }

    /// <summary>Whether the request names a persisted document.</summary>
    public static bool HasPersistedHash(IReadOnlyDictionary<string, object?>? extensions) => GetPersistedHash(extensions) is not null;

    private static string? GetPersistedHash(IReadOnlyDictionary<string, object?>? extensions) =>
        extensions?.GetValueOrDefault("persistedQuery") is IDictionary<string, object?> pq && pq.TryGetValue("sha256Hash", out var hv) && hv is string h ? h : null;
}
