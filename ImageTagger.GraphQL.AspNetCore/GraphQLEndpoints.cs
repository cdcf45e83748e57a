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
            options.WebSockets.Validate();
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
        services.TryAddSingleton(sp => new GraphQLWebSocketHandler(sp.GetRequiredService<GraphQLExecutor>(), sp.GetRequiredService<GraphQLServerOptions>(),
            sp.GetService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<GraphQLWebSocketHandler>>()));
        // Options are validated at start, not at the first request.
        services.AddHostedService(sp => new GraphQLOptionsValidation(sp.GetRequiredService<GraphQLServerOptions>()));
        return services;
    }

    /// <summary>Registers the executor built from <paramref name="configureSchema"/> and the HTTP and WebSocket transports; map them with <see cref="MapGraphQL"/>.</summary>
    public static IServiceCollection AddGraphQL(this IServiceCollection services, Action<SchemaBuilder> configureSchema,
        Action<GraphQLServerOptions>? configureOptions = null) =>
        services.AddGraphQL((b, _) => configureSchema(b), configureOptions);

    /// <summary>
    /// Maps GET and POST on <paramref name="pattern"/> (GraphiQL is served on the same path to browsers); WebSocket
    /// upgrades there speak graphql-transport-ws when the host called <c>app.UseWebSockets()</c> first.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQL(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext context) => context.WebSockets.IsWebSocketRequest
                ? context.RequestServices.GetRequiredService<GraphQLWebSocketHandler>().HandleAsync(context)
                : context.RequestServices.GetRequiredService<GraphQLHttpHandler>().HandleAsync(context))
            .WithDisplayName("GraphQL " + pattern);
}

/// <summary>Builds the server options when the host starts, so that a bad limit stops the start.</summary>
internal sealed class GraphQLOptionsValidation(GraphQLServerOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        options.WebSockets.Validate();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static partial class GraphQLLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL resolver error at {Path}")]
    public static partial void ResolverError(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GraphQL WebSocket refused: the limit of {MaxConnections} connections is reached")]
    public static partial void WebSocketLimitReached(ILogger logger, int maxConnections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GraphQL WebSocket refused for origin {Origin}")]
    public static partial void WebSocketOriginRefused(ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GraphQL WebSocket connection_init refused")]
    public static partial void WebSocketForbidden(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GraphQL WebSocket closing with {Code}: {Reason}")]
    public static partial void WebSocketClosing(ILogger logger, int code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL WebSocket operation {Id} failed")]
    public static partial void WebSocketOperationFailed(ILogger logger, Exception exception, string id);

    /// <summary>Resolver exceptions are logged server-side (clients see only the message).</summary>
    public static void LogResolverErrors(ILogger logger, ExecutionResult result)
    {
        foreach (var e in result.Errors)
        {
            if (e.OriginalException is { } ex && ex is not GraphQLException)
                ResolverError(logger, ex, e.Path is null ? "" : string.Join('.', e.Path));
        }
    }
}
