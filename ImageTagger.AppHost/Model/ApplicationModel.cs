namespace ImageTagger.AppHost.Model;

/// <summary>
/// The resource graph, in code: what Aspire's <c>Program.cs</c> would declare. Projects that do not exist yet
/// (their csproj is missing) are skipped at launch, so the graph can name them already.
/// </summary>
internal static class ApplicationModel
{
    public const string Postgres = "postgres";
    public const string Migrate = "migrate";
    public const string Api = "api";
    public const string Processing = "processing";
    public const string Web = "web";

    public static IReadOnlyList<ResourceDefinition> Build(AppHostOptions options)
    {
        var resources = new List<ResourceDefinition>
        {
            new(Postgres, ResourceKind.Database, Port: options.PgPort),
            new(Migrate, ResourceKind.Task, "ImageTagger.MigrationService") { WaitFor = [Postgres] },
            new(Api, ResourceKind.Service, "ImageTagger.Api", options.ApiPort) { WaitFor = [Migrate] },
            new(Processing, ResourceKind.Service, "ImageTagger.Processing", Port: 0) { WaitFor = [Migrate], Replicas = options.Workers },
        };
        if (!options.NoWeb)
        {
            resources.Add(new(Web, ResourceKind.Service, "ImageTagger.Web", options.WebPort) { WaitFor = [Api], References = [Api] });
        }

        return resources;
    }
}
