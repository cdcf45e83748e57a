using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.GraphQL.Client;

/// <summary>Registers <see cref="GraphQLHttpClient"/> with the HTTP client factory.</summary>
public static class GraphQLClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GraphQLHttpClient"/> as a typed HTTP client for the GraphQL endpoint at <paramref name="endpoint"/>
    /// (absolute, e.g. <c>http://api/graphql</c>); the returned builder can add handlers or resilience.
    /// </summary>
    public static IHttpClientBuilder AddGraphQLHttpClient(this IServiceCollection services, Uri endpoint)
    {
        if (!endpoint.IsAbsoluteUri) throw new ArgumentException("The GraphQL endpoint must be an absolute URI.", nameof(endpoint));
        return services.AddHttpClient(nameof(GraphQLHttpClient), http => http.BaseAddress = endpoint)
            .AddTypedClient(http => new GraphQLHttpClient(http, endpoint));
    }
}
