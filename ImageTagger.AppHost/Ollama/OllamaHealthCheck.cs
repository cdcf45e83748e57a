using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Ollama;

/// <summary>
/// Healthy when the server answers and has both models. Otherwise the dashboard shows why, and the console gets each
/// distinct problem once, with the command that fixes it. In container mode missing models are pulled.
/// </summary>
internal sealed partial class OllamaHealthCheck(Func<Uri> url, IReadOnlyList<string> models, bool pullMissing, ILogger logger) : IHealthCheck
{
    private readonly ConcurrentDictionary<string, bool> _printed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _pulls = new(StringComparer.Ordinal);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var server = url();
        var installed = await OllamaClient.ListModelsAsync(server, cancellationToken);
        if (installed is null)
        {
            return Report(
                $"No Ollama server answers at {server}: install Ollama (https://ollama.com) and run `ollama serve`, or pass --ollama-url. " +
                "Everything else runs; describe and embed jobs wait in the queue.");
        }

        var missing = models.Where(m => !OllamaClient.HasModel(installed, m)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return HealthCheckResult.Healthy($"{server}: {string.Join(", ", models)}");
        }

        if (pullMissing)
        {
            foreach (var model in missing)
            {
                _ = _pulls.GetOrAdd(model, m => OllamaClient.PullAsync(server, m, CancellationToken.None));
            }

            return HealthCheckResult.Unhealthy($"Pulling {string.Join(", ", missing)} into the ollama container…");
        }

        return Report(
            $"Ollama at {server} lacks {string.Join(", ", missing)}: run {string.Join(" && ", missing.Select(m => $"`ollama pull {m}`"))}. " +
            "Describe and embed jobs wait in the queue until then.");
    }

    private HealthCheckResult Report(string problem)
    {
        if (_printed.TryAdd(problem, true))
        {
            LogProblem(logger, problem);
        }

        return HealthCheckResult.Unhealthy(problem);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
