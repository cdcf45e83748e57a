using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost;

/// <summary>Every line the AppHost itself writes.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} started (pid {Pid}) on {Url}")]
    public static partial void Started(ILogger logger, string resource, int pid, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is healthy ({Seconds:0.0} s after start)")]
    public static partial void Healthy(ILogger logger, string resource, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} could not be started ({Command}): {Reason}")]
    public static partial void StartFailed(ILogger logger, string resource, string command, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} exited with code {ExitCode} after {UptimeSeconds:0.0} s; restarting in {DelaySeconds:0.0} s")]
    public static partial void Crashed(ILogger logger, string resource, int exitCode, double uptimeSeconds, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} crashed {Count} times in a row (last exit code {ExitCode}); giving up on it")]
    public static partial void GaveUp(ILogger logger, string resource, int count, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} stopped (pid {Pid})")]
    public static partial void Stopped(ILogger logger, string resource, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipping {Resource}: {Reason}")]
    public static partial void Skipped(ILogger logger, string resource, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} depends on {Dependency}, which is skipped; starting it anyway")]
    public static partial void DependencySkipped(ILogger logger, string resource, string dependency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building {Projects} (output missing or older than its sources)")]
    public static partial void Building(ILogger logger, string projects);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build done ({Seconds:0.0} s)")]
    public static partial void Built(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created data folder {DataDir}")]
    public static partial void CreatedDataDir(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting PostgreSQL in {DataDir} on 127.0.0.1:{Port}{FirstRun}")]
    public static partial void PostgresStarting(ILogger logger, string dataDir, int port, string firstRun);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL in {DataDir} was still running (a previous AppHost did not stop it); restarting it")]
    public static partial void PostgresStillRunning(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "postgres is ready on 127.0.0.1:{Port} ({Seconds:0.0} s)")]
    public static partial void PostgresReady(ILogger logger, int port, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create database {Database} (the migrate step will try): {Error}")]
    public static partial void CreateDatabaseFailed(ILogger logger, string database, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL stopped")]
    public static partial void PostgresStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping PostgreSQL failed ({ExitCode}): {Error}")]
    public static partial void PostgresStopFailed(ILogger logger, int exitCode, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "migrate completed ({Seconds:0.0} s)")]
    public static partial void MigrateCompleted(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nothing answers at {Url}: starting {Binary} serve")]
    public static partial void OllamaStarting(ILogger logger, string binary, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start {Binary} serve: {Reason}")]
    public static partial void OllamaStartFailed(ILogger logger, string binary, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AI unavailable: nothing answers at {Url} (install Ollama, or pass --ollama-url). " +
        "Everything else runs; describe and embed jobs wait in the queue until Ollama is reachable.")]
    public static partial void OllamaUnavailable(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ollama at {Url} has no model '{Model}': run `ollama pull {Model}`. Jobs that need it wait in the queue.")]
    public static partial void OllamaModelMissing(ILogger logger, string model, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ollama {Version} at {Url} has {VisionModel} and {EmbeddingModel}")]
    public static partial void OllamaReady(ILogger logger, Uri url, string version, string visionModel, string embeddingModel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Folder {Path} added through {Endpoint}")]
    public static partial void FolderAdded(ILogger logger, string path, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adding folder {Path}: the api answered with an error: {Error}")]
    public static partial void FolderError(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adding folder {Path} failed (HTTP {Status}): {Body}")]
    public static partial void FolderHttpError(ILogger logger, string path, int status, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot add {Folders}: the api is not running and no --graphql-url was given")]
    public static partial void FolderNoApi(ILogger logger, string folders);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Signal} received: stopping (press Ctrl+C again to kill at once)")]
    public static partial void ShutdownRequested(ILogger logger, string signal);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Startup failed: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping all resources")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "All resources stopped")]
    public static partial void AllStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Killed {Resource} (pid {Pid}), left running by an AppHost that was killed")]
    public static partial void KilledLeftover(ILogger logger, string resource, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Path}: {Reason}")]
    public static partial void StateWriteFailed(ILogger logger, string path, string reason);
}
