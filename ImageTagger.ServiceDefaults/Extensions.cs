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
            logging.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName));
            if (exportOtlp)
            {
                logging.AddOtlpExporter();
            }
        });

        // The OpenTelemetry hosting/instrumentation packages do not restore here; ASP.NET Core, HttpClient
        // and Npgsql publish their spans and metrics natively, so listening to their sources is enough.
        builder.Services.AddSingleton(_ => OpenTelemetrySdk.Create(otel =>
        {
            otel.ConfigureResource(resource => resource.AddService(serviceName));
            otel.WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.AspNetCore", "System.Net.Http", "Npgsql", TelemetryPrefix + ".*");
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
            otel.WithMetrics(metrics =>
            {
                metrics.AddMeter(
                    "Microsoft.AspNetCore.Hosting",
                    "Microsoft.AspNetCore.Server.Kestrel",
                    "System.Net.Http",
                    "System.Runtime",
                    "Npgsql",
                    TelemetryPrefix + ".*");
                if (exportOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }));
        builder.Services.AddHostedService<OpenTelemetrySdkStarter>();
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

/// <summary>Creates the SDK (and so its listeners) when the host starts, and flushes it when the host stops.</summary>
internal sealed class OpenTelemetrySdkStarter(OpenTelemetrySdk sdk) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sdk.TracerProvider.ForceFlush(2000);
        sdk.MeterProvider.ForceFlush(2000);
        return Task.CompletedTask;
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
