using System.Diagnostics;
using System.Security;
using System.Xml.Linq;
using ImageTagger.AppHost.Output;

namespace ImageTagger.AppHost.Processes;

/// <summary>
/// Builds the services once, up front, before anything starts. Only when needed: a project is stale when a source
/// in it or in a project it references is newer than its output (a warm start then builds nothing). All stale
/// projects go to one MSBuild invocation (a generated traversal project), so shared projects build once.
/// </summary>
internal static class ServiceBuild
{
    private static readonly string[] s_sourceExtensions = [".cs", ".csproj", ".razor", ".cshtml", ".props", ".targets", ".mjs"];
    private static readonly string[] s_repositoryFiles = ["Directory.Build.props", "Directory.Packages.props"];

    public static bool IsStale(string csproj, string outputDll, string repositoryRoot)
    {
        if (!File.Exists(outputDll))
        {
            return true;
        }

        var built = File.GetLastWriteTimeUtc(outputDll);
        if (s_repositoryFiles.Select(f => Path.Combine(repositoryRoot, f)).Any(f => File.Exists(f) && File.GetLastWriteTimeUtc(f) > built))
        {
            return true;
        }

        // Each project against its own assembly in the output folder: a referenced project rebuilt without a public
        // API change leaves the service's dll untouched (reference assemblies), but its copy there is refreshed.
        var outputDir = Path.GetDirectoryName(outputDll)!;
        foreach (var project in ProjectClosure(csproj))
        {
            var copy = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(project) + ".dll");
            var projectBuilt = File.Exists(copy) ? File.GetLastWriteTimeUtc(copy) : DateTime.MinValue;
            if (SourcesOf(project).Any(file => File.GetLastWriteTimeUtc(file) > projectBuilt))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs <c>dotnet build</c> on all <paramref name="projects"/> at once; returns the error lines, empty on success.</summary>
    public static async Task<IReadOnlyList<string>> BuildAsync(IReadOnlyCollection<string> projects, CancellationToken cancellationToken)
    {
        var traversal = Path.Combine(Path.GetTempPath(), $"imagetagger-apphost-{Environment.ProcessId}.proj");
        var items = string.Concat(projects.Select(p => $"""    <ServiceProject Include="{SecurityElement.Escape(p)}" />{Environment.NewLine}"""));
        await File.WriteAllTextAsync(traversal, $"""
            <Project DefaultTargets="Build">
              <ItemGroup>
            {items}  </ItemGroup>
              <!-- dotnet build runs Restore first, in its own evaluation, as Microsoft.Build.Traversal does. -->
              <Target Name="Restore">
                <MSBuild Projects="@(ServiceProject)" Targets="Restore" />
              </Target>
              <Target Name="Build">
                <MSBuild Projects="@(ServiceProject)" Targets="Build" BuildInParallel="true" />
              </Target>
            </Project>
            """, cancellationToken);
        try
        {
            var info = new ProcessStartInfo(LaunchResolver.DotnetHost)
            {
                ArgumentList = { "build", traversal, "-nologo", "-v", "q" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var build = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet build");
            var errors = new List<string>();
            void OnLine(string? line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    return;
                }

                // Quiet verbosity still ends with a summary; only warnings and errors are worth showing.
                var isError = line.Contains(": error ", StringComparison.Ordinal);
                if (isError || line.Contains(": warning ", StringComparison.Ordinal))
                {
                    LogPrinter.Write("build", line.Trim(), isError);
                }

                if (isError)
                {
                    lock (errors)
                    {
                        errors.Add(line.Trim());
                    }
                }
            }

            build.OutputDataReceived += (_, e) => OnLine(e.Data);
            build.ErrorDataReceived += (_, e) => OnLine(e.Data);
            build.BeginOutputReadLine();
            build.BeginErrorReadLine();
            await build.WaitForExitAsync(cancellationToken);
            return build.ExitCode == 0 ? [] : errors.Count > 0 ? [.. errors.Distinct()] : [$"dotnet build exited with code {build.ExitCode}"];
        }
        finally
        {
            File.Delete(traversal);
        }
    }

    /// <summary>The project and every project it references, transitively.</summary>
    internal static IReadOnlyCollection<string> ProjectClosure(string csproj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project) || !File.Exists(project))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(project)!;
            foreach (var reference in XDocument.Load(project).Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                if (reference.Attribute("Include")?.Value is { Length: > 0 } include)
                {
                    pending.Push(Path.GetFullPath(Path.Combine(directory, include.Replace('\\', Path.DirectorySeparatorChar))));
                }
            }
        }

        return seen;
    }

    private static IEnumerable<string> SourcesOf(string csproj)
    {
        var directory = Path.GetDirectoryName(csproj)!;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(directory, "*", options).Where(file =>
        {
            var relative = Path.GetRelativePath(directory, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            return top is not ("bin" or "obj" or "node_modules" or "wwwroot") && s_sourceExtensions.Contains(Path.GetExtension(file), StringComparer.Ordinal);
        });
    }
}
