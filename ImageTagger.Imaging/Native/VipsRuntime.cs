using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTagger.Imaging.Native;

/// <summary>Process-wide libvips state: initialised once, settings applied by the first caller.</summary>
internal static partial class VipsRuntime
{
    private static readonly Lock s_gate = new();
    private static volatile bool s_initialized;
    private static ILogger s_logger = NullLogger.Instance;

    public static string? Version { get; private set; }

    public static void EnsureInitialized(ImagingOptions options, ILogger? logger = null)
    {
        if (s_initialized)
        {
            return;
        }

        lock (s_gate)
        {
            if (s_initialized)
            {
                return;
            }

            s_logger = logger ?? NullLogger.Instance;
            try
            {
                if (VipsNative.vips_init("ImageTagger") != 0)
                {
                    throw new InvalidOperationException("libvips failed to initialise: " + TakeError());
                }
            }
            catch (DllNotFoundException ex)
            {
                throw new InvalidOperationException(
                    "libvips (libvips.so.42) is not installed; install the Debian package libvips42.", ex);
            }

            // The operation cache keeps decoded files open and would serve stale pixels after a
            // file is rewritten in place, and we never repeat an operation: keep it off by default.
            VipsNative.vips_cache_set_max(options.VipsCacheMaxOperations);
            VipsNative.vips_cache_set_max_mem((nuint)(options.VipsCacheMaxMemoryMb * 1024L * 1024L));
            VipsNative.vips_cache_set_max_files(Math.Max(options.VipsCacheMaxOperations, 0));
            if (options.VipsConcurrency > 0)
            {
                VipsNative.vips_concurrency_set(options.VipsConcurrency);
            }

            InstallLogHandler();
            Version = $"{VipsNative.vips_version(0)}.{VipsNative.vips_version(1)}.{VipsNative.vips_version(2)}";
            LogInitialized(s_logger, Version, options.VipsConcurrency, options.VipsCacheMaxOperations);
            s_initialized = true;
        }
    }

    /// <summary>
    /// Reads and clears libvips' error buffer. The buffer is process-global, so under concurrency a
    /// message may belong to a neighbouring failure; callers always add their own context (path, step).
    /// </summary>
    public static string TakeError()
    {
        var ptr = VipsNative.vips_error_buffer_copy();
        if (ptr == IntPtr.Zero)
        {
            return string.Empty;
        }

        try
        {
            return (Marshal.PtrToStringUTF8(ptr) ?? string.Empty).Trim();
        }
        finally
        {
            VipsNative.g_free(ptr);
        }
    }

    private static unsafe void InstallLogHandler()
    {
        // Route libvips/GLib warnings ("VIPS-WARNING: ... error in tile") into our logger instead of stderr.
        const int levels = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7); // CRITICAL..DEBUG
        VipsNative.g_log_set_handler("VIPS", levels, &OnGLog, IntPtr.Zero);
        VipsNative.g_log_set_handler("GLib-GObject", levels, &OnGLog, IntPtr.Zero);
    }

    [UnmanagedCallersOnly]
    private static void OnGLog(IntPtr domain, int level, IntPtr message, IntPtr userData)
    {
        try
        {
            var text = Marshal.PtrToStringUTF8(message) ?? string.Empty;
            var source = Marshal.PtrToStringUTF8(domain) ?? "glib";
            if ((level & (1 << 3)) != 0)
            {
                LogNativeCritical(s_logger, source, text);
            }
            else
            {
                LogNativeMessage(s_logger, source, text);
            }
        }
        catch
        {
            // Never let an exception unwind into native code.
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "libvips {Version} initialised (concurrency {Concurrency}, operation cache {CacheMax})")]
    private static partial void LogInitialized(ILogger logger, string version, int concurrency, int cacheMax);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Domain}: {Message}")]
    private static partial void LogNativeMessage(ILogger logger, string domain, string message);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Domain}: {Message}")]
    private static partial void LogNativeCritical(ILogger logger, string domain, string message);
}
