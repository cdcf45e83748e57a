using ImageTagger.AppHost.Processes;

namespace ImageTagger.AppHost.Tests;

public sealed class ServiceBuildTests
{
    [Fact]
    public void Follows_project_references_transitively()
    {
        var closure = ServiceBuild.ProjectClosure(Path.Combine(TestPaths.RepositoryRoot, "ImageTagger.Processing", "ImageTagger.Processing.csproj"));

        Assert.Contains(closure, p => p.EndsWith("ImageTagger.Catalog.csproj", StringComparison.Ordinal));
        Assert.Contains(closure, p => p.EndsWith("ImageTagger.ServiceDefaults.csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void A_service_is_stale_when_it_or_a_referenced_project_changed_after_its_output()
    {
        var root = Directory.CreateTempSubdirectory("imagetagger-stale-").FullName;
        try
        {
            var old = DateTime.UtcNow.AddMinutes(-10);
            var service = Write(root, "Service/Service.csproj", """<Project><ItemGroup><ProjectReference Include="..\Lib\Lib.csproj" /></ItemGroup></Project>""", old);
            var serviceSource = Write(root, "Service/Program.cs", "", old);
            var librarySource = Write(root, "Lib/Code.cs", "", old);
            Write(root, "Lib/Lib.csproj", "<Project />", old);
            var dll = Write(root, "Service/bin/Debug/net10.0/Service.dll", "", old.AddMinutes(1));
            Write(root, "Service/bin/Debug/net10.0/Lib.dll", "", old.AddMinutes(1));

            Assert.False(ServiceBuild.IsStale(service, dll, root));

            File.SetLastWriteTimeUtc(librarySource, old.AddMinutes(2));
            Assert.True(ServiceBuild.IsStale(service, dll, root));

            File.SetLastWriteTimeUtc(librarySource, old);
            File.SetLastWriteTimeUtc(serviceSource, old.AddMinutes(2));
            Assert.True(ServiceBuild.IsStale(service, dll, root));

            Assert.True(ServiceBuild.IsStale(service, Path.Combine(root, "missing.dll"), root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Write(string root, string relative, string content, DateTime writtenUtc)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, writtenUtc);
        return path;
    }
}
