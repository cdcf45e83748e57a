namespace ImageTagger.AppHost.Processes;

/// <summary>Polls <c>GET url/health</c> until it answers 200.</summary>
internal sealed class HealthProbe(HttpClient http)
{
    public async Task<bool> IsHealthyAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await http.GetAsync(new Uri(url, path), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
