using System.Runtime.InteropServices;

namespace ImageTagger.Ai.Offline;

/// <summary>What the C allocator (glibc malloc) holds for the process, in bytes.</summary>
/// <param name="InUse">Handed out and not yet freed (arenas plus mmapped blocks): grows only on a leak.</param>
/// <param name="FreeHeld">Freed but kept by the allocator in its arenas: grows with fragmentation.</param>
public readonly record struct NativeHeapStats(long InUse, long FreeHeld);

/// <summary>
/// ONNX Runtime and libvips allocate with glibc malloc, which keeps freed memory in per-thread arenas instead of
/// giving it back. These calls read what it holds and hand free pages back; they do nothing where glibc is absent.
/// </summary>
public static class NativeHeap
{
    /// <summary>Gives free pages of every malloc arena back to the system (glibc's malloc_trim). False where unavailable.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl and other C libraries have no malloc_trim.
            return false;
        }
    }

    /// <summary>glibc's mallinfo2 summed over all arenas; null where unavailable.</summary>
    public static NativeHeapStats? Stats()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var info = MallInfo2();
            return new NativeHeapStats((long)(info.Uordblks + info.Hblkhd), (long)info.Fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // DllImport, not LibraryImport: the signatures are blittable, and this project compiles without unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern MallInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
