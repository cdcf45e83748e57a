using System.Globalization;

namespace ImageTagger.AppHost.Startup;

/// <summary>
/// One AppHost per data folder: <c>apphost.lock</c> held open exclusively (an flock the kernel releases even when the
/// AppHost is killed, so a stale lock never blocks). Taken while the model is built, released when the app is disposed.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private DataFolderLock(FileStream stream) => _stream = stream;

    public static DataFolderLock Acquire(string dataDir)
    {
        // 0755: PostgreSQL (the postgres user when we are root) must traverse it to reach pgdata (itself 0700).
        Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var pidFile = Path.Combine(dataDir, "apphost.pid");
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(dataDir, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : null;
            throw new InvalidAppHostSettingException(
                $"Another AppHost{(string.IsNullOrEmpty(owner) ? "" : $" (pid {owner})")} is using {dataDir}: stop it, or pass another --data-dir.");
        }

        File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new DataFolderLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Takes the data folder's lock as the app starts (resolving it) and keeps it until the app is disposed.</summary>
internal sealed class DataFolderLockHolder(DataFolderLock dataFolderLock) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(dataFolderLock);
        return Task.CompletedTask;
    }
}
