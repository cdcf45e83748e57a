using System.Globalization;

namespace ImageTagger.AppHost.Model;

/// <summary>
/// The configuration every child gets, named as Aspire names it so the services run unchanged under a real
/// Aspire AppHost or Kubernetes (deploy/ uses the same names).
/// </summary>
internal static class EnvironmentContract
{
    public const string ConnectionStringKey = "ConnectionStrings__imagetagger";

    public static Dictionary<string, string> For(
        AppHostOptions options,
        ResourceDefinition resource,
        int instanceIndex,
        Uri? url,
        string connectionString,
        IReadOnlyDictionary<string, Uri> serviceUrls)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ConnectionStringKey] = connectionString,
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Ollama__Url"] = options.OllamaUrl.ToString(),
            ["Ollama__VisionModel"] = options.VisionModel,
            ["Ollama__EmbeddingModel"] = options.EmbeddingModel,
            ["Storage__ThumbnailRoot"] = options.ThumbnailRoot,
            // Logs arrive through a pipe: keep ANSI colors when our own console shows them.
            ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = Output.LogPrinter.UseColor ? "true" : "false",
        };

        var roots = options.EffectiveAllowedRoots;
        for (var i = 0; i < roots.Count; i++)
        {
            env[$"Folders__AllowedRoots__{i.ToString(CultureInfo.InvariantCulture)}"] = roots[i];
        }

        if (options.OtlpEndpoint is not null)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = options.OtlpEndpoint;
        }

        if (url is not null)
        {
            env["ASPNETCORE_URLS"] = url.GetLeftPart(UriPartial.Authority);
        }

        if (resource.Name == ApplicationModel.Processing)
        {
            env["Processing__WorkerId"] = $"processing-{(instanceIndex + 1).ToString(CultureInfo.InvariantCulture)}";
        }

        foreach (var reference in resource.References)
        {
            if (serviceUrls.TryGetValue(reference, out var referenceUrl))
            {
                env[$"services__{reference}__http__0"] = referenceUrl.GetLeftPart(UriPartial.Authority);
            }
        }

        return env;
    }
}
