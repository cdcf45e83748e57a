// Like the AppHost it tests: POSIX processes, signals and PostgreSQL as another user.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
