using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTagger.ServiceDefaults.Tests;

public sealed class ServiceDefaultsTests
{
    /// <summary>An OTLP/HTTP receiver on loopback that records what it is sent.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        public ConcurrentQueue<(string Path, string ContentType, byte[] Body)> Received { get; } = new();

        public string Url { get; }

        private OtlpReceiver(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            OtlpReceiver? receiver = null;
            app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                receiver!.Received.Enqueue((http.Request.Path, http.Request.ContentType ?? "", body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            receiver = new OtlpReceiver(app, app.Urls.First());
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task Every_service_exports_traces_metrics_and_logs_over_OTLP_and_answers_health_and_alive()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await OtlpReceiver.StartAsync();
        // As a real service gets them: in its environment before it starts.
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Url);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        Environment.SetEnvironmentVariable("OTEL_SERVICE_NAME", "defaults-test-service");
        Environment.SetEnvironmentVariable("OTEL_BSP_SCHEDULE_DELAY", "200");
        Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", "500");
        Environment.SetEnvironmentVariable("OTEL_BLRP_SCHEDULE_DELAY", "200");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        using var source = new ActivitySource("ImageTagger.Tests");
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/work", (ILogger<ServiceDefaultsTests> logger) =>
        {
            using var activity = source.StartActivity("custom work");
            logger.LogInformation("did some work for {Who}", "the test");
            return "ok";
        });
        await app.StartAsync(ct);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", ct)).StatusCode);
            Assert.Equal("ok", await http.GetStringAsync("/work", ct));

            var deadline = DateTime.UtcNow.AddSeconds(20);
            // Batches arrive on their own schedules: wait for the ones that carry this request's span and log.
            bool Has(string path, string text) => receiver.Received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));
            while (DateTime.UtcNow < deadline && !(Has("/v1/traces", "custom work") && Has("/v1/logs", "did some work") && receiver.Received.Any(r => r.Path == "/v1/metrics")))
            {
                await Task.Delay(100, ct);
            }
        }
        finally
        {
            await app.StopAsync(ct);
            foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_BLRP_SCHEDULE_DELAY" })
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        var traces = receiver.Received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, t => Assert.Equal("application/x-protobuf", t.ContentType));
        var traceBytes = traces.SelectMany(t => t.Body).ToArray();
        Assert.Contains("defaults-test-service", Encoding.UTF8.GetString(traceBytes), StringComparison.Ordinal);
        Assert.Contains("custom work", Encoding.UTF8.GetString(traceBytes), StringComparison.Ordinal);
        Assert.Contains(receiver.Received, r => r.Path == "/v1/metrics");
        Assert.True(receiver.Received.Any(r => r.Path == "/v1/logs" && Encoding.UTF8.GetString(r.Body).Contains("did some work", StringComparison.Ordinal)), "paths: " + string.Join(",", receiver.Received.Select(r => r.Path).Distinct()));
    }

    [Fact]
    public async Task An_HttpClient_reaches_a_service_by_name_through_the_services_configuration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = WebApplication.CreateSlimBuilder().Build();
        api.Urls.Add("http://127.0.0.1:0");
        api.MapGet("/who", () => "the api");
        await api.StartAsync(ct);
        var builder = Host.CreateApplicationBuilder();
        // As Aspire's WithReference(api) sets it: services__api__http__0.
        builder.Configuration["services:api:http:0"] = api.Urls.First();
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("to-api", http => http.BaseAddress = new Uri("https+http://api"));
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("to-api");

        Assert.Equal("the api", await client.GetStringAsync(new Uri("/who", UriKind.Relative), ct));
    }

    [Fact]
    public void The_client_factory_logs_no_per_request_information_lines()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.to-api.LogicalHandler").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.to-api.ClientHandler").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("System.Net.Http.HttpClient.to-api.ClientHandler").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("ImageTagger.Web").IsEnabled(LogLevel.Information));
    }
}
