using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageTagger.AppHost;

/// <summary>
/// The flags people and scripts use, translated into configuration keys of the <c>ImageTagger</c> section
/// (<c>--workers 2</c> → <c>--ImageTagger:Workers=2</c>) that Aspire's builder reads with the rest of its configuration.
/// Configuration-style arguments (<c>--Section:Key=value</c>) pass through unchanged; anything else is an error.
/// </summary>
internal static partial class AppHostArguments
{
    private const string S = AppHostSettings.Section;

    /// <summary>Arguments for Aspire's builder, or an exit code when the program should end here (help, bad flags).</summary>
    public static (string[]? BuilderArgs, int ExitCode) Translate(string[] args, TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Folder for PostgreSQL data (pgdata/) and thumbnails [default: <repo>/.data]" };
        var apiPort = Port("--api-port", AppHostSettings.DefaultApiPort, "Port of the api (GraphQL at /graphql)");
        var webPort = Port("--web-port", AppHostSettings.DefaultWebPort, "Port of the web UI");
        var pgPort = Port("--pg-port", AppHostSettings.DefaultPgPort, "Port of the local PostgreSQL on 127.0.0.1");
        var ollamaUrl = new Option<string>("--ollama-url") { Description = $"Ollama server [default: {AppHostSettings.DefaultOllamaUrl}]" };
        var visionModel = new Option<string>("--vision-model") { Description = $"Ollama model that describes images [default: {AppHostSettings.DefaultVisionModel}]" };
        var embeddingModel = new Option<string>("--embedding-model") { Description = $"Ollama model that embeds text [default: {AppHostSettings.DefaultEmbeddingModel}]" };
        var folder = new Option<string[]>("--folder") { Description = "Folder to add and scan once the api is healthy (repeatable)", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var workers = new Option<int?>("--workers") { Description = "Number of processing instances [default: 1]" };
        workers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 64)
            {
                r.AddError("--workers must be between 1 and 64.");
            }
        });
        var allowedRoot = new Option<string[]>("--allowed-root") { Description = "Folder the services may read images from (repeatable) [default: your home folder and every --folder]", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var noWeb = new Option<bool>("--no-web") { Description = "Leave the web UI out" };
        var postgres = new Option<string>("--postgres") { Description = "PostgreSQL: auto (container when a runtime answers, else local), local, container or external (ConnectionStrings:imagetagger) [default: auto]" };
        postgres.AcceptOnlyFromAmong("auto", "local", "container", "external");

        var root = new RootCommand(
            "Runs ImageTagger as an Aspire app: PostgreSQL + pgvector, the migrate step, api, processing ×N and web, with the dashboard. " +
            "Ctrl+C stops everything. Any configuration key can also be given as --Section:Key=value.")
        {
            dataDir, apiPort, webPort, pgPort, ollamaUrl, visionModel, embeddingModel, folder, workers, allowedRoot, noWeb, postgres,
        };

        var (passThrough, rest) = SplitConfigurationArguments(args);
        var parse = root.Parse(rest);
        if (parse.Action is HelpAction)
        {
            return (null, parse.Invoke(new InvocationConfiguration { Output = output, Error = error }));
        }

        var errors = parse.Errors.Select(e => e.Message).ToList();
        if (errors.Count > 0)
        {
            foreach (var message in errors)
            {
                error.WriteLine(message);
            }

            error.WriteLine("Run with --help to see the options.");
            return (null, 2);
        }

        var settings = new List<string>();
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                settings.Add($"--{S}:{key}={value}");
            }
        }

        void SetList(string key, string[]? values, bool fullPath)
        {
            for (var i = 0; i < (values?.Length ?? 0); i++)
            {
                Set($"{key}:{i.ToString(CultureInfo.InvariantCulture)}", fullPath ? Path.GetFullPath(values![i]) : values![i]);
            }
        }

        Set("DataDir", parse.GetValue(dataDir) is { } d ? Path.GetFullPath(d) : null);
        Set("ApiPort", Text(parse.GetValue(apiPort)));
        Set("WebPort", Text(parse.GetValue(webPort)));
        Set("PgPort", Text(parse.GetValue(pgPort)));
        Set("OllamaUrl", parse.GetValue(ollamaUrl));
        Set("VisionModel", parse.GetValue(visionModel));
        Set("EmbeddingModel", parse.GetValue(embeddingModel));
        SetList("Folders", parse.GetValue(folder), fullPath: true);
        SetList("AllowedRoots", parse.GetValue(allowedRoot), fullPath: true);
        Set("Workers", Text(parse.GetValue(workers)));
        Set("NoWeb", parse.GetValue(noWeb) ? "true" : null);
        Set("Postgres", parse.GetValue(postgres));
        return ([.. passThrough, .. settings], 0);
    }

    /// <summary>--Section:Key=value and Section:Key=value are configuration (Aspire's DcpPublisher:…, ours, tests').</summary>
    private static (List<string> Configuration, List<string> Flags) SplitConfigurationArguments(string[] args)
    {
        var configuration = new List<string>();
        var rest = new List<string>();
        foreach (var arg in args)
        {
            (ConfigurationArgument().IsMatch(arg) ? configuration : rest).Add(arg);
        }

        return (configuration, rest);
    }

    [GeneratedRegex(@"^(--|/)?[A-Za-z_][\w.-]*(:[\w.-]+)+=", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigurationArgument();

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static Option<int?> Port(string name, int defaultPort, string description)
    {
        var option = new Option<int?>(name) { Description = $"{description}; 0 picks a free port [default: {defaultPort.ToString(CultureInfo.InvariantCulture)}]" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
            {
                r.AddError($"{name} must be between 0 and 65535.");
            }
        });
        return option;
    }
}
