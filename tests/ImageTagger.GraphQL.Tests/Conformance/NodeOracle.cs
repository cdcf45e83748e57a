using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageTagger.GraphQL.Tests.Conformance;

/// <summary>Runs tests/graphql-conformance/oracle.js (graphql-js) once for a whole batch of items.</summary>
public static class NodeOracle
{
    public static string ConformanceDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImageTagger.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("ImageTagger.sln not found above the test assembly.");
            return Path.Combine(dir.FullName, "tests", "graphql-conformance");
        }
    }

    public static IReadOnlyList<JsonElement> Run(IReadOnlyDictionary<string, string> schemas, IReadOnlyList<JsonObject> items)
    {
        var dir = ConformanceDirectory;
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "graphql")))
            throw new InvalidOperationException($"graphql-js is not installed: run `npm ci` in {dir}.");
        var batch = new JsonObject
        {
            ["schemas"] = new JsonObject(schemas.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
        };
        var psi = new ProcessStartInfo("node", "oracle.js")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("node could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(batch.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException("graphql-js oracle did not finish in time.");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException("oracle failed: " + stderr.Result);
        using var doc = JsonDocument.Parse(stdout.Result);
        return doc.RootElement.GetProperty("results").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
