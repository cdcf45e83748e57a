using ImageTagger.AppHost.Model;
using ImageTagger.AppHost.Output;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Processes;

/// <summary>Thrown through <see cref="ServiceInstance.Healthy"/> when a service never became healthy.</summary>
internal sealed class ResourceFailedException(string resource, string message, IReadOnlyList<string> tail) : Exception(message)
{
    public string Resource { get; } = resource;

    public IReadOnlyList<string> Tail { get; } = tail;
}

/// <summary>
/// Keeps one instance of a service running: starts it, watches /health, restarts it with exponential backoff
/// when it exits, and gives up after repeated fast crashes.
/// </summary>
internal sealed class ServiceInstance(
    string name,
    ResourceDefinition resource,
    LaunchCommand command,
    IReadOnlyDictionary<string, string> environment,
    Uri url,
    RestartPolicy policy,
    HealthProbe probe,
    ILogger logger,
    Action onStateChanged) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChildProcess? _current;
    private Task _loop = Task.CompletedTask;

    public string Name { get; } = name;

    public ResourceDefinition Resource { get; } = resource;

    public Uri Url { get; } = url;

    public string State { get; private set; } = "Starting";

    public int? Pid => _current?.Pid;

    public int Restarts { get; private set; }

    /// <summary>Completes the first time the instance answers /health; faults if it is given up before.</summary>
    public Task Healthy => _healthy.Task;

    public ResourceSnapshot Snapshot() => new(Name, Resource.Name, State, Pid, Url.GetLeftPart(UriPartial.Authority), Restarts);

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>No more restarts; SIGTERM, wait up to <paramref name="grace"/>, then kill.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken force)
    {
        await _stop.CancelAsync();
        _healthy.TrySetCanceled(CancellationToken.None);
        if (_current is { } child)
        {
            SetState("Stopping");
            await child.StopAsync(grace, force);
            Log.Stopped(logger, Name, child.Pid);
        }

        await _loop;
        SetState("Stopped");
        _current?.Dispose();
    }

    public void Dispose()
    {
        _current?.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var consecutiveFastCrashes = 0;
        while (!stopping.IsCancellationRequested)
        {
            ChildProcess child;
            try
            {
                child = ChildProcess.Start(command, environment, (line, isError) => LogPrinter.Write(Name, line, isError));
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Log.StartFailed(logger, Name, command.ToString(), ex.Message);
                SetState("Failed");
                _healthy.TrySetException(new ResourceFailedException(Name, $"{Name} could not be started: {ex.Message}", []));
                return;
            }

            var previous = _current;
            _current = child;
            previous?.Dispose();
            Log.Started(logger, Name, child.Pid, Url.GetLeftPart(UriPartial.Authority));
            SetState("Starting");
            _ = WatchHealthAsync(child, stopping);

            int exitCode;
            try
            {
                exitCode = await child.Exited.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var uptime = DateTimeOffset.UtcNow - child.StartedAt;
            consecutiveFastCrashes = uptime < policy.FastCrashWindow ? consecutiveFastCrashes + 1 : 1;
            if (consecutiveFastCrashes >= policy.MaxFastCrashes)
            {
                Log.GaveUp(logger, Name, consecutiveFastCrashes, exitCode);
                SetState("Failed");
                _healthy.TrySetException(new ResourceFailedException(
                    Name, $"{Name} crashed {consecutiveFastCrashes} times in a row (last exit code {exitCode})", child.Tail));
                return;
            }

            var delay = policy.DelayFor(consecutiveFastCrashes);
            Log.Crashed(logger, Name, exitCode, uptime.TotalSeconds, delay.TotalSeconds);
            SetState("Restarting");
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Restarts++;
        }
    }

    private async Task WatchHealthAsync(ChildProcess child, CancellationToken stopping)
    {
        var interval = TimeSpan.FromMilliseconds(100);
        try
        {
            while (!stopping.IsCancellationRequested && !child.HasExited)
            {
                if (await probe.IsHealthyAsync(Url, Resource.HealthPath, stopping))
                {
                    if (!child.HasExited && !stopping.IsCancellationRequested)
                    {
                        SetState("Running");
                        Log.Healthy(logger, Name, (DateTimeOffset.UtcNow - child.StartedAt).TotalSeconds);
                        _healthy.TrySetResult();
                    }

                    return;
                }

                await Task.Delay(interval, stopping);

                // Fast at first (most services are up within a second or two), then gentler.
                interval = TimeSpan.FromMilliseconds(Math.Min(1000, interval.TotalMilliseconds * 1.5));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException && stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void SetState(string state)
    {
        if (State != state)
        {
            State = state;
            onStateChanged();
        }
    }
}
