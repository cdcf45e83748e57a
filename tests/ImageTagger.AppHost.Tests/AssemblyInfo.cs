// Like the AppHost it tests: POSIX processes, signals and PostgreSQL as another user.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]

// Each app start runs PostgreSQL and four .NET services: one app at a time on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
