namespace ImageTagger.AppHost;

/// <summary>Everything the command line decides; defaults suit a developer machine.</summary>
internal sealed record AppHostOptions
{
    public const int DefaultApiPort = 5080;
    public const int DefaultWebPort = 5000;
    public const int DefaultPgPort = 55432;
    public const string DefaultOllamaUrl = "http://localhost:11434";
    public const string DefaultVisionModel = "qwen2.5vl:7b";
    public const string DefaultEmbeddingModel = "nomic-embed-text";

    public required string RepositoryRoot { get; init; }

    public required string DataDir { get; init; }

    /// <summary>0 = pick a free port.</summary>
    public int ApiPort { get; init; } = DefaultApiPort;

    public int WebPort { get; init; } = DefaultWebPort;

    public int PgPort { get; init; } = DefaultPgPort;

    public Uri OllamaUrl { get; init; } = new(DefaultOllamaUrl);

    public string VisionModel { get; init; } = DefaultVisionModel;

    public string EmbeddingModel { get; init; } = DefaultEmbeddingModel;

    /// <summary>Start <c>ollama serve</c> when nothing answers and the binary is on PATH.</summary>
    public bool StartOllama { get; init; } = true;

    public IReadOnlyList<string> Folders { get; init; } = [];

    public IReadOnlyList<string> AllowedRoots { get; init; } = [];

    public int Workers { get; init; } = 1;

    public bool NoWeb { get; init; }

    /// <summary>Run the services' existing build output as is, never build them first.</summary>
    public bool NoBuild { get; init; }

    public string? OtlpEndpoint { get; init; }

    /// <summary>Resource name → command line that replaces the default launch (tests use fake programs).</summary>
    public IReadOnlyDictionary<string, string> ResourceCommands { get; init; } = new Dictionary<string, string>();

    /// <summary>Where folders are registered; default: the api's /graphql.</summary>
    public Uri? GraphQLUrl { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public RestartPolicy Restart { get; init; } = new();

    public string PgDataDir => Path.Combine(DataDir, "pgdata");

    public string ThumbnailRoot => Path.Combine(DataDir, "thumbnails");

    public string StateFilePath => Path.Combine(DataDir, "apphost.json");

    /// <summary>The roots services may read: --allowed-root, or else the user's home plus every --folder.</summary>
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
}

/// <summary>Exponential backoff for crashed services; repeated fast crashes make it give up.</summary>
internal sealed record RestartPolicy
{
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run shorter than this counts as a fast crash.</summary>
    public TimeSpan FastCrashWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive fast crashes after which the service is given up.</summary>
    public int MaxFastCrashes { get; init; } = 5;

    public TimeSpan DelayFor(int consecutiveCrashes)
    {
        var factor = Math.Pow(2, Math.Max(0, consecutiveCrashes - 1));
        var delay = TimeSpan.FromMilliseconds(BaseDelay.TotalMilliseconds * factor);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
