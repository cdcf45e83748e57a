using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ImageTagger.AppHost.Folders;
using ImageTagger.AppHost.Model;
using ImageTagger.AppHost.Ollama;
using ImageTagger.AppHost.Output;
using ImageTagger.AppHost.Postgres;
using ImageTagger.AppHost.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ImageTagger.AppHost;

/// <summary>
/// Starts the resource graph in dependency order (postgres → migrate → api, processing → web), waits for health,
/// publishes apphost.json, and on Ctrl+C/SIGTERM stops everything in reverse order.
/// </summary>
internal sealed class Orchestrator : IDisposable
{
    private readonly AppHostOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly List<ServiceInstance> _instances = [];
    private readonly Dictionary<string, string> _skipped = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _stateChanged = new(0);
    private readonly OllamaSupervisor _ollama;
    private PostgresServer? _postgres;
    private OllamaStatus? _ollamaStatus;
    private string? _connectionString;
    private string _migrateState = "Waiting";
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _ollamaStop = new();
    private Task<OllamaStatus> _ollamaTask = Task.FromResult(new OllamaStatus(OllamaAvailability.Unavailable, null, [], false));
    private DataDirLock? _lock;
    private volatile bool _ready;
    private volatile bool _publishing;

    private Orchestrator(AppHostOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _ollama = new OllamaSupervisor(options, _http, logger);
    }

    public static async Task<int> RunAsync(AppHostOptions options, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddConsole(o => o.FormatterName = AppHostConsoleFormatter.FormatterName)
            .AddConsoleFormatter<AppHostConsoleFormatter, ConsoleFormatterOptions>()
            .SetMinimumLevel(LogLevel.Information));
        var logger = loggerFactory.CreateLogger("ImageTagger.AppHost");

        // First Ctrl+C/SIGTERM: graceful stop. Second: stop waiting, kill what is left.
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var force = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (shutdown.IsCancellationRequested)
            {
                force.Cancel();
            }
            else
            {
                Log.ShutdownRequested(logger, context.Signal.ToString());
                shutdown.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var orchestrator = new Orchestrator(options, logger);
        return await orchestrator.RunCoreAsync(shutdown.Token, force.Token);
    }

    private async Task<int> RunCoreAsync(CancellationToken shutdown, CancellationToken force)
    {
        var stopwatch = Stopwatch.StartNew();
        Dashboard.Configure();
        await using var stopOllamaCheck = shutdown.Register(_ollamaStop.Cancel);
        try
        {
            var exitCode = await StartAllAsync(stopwatch, shutdown);
            if (exitCode == 0 && !shutdown.IsCancellationRequested)
            {
                await RunUntilShutdownAsync(shutdown);
            }

            return exitCode;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 0;
        }
        catch (StartupException ex)
        {
            Log.StartupFailed(_logger, ex.Message);
            return 1;
        }
        finally
        {
            await StopAllAsync(force);
        }
    }

    private async Task<int> StartAllAsync(Stopwatch stopwatch, CancellationToken shutdown)
    {
        var model = ApplicationModel.Build(_options);
        var plans = await ResolveLaunchesAsync(model, shutdown);

        var pgPort = FreePort.Resolve(_options.PgPort);
        var ports = model.Where(r => r.Kind == ResourceKind.Service && r.Port is > 0)
            .ToDictionary(r => r.Name, r => r.Port!.Value);
        foreach (var (name, port) in ports)
        {
            if (plans[name].Command is not null && FreePort.IsInUse(port))
            {
                throw new StartupException($"Port {port} for {name} is already in use: pass --{name}-port (0 picks a free one).");
            }
        }

        _postgres = new PostgresServer(_options, pgPort, _logger);
        try
        {
            await _postgres.PrepareDataDirAsync(shutdown);
            _lock = DataDirLock.Acquire(_options, _logger);
            Directory.CreateDirectory(_options.ThumbnailRoot);
            // From here on apphost.json tracks every pid, so a successor can clean up if we are killed.
            _publishing = true;
            _ = PublishLoopAsync(shutdown);
            // Ollama is independent of the rest: checked (and maybe started) while PostgreSQL and the services start.
            _ollamaTask = _ollama.EnsureAsync(_ollamaStop.Token);
            _connectionString = await _postgres.StartAsync(shutdown);
            OnStateChanged();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupException(ex.Message);
        }

        Log.PostgresReady(_logger, pgPort, stopwatch.Elapsed.TotalSeconds);

        await RunMigrateAsync(model.Single(r => r.Name == ApplicationModel.Migrate), plans[ApplicationModel.Migrate], shutdown);
        Log.MigrateCompleted(_logger, stopwatch.Elapsed.TotalSeconds);

        await StartServicesAsync(model, plans, shutdown);
        _ollamaStatus = await _ollamaTask;

        _ready = true;
        await WriteStateAsync(shutdown);
        Dashboard.Print(Snapshot());
        var web = _instances.FirstOrDefault(i => i.Resource.Name == ApplicationModel.Web)?.Url;
        var api = _instances.FirstOrDefault(i => i.Resource.Name == ApplicationModel.Api)?.Url;
        Console.Out.WriteLine(
            $"ImageTagger is ready: web {Authority(web) ?? "(not started)"}, api {Authority(api) ?? "(not started)"} " +
            $"({stopwatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; Ctrl+C stops everything)");

        if (_options.Folders.Count > 0)
        {
            await AddFoldersAsync(api, shutdown);
        }

        return 0;
    }

    private async Task<Dictionary<string, LaunchPlan>> ResolveLaunchesAsync(IReadOnlyList<ResourceDefinition> model, CancellationToken shutdown)
    {
        var resolver = new LaunchResolver(_options);
        var plans = model.Where(r => r.Kind != ResourceKind.Database).ToDictionary(r => r.Name, resolver.Resolve);
        var stale = plans.Values.Select(p => p.ProjectToBuild).OfType<string>().Distinct().ToList();
        if (stale.Count > 0)
        {
            var stopwatch = Stopwatch.StartNew();
            Log.Building(_logger, string.Join(", ", stale.Select(Path.GetFileNameWithoutExtension)));
            var errors = await ServiceBuild.BuildAsync(stale, shutdown);
            if (errors.Count > 0)
            {
                throw new StartupException(
                    $"Building the services failed (fix the errors; or pass --no-build to run the last build output, or --no-web to leave the web UI out):{Environment.NewLine}" +
                    string.Join(Environment.NewLine, errors));
            }

            Log.Built(_logger, stopwatch.Elapsed.TotalSeconds);
        }

        foreach (var (name, plan) in plans)
        {
            // A project whose build yields no program (being written, different output path) is reported, not crash-looped.
            var reason = plan.SkipReason ??
                (plan.ProjectToBuild is not null && !File.Exists(plan.Command!.Arguments[0]) ? $"its build produced no {plan.Command.Arguments[0]}" : null);
            if (reason is not null)
            {
                plans[name] = LaunchPlan.Skip(reason);
                _skipped[name] = reason;
                Log.Skipped(_logger, name, reason);
            }
        }

        if (plans[ApplicationModel.Migrate].Command is null)
        {
            throw new StartupException($"The migrate step cannot run: {plans[ApplicationModel.Migrate].SkipReason}.");
        }

        return plans;
    }

    private async Task RunMigrateAsync(ResourceDefinition migrate, LaunchPlan plan, CancellationToken shutdown)
    {
        var environment = EnvironmentContract.For(_options, migrate, 0, null, _connectionString!, new Dictionary<string, Uri>());
        _migrateState = "Running";
        OnStateChanged();
        using var child = ChildProcess.Start(plan.Command!, environment, (line, isError) => LogPrinter.Write(migrate.Name, line, isError));
        int exitCode;
        try
        {
            exitCode = await child.Exited.WaitAsync(_options.StartupTimeout, shutdown);
        }
        catch (TimeoutException)
        {
            await child.StopAsync(_options.ShutdownTimeout, CancellationToken.None);
            throw new StartupException($"migrate did not finish within {_options.StartupTimeout.TotalSeconds:0} s.");
        }
        catch (OperationCanceledException)
        {
            await child.StopAsync(_options.ShutdownTimeout, CancellationToken.None);
            throw;
        }

        if (exitCode != 0)
        {
            _migrateState = "Failed";
            throw new StartupException(
                $"migrate failed with exit code {exitCode}; nothing else was started. Its last output:{Environment.NewLine}" +
                string.Join(Environment.NewLine, child.Tail.Select(l => "  | " + l)));
        }

        _migrateState = "Completed";
        OnStateChanged();
    }

    private async Task StartServicesAsync(IReadOnlyList<ResourceDefinition> model, Dictionary<string, LaunchPlan> plans, CancellationToken shutdown)
    {
        var probe = new HealthProbe(_http);
        var readiness = new Dictionary<string, Task>(StringComparer.Ordinal)
        {
            [ApplicationModel.Postgres] = Task.CompletedTask,
            [ApplicationModel.Migrate] = Task.CompletedTask,
        };
        var serviceUrls = new Dictionary<string, Uri>(StringComparer.Ordinal);

        // Ports and URLs are fixed before anything starts so references (services__api__http__0) are known up front.
        var services = model.Where(r => r.Kind == ResourceKind.Service && plans[r.Name].Command is not null).ToList();
        var urls = services.ToDictionary(
            r => r.Name,
            r => Enumerable.Range(0, r.Replicas).Select(_ => new Uri($"http://127.0.0.1:{FreePort.Resolve(r.Port ?? 0).ToString(CultureInfo.InvariantCulture)}")).ToList());
        foreach (var service in services)
        {
            serviceUrls[service.Name] = urls[service.Name][0];
        }

        foreach (var service in model.Where(r => r.Kind == ResourceKind.Service))
        {
            if (plans[service.Name].Command is null)
            {
                readiness[service.Name] = Task.CompletedTask;
                continue;
            }

            var dependencies = service.WaitFor.Select(d => readiness.GetValueOrDefault(d, Task.CompletedTask)).ToList();
            foreach (var missing in service.WaitFor.Concat(service.References).Where(_skipped.ContainsKey).Distinct())
            {
                Log.DependencySkipped(_logger, service.Name, missing);
            }

            readiness[service.Name] = StartWhenReadyAsync(service, plans[service.Name].Command!, urls[service.Name], dependencies, serviceUrls, probe, shutdown);
        }

        // Fail fast: the first resource that is given up stops startup, without waiting for the others.
        var pending = readiness.Values.ToList();
        var deadline = Stopwatch.StartNew();
        try
        {
            while (pending.Count > 0)
            {
                var left = _options.StartupTimeout - deadline.Elapsed;
                var done = await Task.WhenAny(pending).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, shutdown);
                await done;
                pending.Remove(done);
            }
        }
        catch (TimeoutException)
        {
            List<string> waiting;
            lock (_instances)
            {
                waiting = [.. _instances.Where(i => !i.Healthy.IsCompletedSuccessfully).Select(i => $"{i.Name} ({i.State})")];
            }

            throw new StartupException($"Not healthy after {_options.StartupTimeout.TotalSeconds:0} s: {string.Join(", ", waiting)}.");
        }
        catch (ResourceFailedException ex)
        {
            throw new StartupException(
                $"{ex.Message}; stopping everything. Its last output:{Environment.NewLine}" + string.Join(Environment.NewLine, ex.Tail.Select(l => "  | " + l)));
        }
    }

    private async Task StartWhenReadyAsync(
        ResourceDefinition service,
        LaunchCommand command,
        IReadOnlyList<Uri> urls,
        IReadOnlyList<Task> dependencies,
        IReadOnlyDictionary<string, Uri> serviceUrls,
        HealthProbe probe,
        CancellationToken shutdown)
    {
        await Task.WhenAll(dependencies).WaitAsync(shutdown);
        var started = new List<ServiceInstance>();
        for (var i = 0; i < service.Replicas; i++)
        {
            var environment = EnvironmentContract.For(_options, service, i, urls[i], _connectionString!, serviceUrls);
            var instance = new ServiceInstance(service.InstanceName(i), service, command, environment, urls[i], _options.Restart, probe, _logger, OnStateChanged);
            lock (_instances)
            {
                _instances.Add(instance);
            }

            instance.Start();
            started.Add(instance);
        }

        await Task.WhenAll(started.Select(i => i.Healthy));
    }

    private async Task AddFoldersAsync(Uri? api, CancellationToken shutdown)
    {
        var endpoint = _options.GraphQLUrl ?? (api is null ? null : new Uri(api, "/graphql"));
        if (endpoint is null)
        {
            Log.FolderNoApi(_logger, string.Join(", ", _options.Folders));
            return;
        }

        var client = new GraphQLFolderClient(_http, _logger);
        foreach (var folder in _options.Folders)
        {
            await client.AddFolderAsync(endpoint, folder, shutdown);
        }
    }

    private static async Task RunUntilShutdownAsync(CancellationToken shutdown)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C / SIGTERM.
        }
    }

    /// <summary>Keeps apphost.json current (restarts change pids and states).</summary>
    private async Task PublishLoopAsync(CancellationToken shutdown)
    {
        try
        {
            while (_publishing)
            {
                await _stateChanged.WaitAsync(shutdown);
                await WriteStateAsync(shutdown);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: StopAllAsync removes the file.
        }
    }

    private async Task StopAllAsync(CancellationToken force)
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            // Only the AppHost holding the data folder's lock owns apphost.json (not one that was refused it).
            if (_publishing)
            {
                StateFile.Delete(_options.StateFilePath);
            }

            _ready = false;
            _publishing = false;
        }
        finally
        {
            _writeGate.Release();
        }

        _stateChanged.Release(); // lets the publish loop see it is done

        List<ServiceInstance> instances;
        lock (_instances)
        {
            instances = [.. _instances];
        }

        if (instances.Count > 0 || _postgres?.Started == true)
        {
            Log.Stopping(_logger);
        }

        // Reverse dependency order: web first (it calls the api), then api and processing, then the database.
        foreach (var group in instances.GroupBy(i => i.Resource.Name).Reverse())
        {
            await Task.WhenAll(group.Select(i => i.StopAsync(_options.ShutdownTimeout, force)));
        }

        // A check still under way (startup failed early) must not start `ollama serve` after this point.
        await _ollamaStop.CancelAsync();
        try
        {
            await _ollamaTask;
        }
        catch (OperationCanceledException)
        {
            // Cancelled just now.
        }

        await _ollama.StopAsync(_options.ShutdownTimeout, force);
        if (_postgres is not null)
        {
            await _postgres.StopAsync(CancellationToken.None);
        }

        Log.AllStopped(_logger);
    }

    private void OnStateChanged()
    {
        if (_publishing)
        {
            _stateChanged.Release();
        }
    }

    private async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            if (_publishing)
            {
                await StateFile.WriteAsync(_options.StateFilePath, new AppHostState(_ready, Environment.ProcessId, _connectionString, Snapshot()), cancellationToken);
            }
        }
        catch (IOException ex)
        {
            Log.StateWriteFailed(_logger, _options.StateFilePath, ex.Message);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private List<ResourceSnapshot> Snapshot()
    {
        var snapshot = new List<ResourceSnapshot>
        {
            new(ApplicationModel.Postgres, ApplicationModel.Postgres, _postgres?.Started == true ? "Running" : "Stopped", _postgres?.Pid,
                _postgres is null ? null : $"postgresql://127.0.0.1:{_postgres.Port.ToString(CultureInfo.InvariantCulture)}/imagetagger", 0),
            new(ApplicationModel.Migrate, ApplicationModel.Migrate, _migrateState, null, null, 0),
        };
        lock (_instances)
        {
            snapshot.AddRange(_instances.Select(i => i.Snapshot()));
        }

        snapshot.AddRange(_skipped.Where(s => s.Key != ApplicationModel.Migrate).Select(s => new ResourceSnapshot(s.Key, s.Key, "Skipped", null, null, 0)));
        if (_ollamaStatus is { } ollama)
        {
            var state = ollama.Availability switch
            {
                OllamaAvailability.Ready => "Running",
                OllamaAvailability.ModelMissing => "Degraded",
                _ => "Unavailable",
            };
            snapshot.Add(new("ollama", "ollama", state, _ollama.Pid, _options.OllamaUrl.GetLeftPart(UriPartial.Authority), 0));
        }

        return snapshot;
    }

    private static string? Authority(Uri? url) => url?.GetLeftPart(UriPartial.Authority);

    public void Dispose()
    {
        lock (_instances)
        {
            foreach (var instance in _instances)
            {
                instance.Dispose();
            }

            _instances.Clear();
        }

        _ollama.Dispose();
        _lock?.Dispose();
        _ollamaStop.Dispose();
        _writeGate.Dispose();
        _stateChanged.Dispose();
        _http.Dispose();
    }
}

/// <summary>Startup cannot continue; the message says why and what to do.</summary>
internal sealed class StartupException(string message) : Exception(message);
