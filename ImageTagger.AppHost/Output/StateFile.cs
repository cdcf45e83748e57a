using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageTagger.AppHost.Output;

/// <summary><c>&lt;data-dir&gt;/apphost.json</c>: what is running where, for other tools and tests.</summary>
internal sealed record AppHostState(
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("appHostPid")] int AppHostPid,
    [property: JsonPropertyName("connectionString")] string? ConnectionString,
    [property: JsonPropertyName("resources")] IReadOnlyList<ResourceSnapshot> Resources);

internal sealed record ResourceSnapshot(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("pid")] int? Pid,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("restarts")] int Restarts);

internal static class StateFile
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>Written to a temporary file and renamed, so readers never see half a file.</summary>
    public static async Task WriteAsync(string path, AppHostState state, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, state, s_json, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static AppHostState? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<AppHostState>(File.ReadAllText(path), s_json) : null;

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stale file says ready=true only if we crashed, and its pids are then gone.
        }
    }
}
