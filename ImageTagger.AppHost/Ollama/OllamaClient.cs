using System.Net.Http.Json;
using System.Text.Json;

namespace ImageTagger.AppHost.Ollama;

/// <summary>The three Ollama calls the AppHost makes (is it there, which models, pull one); never throws for "not there".</summary>
internal static class OllamaClient
{
    private static readonly HttpClient s_http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<bool> AnswersAsync(Uri server, CancellationToken cancellationToken) =>
        await ListModelsAsync(server, cancellationToken) is not null;

    /// <summary>Installed model names (name and id forms), or null when nothing answers.</summary>
    public static async Task<IReadOnlyCollection<string>?> ListModelsAsync(Uri server, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var document = await s_http.GetFromJsonAsync<JsonDocument>(new Uri(server, "/api/tags"), timeout.Token);
            if (document is null || !document.RootElement.TryGetProperty("models", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. list.EnumerateArray()
                .SelectMany(m => new[] { m.TryGetProperty("name", out var n) ? n.GetString() : null, m.TryGetProperty("model", out var id) ? id.GetString() : null })
                .OfType<string>()];
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    public static async Task PullAsync(Uri server, string model, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s_http.PostAsJsonAsync(new Uri(server, "/api/pull"), new { model, stream = false }, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // The next health check sees the model still missing and reports it.
        }
    }

    /// <summary>"nomic-embed-text" is installed as "nomic-embed-text:latest".</summary>
    public static bool HasModel(IReadOnlyCollection<string> installed, string model) =>
        installed.Contains(model, StringComparer.OrdinalIgnoreCase) ||
        (!model.Contains(':', StringComparison.Ordinal) && installed.Contains(model + ":latest", StringComparer.OrdinalIgnoreCase));
}
