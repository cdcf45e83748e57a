using ImageTagger.AppHost.Postgres;

namespace ImageTagger.AppHost.Tests;

/// <summary>The app model each PostgreSQL mode produces, built but not started.</summary>
public sealed class AppModelTests : IDisposable
{
    // xunit makes a new instance per test: each test has its own data folder.
    private readonly string _dataDir = TestAppHost.NewDataDir();

    public void Dispose() => TestAppHost.DeleteDataDir(_dataDir);

    [Fact]
    public async Task Local_mode_runs_the_debian_binaries_as_an_executable_with_a_connecting_health_check()
    {
        await using var builder = await TestAppHost.CreateAsync(_dataDir, null, TestContext.Current.CancellationToken, "--ImageTagger:Workers=2");

        var postgres = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "postgres"), exactMatch: false);
        Assert.True(postgres.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out _));
        Assert.Contains(postgres.Annotations.OfType<HealthCheckAnnotation>(), a => a.Key == "postgres-connects");
        var endpoint = Assert.Single(postgres.Annotations.OfType<EndpointAnnotation>());
        Assert.False(endpoint.IsProxied);
        Assert.IsType<IResourceWithConnectionString>(builder.Resources.Single(r => r.Name == "imagetagger"), exactMatch: false);
        Assert.DoesNotContain(builder.Resources, r => r.IsContainer());

        AssertServicesWaitFor(builder, "postgres");
        Assert.Equal(["api", "migrate", "processing-1", "processing-2", "web"], builder.Resources.OfType<ProjectResource>().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Container_mode_uses_the_pgvector_image_with_a_data_volume()
    {
        await using var builder = await TestAppHost.CreateAsync(_dataDir, null, TestContext.Current.CancellationToken, "--ImageTagger:Postgres=container", "--ImageTagger:NoWeb=true");

        var server = Assert.Single(builder.Resources.OfType<PostgresServerResource>());
        var image = Assert.Single(server.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("pgvector/pgvector", "pg15"), (image.Image, image.Tag));
        var volume = Assert.Single(server.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "imagetagger-pgdata", "/var/lib/postgresql/data"), (volume.Type, volume.Source, volume.Target));
        var database = Assert.Single(builder.Resources.OfType<PostgresDatabaseResource>());
        Assert.Equal(("imagetagger", "imagetagger"), (database.Name, database.DatabaseName));
        Assert.DoesNotContain(builder.Resources, r => r.Name == "web");

        AssertServicesWaitFor(builder, "postgres");
    }

    [Fact]
    public async Task External_mode_takes_the_connection_string_from_configuration()
    {
        await using var builder = await TestAppHost.CreateAsync(
            _dataDir, null, TestContext.Current.CancellationToken, "--ImageTagger:Postgres=external", "--ConnectionStrings:imagetagger=Host=db.example;Database=imagetagger");

        var database = Assert.IsType<IResourceWithConnectionString>(builder.Resources.Single(r => r.Name == PostgresResources.DatabaseName), exactMatch: false);
        Assert.Equal("Host=db.example;Database=imagetagger", await database.GetConnectionStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(builder.Resources, r => r.Name == "postgres");
        Assert.DoesNotContain(builder.Resources, r => r.IsContainer());
    }

    /// <summary>migrate waits for the server; api and processing for migrate's completion; web for the api.</summary>
    private static void AssertServicesWaitFor(IDistributedApplicationTestingBuilder builder, string server)
    {
        string[] WaitsFor(string name) => [.. builder.Resources.Single(r => r.Name == name).Annotations.OfType<WaitAnnotation>()
            .Select(w => $"{w.Resource.Name}:{w.WaitType}").Order()];

        Assert.Equal([$"{server}:WaitUntilHealthy"], WaitsFor("migrate"));
        Assert.Equal(["migrate:WaitForCompletion"], WaitsFor("api"));
        Assert.All(builder.Resources.OfType<ProjectResource>().Where(r => r.Name.StartsWith("processing", StringComparison.Ordinal)), p => Assert.Equal(["migrate:WaitForCompletion"], WaitsFor(p.Name)));
        if (builder.Resources.Any(r => r.Name == "web"))
        {
            Assert.Equal(["api:WaitUntilHealthy"], WaitsFor("web"));
        }

        Assert.All(builder.Resources.OfType<ProjectResource>(), p =>
            Assert.Contains(p.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource.Name == PostgresResources.DatabaseName));
    }
}
