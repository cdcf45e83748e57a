using System.Runtime.InteropServices;

namespace ImagingBench;

/// <summary>CPU time (user + system) of this process's threads plus its finished child processes (getrusage).</summary>
internal static partial class CpuTime
{
    private const int Self = 0;
    private const int Children = -1;

    public static TimeSpan Total() => Of(Self) + Of(Children);

    private static TimeSpan Of(int who)
    {
        // struct rusage starts with two struct timeval (user, system): seconds and microseconds, 64 bits each on x86-64.
        Span<long> usage = stackalloc long[18];
        if (getrusage(who, ref MemoryMarshal.GetReference(usage)) != 0)
        {
            throw new InvalidOperationException("getrusage failed: " + Marshal.GetLastPInvokeError());
        }

        return TimeSpan.FromMicroseconds((usage[0] * 1_000_000) + usage[1] + (usage[2] * 1_000_000) + usage[3]);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, ref long usage);
}
