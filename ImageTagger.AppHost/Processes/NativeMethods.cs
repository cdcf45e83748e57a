using System.Runtime.InteropServices;

namespace ImageTagger.AppHost.Processes;

/// <summary>kill(2): .NET can only kill a whole tree, not send SIGTERM/SIGINT or signal a process group.</summary>
internal static partial class NativeMethods
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Signals a process; true when it was delivered.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Signals every process of the group led by <paramref name="pgid"/>.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 0 && Kill(-pgid, signal) == 0;

    /// <summary>Whether a process exists (signal 0 checks without sending anything).</summary>
    public static bool IsAlive(int pid) =>
        pid > 0 && (Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: exists, not ours */) && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
