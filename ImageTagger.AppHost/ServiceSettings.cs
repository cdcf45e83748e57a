using System.Globalization;
using ImageTagger.AppHost.Ollama;
using ImageTagger.AppHost.Postgres;

namespace ImageTagger.AppHost;

internal static class ServiceSettings
{
    /// <summary>What every ImageTagger service reads: the database, Ollama, the thumbnail cache and the folders it may read.</summary>
    public static IResourceBuilder<ProjectResource> WithImageTaggerSettings(
        this IResourceBuilder<ProjectResource> service, AppHostSettings settings, ImageTaggerDatabase database, OllamaServer ollama)
    {
        service.WithReference(database.Database)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["Ollama__Url"] = ollama.Url;
                context.EnvironmentVariables["Ollama__VisionModel"] = settings.VisionModel;
                context.EnvironmentVariables["Ollama__EmbeddingModel"] = settings.EmbeddingModel;
                context.EnvironmentVariables["Storage__ThumbnailRoot"] = settings.ThumbnailRoot;
                // On Ctrl+C DCP stops the dashboard together with the services: their last OTLP flush then meets a
                // closed port, and the exporter's default 10 s timeout would hold every stop that long.
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000";
                var roots = settings.EffectiveAllowedRoots;
                for (var i = 0; i < roots.Count; i++)
                {
                    context.EnvironmentVariables[$"Folders__AllowedRoots__{i.ToString(CultureInfo.InvariantCulture)}"] = roots[i];
                }
            });
        return service;
    }
}
