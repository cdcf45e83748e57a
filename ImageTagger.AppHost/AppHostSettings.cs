using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ImageTagger.AppHost;

/// <summary>PostgreSQL behind the app model: one switch, the same <c>imagetagger</c> connection string in every mode.</summary>
internal enum PostgresMode
{
    /// <summary>container when a container runtime answers, else local.</summary>
    Auto,

    /// <summary>The Debian PostgreSQL 15 binaries as an executable resource (scripts/pg.sh run).</summary>
    Local,

    /// <summary>Aspire.Hosting.PostgreSQL with the pgvector image and a data volume.</summary>
    Container,

    /// <summary>ConnectionStrings:imagetagger from configuration: a server managed elsewhere.</summary>
    External,
}

/// <summary>
/// The <c>ImageTagger</c> configuration section: what the command-line flags set (see <see cref="AppHostArguments"/>),
/// also settable through appsettings.json or <c>ImageTagger__*</c> environment variables.
/// </summary>
internal sealed record AppHostSettings
{
    public const string Section = "ImageTagger";
    public const int DefaultApiPort = 5080;
    public const int DefaultWebPort = 5000;
    public const int DefaultPgPort = 55432;
    public const string DefaultOllamaUrl = "http://localhost:11434";
    public const string DefaultVisionModel = "qwen2.5vl:7b";
    public const string DefaultEmbeddingModel = "nomic-embed-text";

    public required string DataDir { get; init; }

    /// <summary>0 = a free port.</summary>
    public int ApiPort { get; init; } = DefaultApiPort;

    public int WebPort { get; init; } = DefaultWebPort;

    public int PgPort { get; init; } = DefaultPgPort;

    public Uri OllamaUrl { get; init; } = new(DefaultOllamaUrl);

    public string VisionModel { get; init; } = DefaultVisionModel;

    public string EmbeddingModel { get; init; } = DefaultEmbeddingModel;

    /// <summary>Added and scanned through the api once it is healthy.</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    public IReadOnlyList<string> AllowedRoots { get; init; } = [];

    public int Workers { get; init; } = 1;

    public bool NoWeb { get; init; }

    public PostgresMode Postgres { get; init; } = PostgresMode.Auto;

    /// <summary>The container runtime probed in auto mode (Aspire's own setting, ASPIRE_CONTAINER_RUNTIME, names it too).</summary>
    public string ContainerRuntime { get; init; } = "docker";

    public string PgDataDir => Path.Combine(DataDir, "pgdata");

    public string ThumbnailRoot => Path.Combine(DataDir, "thumbnails");

    /// <summary>The roots services may read: the allowed roots given, or else the user's home plus every folder.</summary>
    public IReadOnlyList<string> EffectiveAllowedRoots
    {
        get
        {
            if (AllowedRoots.Count > 0)
            {
                return [.. AllowedRoots.Select(Path.GetFullPath).Distinct()];
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return [.. new[] { home }.Concat(Folders).Where(p => !string.IsNullOrEmpty(p)).Select(Path.GetFullPath).Distinct()];
        }
    }

    /// <summary>Reads and validates the section; a bad value throws with the key and what is allowed.</summary>
    public static AppHostSettings From(IConfiguration configuration, string repositoryRoot)
    {
        var section = configuration.GetSection(Section);
        var settings = new AppHostSettings
        {
            DataDir = Path.GetFullPath(section["DataDir"] is { Length: > 0 } dir ? dir : Path.Combine(repositoryRoot, ".data")),
            ApiPort = Port(section, "ApiPort", DefaultApiPort),
            WebPort = Port(section, "WebPort", DefaultWebPort),
            PgPort = Port(section, "PgPort", DefaultPgPort),
            OllamaUrl = HttpUrl(section, "OllamaUrl", DefaultOllamaUrl),
            VisionModel = section["VisionModel"] is { Length: > 0 } vision ? vision : DefaultVisionModel,
            EmbeddingModel = section["EmbeddingModel"] is { Length: > 0 } embedding ? embedding : DefaultEmbeddingModel,
            Folders = [.. List(section, "Folders").Select(Path.GetFullPath)],
            AllowedRoots = [.. List(section, "AllowedRoots")],
            Workers = Int(section, "Workers", 1, 1, 64),
            NoWeb = section.GetValue("NoWeb", false),
            Postgres = Enum.TryParse<PostgresMode>(section["Postgres"] ?? "auto", ignoreCase: true, out var mode) && Enum.IsDefined(mode)
                ? mode
                : throw Invalid("Postgres", section["Postgres"], "auto, local, container or external"),
            ContainerRuntime = configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } runtime ? runtime
                : section["ContainerRuntime"] is { Length: > 0 } configured ? configured : "docker",
        };
        return settings;
    }

    private static int Port(IConfigurationSection section, string key, int fallback) => Int(section, key, fallback, 0, 65535);

    private static int Int(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(key, text, $"a whole number from {min} to {max}");
    }

    private static Uri HttpUrl(IConfigurationSection section, string key, string fallback)
    {
        var text = section[key] is { Length: > 0 } t ? t : fallback;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : throw Invalid(key, text, "an http(s) URL");
    }

    private static IEnumerable<string> List(IConfigurationSection section, string key) =>
        section.GetSection(key).GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0);

    private static InvalidAppHostSettingException Invalid(string key, string? value, string expected) =>
        new($"{Section}:{key} = '{value}' is not valid: expected {expected}.");
}

/// <summary>A configuration value the app model cannot use; the message names the key and what it accepts.</summary>
internal sealed class InvalidAppHostSettingException(string message) : Exception(message);
