namespace ImageTagger.AppHost.Model;

internal enum ResourceKind
{
    /// <summary>PostgreSQL, started and stopped with scripts/pg.sh.</summary>
    Database,

    /// <summary>Runs to completion; exit code 0 means success (the migrate step).</summary>
    Task,

    /// <summary>A long-running HTTP service with /health, restarted when it crashes.</summary>
    Service,
}

/// <summary>One node of the resource graph, the equivalent of an Aspire <c>AddProject</c>/<c>AddPostgres</c> call.</summary>
/// <param name="Name">Resource name: log prefix, OTEL_SERVICE_NAME, key of --resource-command.</param>
/// <param name="Project">Project folder and assembly name, when the resource is one of ours.</param>
/// <param name="Port">Fixed port; 0 = a free one per instance; null = no HTTP endpoint.</param>
internal sealed record ResourceDefinition(string Name, ResourceKind Kind, string? Project = null, int? Port = null)
{
    public int Replicas { get; init; } = 1;

    /// <summary>Resources that must be healthy (services) or completed (tasks) before this one starts.</summary>
    public IReadOnlyList<string> WaitFor { get; init; } = [];

    /// <summary>Services whose URL is passed as <c>services__name__http__0</c>.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    public string HealthPath { get; init; } = "/health";

    /// <summary>Instance name: the resource name, or name-1..N when replicated.</summary>
    public string InstanceName(int index) => Replicas == 1 ? Name : $"{Name}-{index + 1}";
}
