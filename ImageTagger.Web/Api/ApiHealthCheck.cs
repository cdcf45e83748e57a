using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageTagger.Web.Api;

/// <summary>Readiness (/health) includes the Api: without it the Web can only show error banners. /alive stays the process alone.</summary>
internal sealed class ApiHealthCheck(IHttpClientFactory clients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var response = await clients.CreateClient(WebServiceExtensions.HealthClient).GetAsync("alive", timeout.Token);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The Api answered {(int)response.StatusCode} on /alive.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Api cannot be reached.", ex);
        }
    }
}
