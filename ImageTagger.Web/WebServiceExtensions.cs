using ImageTagger.Web.Api;
using ImageTagger.Web.Media;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web;

public static class WebServiceExtensions
{
    public const string MediaClient = "api-media";
    public const string HealthClient = "api-health";

    /// <summary>The live progress stream (GraphQL over SSE): no timeout, it stays open.</summary>
    public const string StreamClient = "api-stream";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (builder is WebApplicationBuilder web)
        {
            // Serve wwwroot + the build's precompressed assets from a plain build output in any environment (no-op when published).
            web.WebHost.UseStaticWebAssets();
        }

        // Outside development, serve assets as published (precompressed, manifest ETags and cache headers) rather
        // than re-reading wwwroot on every request as the build manifest's hot-reload mode does.
        if (!builder.Environment.IsDevelopment())
        {
            builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        }

        // The prerender's [PersistentState] travels back to the server in the circuit's start message: a gallery or result
        // page of cards (with tags) is larger than SignalR's default 32 KiB limit, which closes the connection.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 512 * 1024);
        services.AddFluentUIComponents();
        services.AddAntiforgery();
        services.AddHttpContextAccessor();

        // Prerendered pages are compressed (static assets come precompressed from MapStaticAssets). Not over
        // HTTPS: pages carry antiforgery tokens (BREACH).
        services.AddResponseCompression(options => options.MimeTypes = ["text/html"]);

        services.AddOptions<ApiClientOptions>()
            .Configure<IConfiguration>(ApiClientOptions.Bind)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiClientOptions>, ApiClientOptionsValidator>();

        services.AddHttpClient<ImageTaggerApiClient>(ConfigureApi);
        var media = services.AddHttpClient(MediaClient, ConfigureApi)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        media.AddStandardResilienceHandler(o =>
        {
            // One quick retry: a browser is waiting for the image. Only safe methods are ever repeated.
            o.Retry.MaxRetryAttempts = 1;
            o.Retry.DisableForUnsafeHttpMethods();
        });
        services.AddHttpClient(HealthClient, ConfigureApi);
        services.AddHttpClient(StreamClient, ConfigureApi).ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ApiSubscriptions>();
        services.AddSingleton<ProgressFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressFeed>());
        services.AddHealthChecks().AddCheck<ApiHealthCheck>("api");
        return builder;
    }

    private static void ConfigureApi(IServiceProvider services, HttpClient http)
    {
        var options = services.GetRequiredService<IOptions<ApiClientOptions>>().Value;
        var baseAddress = options.BaseAddress!.ToString();
        http.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");
        http.Timeout = options.Timeout;
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
        }
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // Not for static assets: MapStaticAssets serves them precompressed, and wrapping those responses empties them.
        app.UseWhen(context => !Path.HasExtension(context.Request.Path.Value), branch => branch.UseResponseCompression());

        // Unknown addresses get the not-found page; only for GETs, so a rejected post keeps its own status (400).
        app.UseWhen(
            context => HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/media", StringComparison.Ordinal),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found"));
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
            await next(context);
        });
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }
}
