using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;

// Options come as configuration: --name api --exit-code 3 --spawn-child true
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var name = builder.Configuration["name"] ?? "fake";

if (int.TryParse(builder.Configuration["exit-code"], out var exitCode))
{
    Console.Error.WriteLine($"{name}: {builder.Configuration["message"] ?? "failing on purpose"}");
    return exitCode;
}

// A grandchild: the AppHost must stop it too (process group / tree), or it would be orphaned.
using var grandchild = builder.Configuration["spawn-child"] == "true" ? Process.Start("sleep", "600") : null;

var app = builder.Build();
var graphqlRequests = new ConcurrentQueue<string>();

app.MapGet("/health", () => "Healthy");
app.MapGet("/alive", () => "Healthy");
app.MapGet("/env", () => new
{
    pid = Environment.ProcessId,
    grandchildPid = grandchild?.Id,
    environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal),
});
app.MapPost("/graphql", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    graphqlRequests.Enqueue(await reader.ReadToEndAsync());
    return Results.Json(new { errors = new[] { new { message = $"{name}: addFolder is not implemented" } } });
});
app.MapGet("/graphql-requests", () => graphqlRequests.ToArray());

// --ollama true: answers like an Ollama server (what `ollama serve` would), with --models a,b installed.
if (builder.Configuration["ollama"] == "true")
{
    var models = (builder.Configuration["models"] ?? "qwen2.5vl:7b,nomic-embed-text:latest").Split(',', StringSplitOptions.RemoveEmptyEntries);
    app.MapGet("/api/version", () => new { version = "0.0.0-fake" });
    app.MapGet("/api/tags", () => new { models = models.Select(m => new { name = m, model = m }) });
}

Console.WriteLine($"{name}: fake service starting (pid {Environment.ProcessId})");
await app.RunAsync();
return 0;
