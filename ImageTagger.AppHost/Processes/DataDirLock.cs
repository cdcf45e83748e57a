using System.Globalization;
using ImageTagger.AppHost.Output;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Processes;

/// <summary>
/// One AppHost per data folder: <c>apphost.lock</c> is held open exclusively (an flock, released by the kernel
/// even when we are killed). Taking it also cleans up after a predecessor that was killed (SIGKILL, OOM) before it
/// could stop its children: those are found through the apphost.json it left.
/// </summary>
internal sealed class DataDirLock : IDisposable
{
    private readonly FileStream _stream;

    private DataDirLock(FileStream stream) => _stream = stream;

    public static DataDirLock Acquire(AppHostOptions options, ILogger logger)
    {
        var path = Path.Combine(options.DataDir, "apphost.lock");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = StateFile.Read(options.StateFilePath)?.AppHostPid;
            throw new StartupException(
                $"Another AppHost{(owner is null ? "" : $" (pid {owner.Value.ToString(CultureInfo.InvariantCulture)})")} is using {options.DataDir}: " +
                "stop it, or pass another --data-dir.");
        }

        stream.SetLength(0);
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }

        KillLeftovers(options, logger);
        return new DataDirLock(stream);
    }

    public void Dispose() => _stream.Dispose();

    private static void KillLeftovers(AppHostOptions options, ILogger logger)
    {
        AppHostState? previous;
        try
        {
            previous = StateFile.Read(options.StateFilePath);
        }
        catch (System.Text.Json.JsonException)
        {
            previous = null;
        }

        if (previous is null)
        {
            return;
        }

        // PostgreSQL is handled by PostgresServer (pg_ctl knows its own cluster); only our children are checked here,
        // and only processes that still carry the service name we gave them, so a recycled pid is never touched.
        foreach (var resource in previous.Resources.Where(r => r.Pid is not null && r.Resource != "postgres"))
        {
            var pid = resource.Pid!.Value;
            if (NativeMethods.IsAlive(pid) && HasEnvironment(pid, $"OTEL_SERVICE_NAME={resource.Resource}"))
            {
                Log.KilledLeftover(logger, resource.Name, pid);
                NativeMethods.SignalGroup(pid, NativeMethods.SIGKILL);
                NativeMethods.Signal(pid, NativeMethods.SIGKILL);
            }
        }

        StateFile.Delete(options.StateFilePath);
    }

    private static bool HasEnvironment(int pid, string entry)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").Split('\0').Contains(entry, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
