using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;

namespace ImageTagger.AppHost;

/// <summary>The command line: options → <see cref="AppHostOptions"/> → <see cref="Orchestrator"/>.</summary>
internal static class AppHostCommand
{
    public static RootCommand Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder for PostgreSQL data, thumbnails and apphost.json [default: <repo>/.data]" };
        var apiPort = PortOption("--api-port", AppHostOptions.DefaultApiPort, "Port of the api (GraphQL at /graphql)");
        var webPort = PortOption("--web-port", AppHostOptions.DefaultWebPort, "Port of the web UI");
        var pgPort = PortOption("--pg-port", AppHostOptions.DefaultPgPort, "Port of PostgreSQL on 127.0.0.1");
        var ollamaUrl = new Option<string>("--ollama-url") { Description = "Ollama server", DefaultValueFactory = _ => AppHostOptions.DefaultOllamaUrl };
        ollamaUrl.Validators.Add(r => ValidateUrl(r, r.GetValueOrDefault<string>()));
        var visionModel = new Option<string>("--vision-model") { Description = "Ollama model that describes images", DefaultValueFactory = _ => AppHostOptions.DefaultVisionModel };
        var embeddingModel = new Option<string>("--embedding-model") { Description = "Ollama model that embeds text", DefaultValueFactory = _ => AppHostOptions.DefaultEmbeddingModel };
        var noOllamaStart = new Option<bool>("--no-ollama-start") { Description = "Never start `ollama serve`, even when nothing answers at --ollama-url" };
        var folder = new Option<string[]>("--folder") { Description = "Folder to add and scan once the api is up (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var workers = new Option<int>("--workers") { Description = "Number of processing instances", DefaultValueFactory = _ => 1 };
        workers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--workers must be between 1 and 64.");
            }
        });
        var allowedRoot = new Option<string[]>("--allowed-root") { Description = "Folder the services may read images from (repeatable) [default: your home folder and every --folder]", Arity = ArgumentArity.ZeroOrMore };
        var noWeb = new Option<bool>("--no-web") { Description = "Do not start the web UI" };
        var noBuild = new Option<bool>("--no-build") { Description = "Run the services' existing build output; never build them first" };
        var otlpEndpoint = new Option<string?>("--otlp-endpoint") { Description = "OTLP collector passed to services as OTEL_EXPORTER_OTLP_ENDPOINT [default: $OTEL_EXPORTER_OTLP_ENDPOINT, else none]" };
        otlpEndpoint.Validators.Add(r => ValidateUrl(r, r.GetValueOrDefault<string?>()));
        var graphqlUrl = new Option<string?>("--graphql-url") { Description = "Where --folder is registered (GraphQL POST) [default: <api>/graphql]" };
        graphqlUrl.Validators.Add(r => ValidateUrl(r, r.GetValueOrDefault<string?>()));
        var resourceCommand = new Option<string[]>("--resource-command")
        {
            Description = "Launch a resource with this command line instead of its project: NAME=COMMAND (repeatable; NAME is migrate, api, processing or web)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        resourceCommand.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParseResourceCommand(value, out _, out _))
                {
                    r.AddError($"--resource-command '{value}' is not NAME=COMMAND.");
                }
            }
        });
        var startupTimeout = new Option<int>("--startup-timeout") { Description = "Seconds allowed for all resources to become healthy", DefaultValueFactory = _ => 180 };
        var shutdownTimeout = new Option<int>("--shutdown-timeout") { Description = "Seconds a resource gets to stop after SIGTERM before it is killed", DefaultValueFactory = _ => 10 };

        var root = new RootCommand(
            "Runs ImageTagger locally: PostgreSQL + pgvector, the migrate step, api, processing ×N and web as child processes, " +
            "configured the way Aspire configures them. Ctrl+C stops everything.")
        {
            dataDir, apiPort, webPort, pgPort, ollamaUrl, visionModel, embeddingModel, noOllamaStart, folder, workers, allowedRoot,
            noWeb, noBuild, otlpEndpoint, graphqlUrl, resourceCommand, startupTimeout, shutdownTimeout,
        };

        root.SetAction(async (parse, cancellationToken) =>
        {
            var repositoryRoot = FindRepositoryRoot();
            var commands = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var value in parse.GetValue(resourceCommand) ?? [])
            {
                if (TryParseResourceCommand(value, out var name, out var command))
                {
                    commands[name] = command;
                }
            }

            var options = new AppHostOptions
            {
                RepositoryRoot = repositoryRoot,
                DataDir = Path.GetFullPath(parse.GetValue(dataDir) ?? Path.Combine(repositoryRoot, ".data")),
                ApiPort = parse.GetValue(apiPort),
                WebPort = parse.GetValue(webPort),
                PgPort = parse.GetValue(pgPort),
                OllamaUrl = new Uri(parse.GetValue(ollamaUrl)!),
                VisionModel = parse.GetValue(visionModel)!,
                EmbeddingModel = parse.GetValue(embeddingModel)!,
                StartOllama = !parse.GetValue(noOllamaStart),
                Folders = [.. (parse.GetValue(folder) ?? []).Select(Path.GetFullPath)],
                AllowedRoots = [.. parse.GetValue(allowedRoot) ?? []],
                Workers = parse.GetValue(workers),
                NoWeb = parse.GetValue(noWeb),
                NoBuild = parse.GetValue(noBuild),
                OtlpEndpoint = parse.GetValue(otlpEndpoint) is { Length: > 0 } otlp ? otlp : NullIfEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")),
                GraphQLUrl = parse.GetValue(graphqlUrl) is { Length: > 0 } gql ? new Uri(gql) : null,
                ResourceCommands = commands,
                StartupTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(startupTimeout))),
                ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(shutdownTimeout))),
            };
            return await Orchestrator.RunAsync(options, cancellationToken);
        });
        return root;
    }

    internal static bool TryParseResourceCommand(string value, out string name, out string command)
    {
        var separator = value.IndexOf('=', StringComparison.Ordinal);
        name = separator > 0 ? value[..separator].Trim() : "";
        command = separator > 0 ? value[(separator + 1)..].Trim() : "";
        return name.Length > 0 && command.Length > 0;
    }

    private static Option<int> PortOption(string name, int defaultPort, string description)
    {
        var option = new Option<int>(name) { Description = description + "; 0 picks a free port", DefaultValueFactory = _ => defaultPort };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError($"{name} must be between 0 and 65535.");
            }
        });
        return option;
    }

    private static void ValidateUrl(OptionResult result, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            result.AddError($"{result.Option.Name}: '{value}' is not an http(s) URL.");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The folder holding ImageTagger.sln: recorded at build time, else searched upwards from here.</summary>
    internal static string FindRepositoryRoot()
    {
        var recorded = typeof(AppHostCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "ImageTagger.sln")))
        {
            return recorded;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ImageTagger.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("ImageTagger.sln not found: run the AppHost from inside the repository.");
    }
}
