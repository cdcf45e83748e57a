using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every ImageTagger service gets, in the shape of Aspire's ServiceDefaults template: OpenTelemetry
/// (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set), /health and /alive, and service discovery for every HttpClient
/// (<c>http://api</c> resolves through <c>services:api:http:0</c>).
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Our own ActivitySources and Meters are all named "ImageTagger.*".</summary>
    public const string TelemetryPrefix = "ImageTagger";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        // The template also adds the standard resilience handler to every client here. Ours opt in per client
        // (AddStandardResilienceHandler): the Ollama clients wait minutes for a model by design, which the standard
        // 10 s attempt timeout would cut.
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        // The client factory logs three Information lines per request; keep the console for what matters.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // One provider per signal in the host, as Aspire's template has it, so the client integrations' own
        // instrumentation (Aspire.Npgsql adds Npgsql's) lands in the same exporter. ASP.NET Core and HttpClient
        // publish their spans and metrics natively: listening to their sources is enough.
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", "System.Net.Http", "Npgsql", TelemetryPrefix + ".*"))
            .WithMetrics(metrics => metrics.AddMeter(
                "Microsoft.AspNetCore.Hosting",
                "Microsoft.AspNetCore.Server.Kestrel",
                "System.Net.Http",
                "System.Runtime",
                "Npgsql",
                TelemetryPrefix + ".*"));
        if (exportOtlp)
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>/health: ready (every check, incl. the database); /alive: the process answers.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}

/// <summary>Shared telemetry primitives for a service's own spans and counters.</summary>
public sealed class ServiceTelemetry(string name) : IDisposable
{
    public ActivitySource ActivitySource { get; } = new($"{ServiceDefaultsExtensions.TelemetryPrefix}.{name}");
    public Meter Meter { get; } = new($"{ServiceDefaultsExtensions.TelemetryPrefix}.{name}");

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
