using System.Runtime.CompilerServices;
using ImageTagger.GraphQL.Client;

namespace ImageTagger.Web.Api;

/// <summary>
/// The Api's subscriptions (GraphQL over SSE, through the client library) on the named streaming client, which has no
/// request timeout. Transport failures surface as they are (callers decide whether to reconnect); GraphQL errors throw.
/// </summary>
public sealed class ApiSubscriptions(IHttpClientFactory clients)
{
    /// <summary>Where the streams go (for logs).</summary>
    public Uri? Address => clients.CreateClient(WebServiceExtensions.StreamClient).BaseAddress;

    /// <summary>A crawl job now, then whenever its state or progress changes; ends when the crawl finishes or is deleted.</summary>
    public IAsyncEnumerable<CrawlJob> CrawlJobUpdatesAsync(string id, CancellationToken cancellationToken) =>
        SubscribeAsync<CrawlJob>(
            $"subscription CrawlJobUpdated($id: ID!) {{ crawlJobUpdated(id: $id) {{ {ImageTaggerApiClient.CrawlJobFields} }} }}",
            new { id },
            "crawlJobUpdated",
            cancellationToken);

    /// <summary>Yields <paramref name="field"/> of each event until the Api completes the stream.</summary>
    public async IAsyncEnumerable<T> SubscribeAsync<T>(string query, object? variables, string field, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = new GraphQLHttpClient(clients.CreateClient(WebServiceExtensions.StreamClient), new Uri("graphql", UriKind.Relative));
        await foreach (var response in client.SubscribeAsync(query, variables, cancellationToken: cancellationToken))
        {
            if (response.HasErrors)
            {
                throw new GraphQLClientException(response);
            }

            if (response.GetData<T>(field) is { } value)
            {
                yield return value;
            }
        }
    }
}
