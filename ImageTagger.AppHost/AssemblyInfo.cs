// The AppHost drives POSIX tools (setsid, runuser, pg_ctl via scripts/pg.sh) and signals: Linux and macOS only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
