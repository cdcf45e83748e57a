using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>Registration and endpoint mapping.</summary>
public static class GraphQLServiceCollectionExtensions
{
    /// <summary>Registers the schema (built once, at first use) and the server options.</summary>
    public static IServiceCollection AddGraphQL(this IServiceCollection services, Action<SchemaBuilder, IServiceProvider> configureSchema,
        Action<GraphQLServerOptions>? configureOptions = null)
    {
        services.TryAddSingleton(sp =>
        {
            var options = new GraphQLServerOptions();
            // Stack traces only in Development; the host can still override in configureOptions.
            options.Execution.IncludeExceptionDetails = sp.GetService<IHostEnvironment>()?.IsDevelopment() ?? false;
            configureOptions?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp =>
        {
            var builder = new SchemaBuilder();
            configureSchema(builder, sp);
            return builder.Build();
        });
        services.TryAddSingleton(sp => new GraphQLExecutor(sp.GetRequiredService<Schema>(), sp.GetRequiredService<GraphQLServerOptions>().Execution));
        services.TryAddSingleton<GraphQLHttpHandler>();
        return services;
    }

    public static IServiceCollection AddGraphQL(this IServiceCollection services, Action<SchemaBuilder> configureSchema,
        Action<GraphQLServerOptions>? configureOptions = null) =>
        services.AddGraphQL((b, _) => configureSchema(b), configureOptions);

    /// <summary>Maps GET and POST on <paramref name="pattern"/> (GraphiQL is served on the same path to browsers).</summary>
    public static IEndpointConventionBuilder MapGraphQL(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext context) => context.RequestServices.GetRequiredService<GraphQLHttpHandler>().HandleAsync(context))
            .WithDisplayName("GraphQL " + pattern);
}

internal static partial class GraphQLLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL resolver error at {Path}")]
    public static partial void ResolverError(ILogger logger, Exception exception, string path);
}
