using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Libvips = NetVips.NetVips;

namespace ImageTagger.Imaging;

/// <summary>Process-wide libvips state (through NetVips): checked once, settings applied by the first caller.</summary>
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

            // NetVips loads and initialises libvips when its assembly loads; a missing library is reported here.
            if (!ModuleInitializer.VipsInitialized)
            {
                throw new InvalidOperationException(
                    "libvips (libvips.so.42) could not be loaded; install the Debian package libvips42.", ModuleInitializer.Exception);
            }

            // The operation cache keeps decoded files open and would serve stale pixels after a
            // file is rewritten in place, and we never repeat an operation: keep it off by default.
            Cache.Max = options.VipsCacheMaxOperations;
            Cache.MaxMem = (ulong)(options.VipsCacheMaxMemoryMb * 1024L * 1024L);
            Cache.MaxFiles = Math.Max(options.VipsCacheMaxOperations, 0);
            if (options.VipsConcurrency > 0)
            {
                Libvips.Concurrency = options.VipsConcurrency;
            }

            // Route libvips/GLib warnings ("VIPS-WARNING: ... error in tile") into our logger instead of stderr.
            const Enums.LogLevelFlags levels = Enums.LogLevelFlags.Critical | Enums.LogLevelFlags.Warning
                | Enums.LogLevelFlags.Message | Enums.LogLevelFlags.Info | Enums.LogLevelFlags.Debug | Enums.LogLevelFlags.Error;
            Log.SetLogHandler("VIPS", levels, OnLog);
            Log.SetLogHandler("GLib-GObject", levels, OnLog);

            Version = $"{Libvips.Version(0)}.{Libvips.Version(1)}.{Libvips.Version(2)}";
            LogInitialized(s_logger, Version, options.VipsConcurrency, options.VipsCacheMaxOperations);
            s_initialized = true;
        }
    }

    private static void OnLog(string domain, Enums.LogLevelFlags level, string message)
    {
        try
        {
            if ((level & (Enums.LogLevelFlags.Critical | Enums.LogLevelFlags.Error)) != 0)
            {
                LogNativeCritical(s_logger, domain ?? "glib", message);
            }
            else
            {
                LogNativeMessage(s_logger, domain ?? "glib", message);
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
