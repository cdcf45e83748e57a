using ImageTagger.AppHost;
using ImageTagger.AppHost.Ollama;
using ImageTagger.AppHost.Postgres;
using ImageTagger.AppHost.Startup;
using Microsoft.Extensions.DependencyInjection;

// The flags people use (--folder, --workers, ...) become ImageTagger:* configuration; --help and bad flags end here.
var (builderArgs, exitCode) = AppHostArguments.Translate(args, Console.Out, Console.Error);
if (builderArgs is null)
{
    return exitCode;
}

var builder = DistributedApplication.CreateBuilder(builderArgs);
AppHostSettings settings;
try
{
    settings = AppHostSettings.From(builder.Configuration, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")));
    // One AppHost per data folder, decided before anything starts; held until the app is disposed.
    var dataFolderLock = DataFolderLock.Acquire(settings.DataDir);
    builder.Services.AddSingleton(_ => dataFolderLock).AddHostedService<DataFolderLockHolder>();
}
catch (InvalidAppHostSettingException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

// Containers only when a runtime answers: without one they never start and block whatever waits for them.
var containers = new Lazy<bool>(() => ContainerRuntime.Answers(settings.ContainerRuntime, TimeSpan.FromSeconds(3)));

var postgres = builder.AddImageTaggerDatabase(settings, () => containers.Value);
var ollama = builder.AddImageTaggerOllama(settings, () => containers.Value);

var migrate = builder.AddProject<Projects.ImageTagger_MigrationService>("migrate")
    .WithImageTaggerSettings(settings, postgres, ollama)
    .WaitFor(postgres.Server);

var api = builder.AddProject<Projects.ImageTagger_Api>("api", launchProfileName: null)
    .WithHttpEndpoint(port: PortOrAny(settings.ApiPort), name: "http")
    .WithImageTaggerSettings(settings, postgres, ollama)
    .WithHttpHealthCheck("/health")
    .WaitForCompletion(migrate);

List<string> services = ["api"];
for (var i = 1; i <= settings.Workers; i++)
{
    var name = settings.Workers == 1 ? "processing" : $"processing-{i}";
    builder.AddProject<Projects.ImageTagger_Processing>(name, launchProfileName: null)
        .WithHttpEndpoint(name: "http")
        .WithImageTaggerSettings(settings, postgres, ollama)
        .WithEnvironment("Processing__WorkerId", name)

        // ONNX Runtime's tensors (OCR's shapes differ per image) and libvips allocate with glibc malloc, which keeps
        // freed memory in up to 8 arenas per core: 1.7–2.1 GiB resident over many photos with 186 MiB in use. Two
        // arenas hold it to ~0.9 GiB (bench/RESULTS.md, issue 21); idle models unload on their own (OfflineAi).
        .WithEnvironment("MALLOC_ARENA_MAX", "2")
        .WithHttpHealthCheck("/health")
        .WaitForCompletion(migrate);
    services.Add(name);
}

IResourceBuilder<ProjectResource>? web = null;
if (!settings.NoWeb)
{
    web = builder.AddProject<Projects.ImageTagger_Web>("web", launchProfileName: null)
        .WithHttpEndpoint(port: PortOrAny(settings.WebPort), name: "http")
        .WithImageTaggerSettings(settings, postgres, ollama)
        .WithReference(api)
        .WithHttpHealthCheck("/health")
        .WaitFor(api);
    services.Add("web");
}

// The console: one line when everything is healthy, then --folder added through the api; failures said plainly.
builder.Services.AddSingleton(new StartupPlan(
    [postgres.Server.Resource.Name, migrate.Resource.Name], services, api.GetEndpoint("http"), web?.GetEndpoint("http"), settings.Folders));
builder.Services.AddHostedService<StartupReport>();

await builder.Build().RunAsync();
return Environment.ExitCode;

static int? PortOrAny(int port) => port == 0 ? null : port;
