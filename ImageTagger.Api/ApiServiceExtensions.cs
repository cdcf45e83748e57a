using ImageTagger.Ai.Offline;
using System.Net;
using ImageTagger.Ai;
using ImageTagger.Api.Crawl;
using ImageTagger.Api.Folders;
using ImageTagger.Api.GraphQL;
using ImageTagger.Api.Images;
using ImageTagger.Api.Progress;
using ImageTagger.Api.Search;
using ImageTagger.Api.Security;
using ImageTagger.Api.Settings;
using ImageTagger.Api.Tags;
using ImageTagger.Catalog;
using ImageTagger.GraphQL.AspNetCore;
using ImageTagger.Imaging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api;

public static class ApiServiceExtensions
{
    public const string CorsPolicy = "imagetagger";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddCatalog();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOllamaAi(builder.Configuration);
        services.AddOfflineAi(builder.Configuration);
        services.AddImaging(builder.Configuration);
        services.AddSingleton(new ThumbnailStore(builder.Configuration["Storage:ThumbnailRoot"] ?? Path.Combine(Path.GetTempPath(), "imagetagger", "thumbnails")));
        services.AddHostedService<Imaging.Privacy.ThumbnailCacheScrubber>();

        services.AddOptions<FolderOptions>().Bind(builder.Configuration.GetSection(FolderOptions.SectionName));
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName));
        services.AddOptions<GraphQLLimitsOptions>().Bind(builder.Configuration.GetSection(GraphQLLimitsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<Catalog.Crawling.CrawlOptions>().Bind(builder.Configuration.GetSection(Catalog.Crawling.CrawlOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Catalog.Crawling.CrawlJobStore>();
        services.AddScoped<CrawlService>();
        services.AddScoped<FolderService>();
        services.AddScoped<ImageService>();
        services.AddScoped<TagService>();
        services.AddScoped<SearchService>();
        services.AddSingleton<QueryEmbeddingBackOff>();
        services.AddScoped<Offline.OfflineAiService>();
        services.AddScoped<SettingsService>();
        services.AddSingleton<ProgressService>();
        services.AddSingleton<ProgressEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressEvents>());
        services.AddHostedService<RemoteAccessGuard>();

        var origins = builder.Configuration.GetSection($"{SecurityOptions.SectionName}:AllowedOrigins").Get<string[]>() ?? [];
        services.AddGraphQL((schema, _) => ApiSchema.Configure(schema), options =>
        {
            var limits = builder.Configuration.GetSection(GraphQLLimitsOptions.SectionName).Get<GraphQLLimitsOptions>() ?? new GraphQLLimitsOptions();
            options.Execution.MaxDepth = limits.MaxDepth;
            options.Execution.MaxAliases = limits.MaxAliases;
            options.Execution.MaxFields = limits.MaxFields;
            options.Execution.MaxComplexity = limits.MaxComplexity;
            options.Execution.Timeout = limits.Timeout;
            options.MaxDocumentBytes = limits.MaxDocumentBytes;
            options.ContextFactory = WriteAccess.CreateContext;
            options.WebSockets.MaxConnections = limits.MaxWebSocketConnections;
            options.WebSockets.MaxOperationsPerConnection = limits.MaxOperationsPerWebSocket;
            options.WebSockets.MaxMessageBytes = limits.MaxWebSocketMessageBytes;
            options.WebSockets.ConnectionInitTimeout = limits.WebSocketInitTimeout;
            options.WebSockets.OnConnectionInit = WriteAccess.CreateSocketContextAsync;
            foreach (var origin in origins)
            {
                options.WebSockets.AllowedOrigins.Add(origin);
            }

            // GraphiQL is served from wwwroot/graphiql (npm files copied at build); without them a browser
            // gets no page rather than a broken one.
            options.EnableGraphiQL = File.Exists(Path.Combine(builder.Environment.ContentRootPath, "wwwroot", "graphiql", "vendor", "graphiql.min.js"));
        });

        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().WithMethods("GET", "POST");
            }
        }));
        return builder;
    }

    public static WebApplication MapApiEndpoints(this WebApplication app)
    {
        app.UseCors(CorsPolicy);
        app.UseStaticFiles(); // GraphiQL's files under /graphiql
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }); // graphql-transport-ws on /graphql
        app.MapGraphQL("/graphql");
        app.MapImageEndpoints();
        app.MapProgressEndpoints();
        return app;
    }
}

/// <summary>
/// Refuses to serve beyond loopback without an API key, unless anonymous remote access was asked for:
/// a library of private photos must not be opened to a network by accident.
/// </summary>
internal sealed partial class RemoteAccessGuard(IServer server, IOptions<SecurityOptions> options, IHostApplicationLifetime lifetime, ILogger<RemoteAccessGuard> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var remote = addresses.Where(a => !IsLoopback(a)).ToList();
            if (remote.Count > 0 && string.IsNullOrEmpty(options.Value.ApiKey) && !options.Value.AllowAnonymousRemote)
            {
                LogRefused(logger, string.Join(", ", remote));
                lifetime.StopApplication();
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Refusing to serve on {Addresses} without an API key: set Security__ApiKey (or Security__AllowAnonymousRemote=true to accept the risk)")]
    private static partial void LogRefused(ILogger logger, string addresses);
}
