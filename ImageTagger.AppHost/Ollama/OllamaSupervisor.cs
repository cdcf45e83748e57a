using System.Net.Http.Json;
using System.Text.Json;
using ImageTagger.AppHost.Output;
using ImageTagger.AppHost.Processes;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Ollama;

internal enum OllamaAvailability
{
    /// <summary>Answers, and has every configured model.</summary>
    Ready,

    /// <summary>Answers, but a configured model is missing.</summary>
    ModelMissing,

    /// <summary>Nothing answers.</summary>
    Unavailable,
}

internal sealed record OllamaStatus(OllamaAvailability Availability, string? Version, IReadOnlyList<string> MissingModels, bool StartedByUs);

/// <summary>
/// Ollama is external: we only look at the configured URL, start <c>ollama serve</c> when nothing answers and the
/// binary is on PATH, and say clearly what AI will not do. Everything else runs either way; AI jobs wait in the queue.
/// </summary>
internal sealed class OllamaSupervisor(AppHostOptions options, HttpClient http, ILogger logger) : IDisposable
{
    private ChildProcess? _serve;

    public int? Pid => _serve is { HasExited: false } serve ? serve.Pid : null;

    public async Task<OllamaStatus> EnsureAsync(CancellationToken cancellationToken)
    {
        var version = await GetVersionAsync(cancellationToken);
        var startedByUs = false;
        if (version is null && options.StartOllama && FindOnPath("ollama") is { } binary && IsLoopback(options.OllamaUrl))
        {
            Log.OllamaStarting(logger, binary, options.OllamaUrl);
            var environment = new Dictionary<string, string> { ["OLLAMA_HOST"] = $"{options.OllamaUrl.Host}:{options.OllamaUrl.Port}" };
            try
            {
                _serve = ChildProcess.Start(new LaunchCommand(binary, ["serve"], options.DataDir), environment, (line, isError) => LogPrinter.Write("ollama", line, isError));
                startedByUs = true;
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Log.OllamaStartFailed(logger, binary, ex.Message);
            }

            // Ollama answers within a second or two; a loaded machine gets more time.
            for (var i = 0; i < 120 && version is null && _serve is { HasExited: false }; i++)
            {
                await Task.Delay(250, cancellationToken);
                version = await GetVersionAsync(cancellationToken);
            }
        }

        if (version is null)
        {
            Log.OllamaUnavailable(logger, options.OllamaUrl);
            return new(OllamaAvailability.Unavailable, null, [options.VisionModel, options.EmbeddingModel], startedByUs);
        }

        var installed = await GetModelsAsync(cancellationToken);
        var missing = new[] { options.VisionModel, options.EmbeddingModel }.Where(m => !HasModel(installed, m)).Distinct().ToList();
        foreach (var model in missing)
        {
            Log.OllamaModelMissing(logger, model, options.OllamaUrl);
        }

        if (missing.Count == 0)
        {
            Log.OllamaReady(logger, options.OllamaUrl, version, options.VisionModel, options.EmbeddingModel);
        }

        return new(missing.Count == 0 ? OllamaAvailability.Ready : OllamaAvailability.ModelMissing, version, missing, startedByUs);
    }

    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (_serve is not null)
        {
            await _serve.StopAsync(grace, cancellationToken);
        }
    }

    public void Dispose() => _serve?.Dispose();

    /// <summary>"nomic-embed-text" is installed as "nomic-embed-text:latest".</summary>
    internal static bool HasModel(IReadOnlyCollection<string> installed, string model) =>
        installed.Contains(model, StringComparer.OrdinalIgnoreCase) ||
        (!model.Contains(':', StringComparison.Ordinal) && installed.Contains(model + ":latest", StringComparer.OrdinalIgnoreCase));

    private async Task<string?> GetVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var document = await http.GetFromJsonAsync<JsonDocument>(new Uri(options.OllamaUrl, "/api/version"), timeout.Token);
            return document?.RootElement.TryGetProperty("version", out var v) == true ? v.GetString() ?? "?" : "?";
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private async Task<IReadOnlyCollection<string>> GetModelsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var document = await http.GetFromJsonAsync<JsonDocument>(new Uri(options.OllamaUrl, "/api/tags"), timeout.Token);
            if (document is null || !document.RootElement.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. models.EnumerateArray()
                .SelectMany(m => new[] { m.TryGetProperty("name", out var n) ? n.GetString() : null, m.TryGetProperty("model", out var id) ? id.GetString() : null })
                .OfType<string>()];
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    private static bool IsLoopback(Uri url) => url.IsLoopback || url.Host is "localhost" or "127.0.0.1" or "::1";

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
