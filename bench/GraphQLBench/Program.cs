using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;
using GraphQLBench;

// Parse + validate + execute on every request (no document cache), like graphql-js's graphql() without caching.
var users = Enumerable.Range(1, 3).Select(i => new User($"u{i}", $"User {i}", $"user{i}@example.com")).ToArray();
var images = Enumerable.Range(1, 10).Select(i => new Image(
    $"img{i}", $"Image {i}", 800 + i, 600 + i, i / 2.0, "2024-01-01T00:00:00Z",
    [new Tag("cat", 0.9), new Tag("sofa", 0.5)], users[i % 3], i % 2 == 0 ? new Camera("Canon", "R5", 100 * i) : null)).ToArray();

var schema = new SchemaBuilder()
    .AddTypeDefinitions(BenchSchema.Sdl)
    .Object("Query", q => q
        .Resolve("images", ctx => images.Take(ctx.Argument<int>("first")))
        .Resolve("viewer", _ => users[0]))
    .Build();
var executor = new GraphQLExecutor(schema, new ExecutionOptions { DocumentCacheSize = 0 });
var variables = new Dictionary<string, object?> { ["first"] = 10L };

async Task<ExecutionResult> RunOnce()
{
    var document = Parser.Parse(BenchSchema.Query);
    return await executor.ExecuteAsync(new ExecutionRequest { Document = document, Variables = variables });
}

var check = await RunOnce();
if (check.Errors.Count > 0) throw new InvalidOperationException(check.Errors[0].Message);
var resultJson = check.ToJson();

// Allocation per phase (one request, after warm-up), to show where the bytes go.
static long Measure(Action action)
{
    action();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    for (var i = 0; i < 100; i++) action();
    return (GC.GetTotalAllocatedBytes(precise: true) - before) / 100;
}
var parsed = Parser.Parse(BenchSchema.Query);
var parseBytes = Measure(() => Parser.Parse(BenchSchema.Query));
var validateBytes = Measure(() => ImageTagger.GraphQL.Validation.DocumentValidator.Validate(schema, parsed));
var cachedExecutor = new GraphQLExecutor(schema);
var executeBytes = Measure(() => cachedExecutor.ExecuteAsync(new ExecutionRequest { Query = BenchSchema.Query, Variables = variables }).GetAwaiter().GetResult());

var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
for (var i = 0; i < 2000; i++) await RunOnce(); // warm-up (JIT tiers)
GC.Collect();
var sw = Stopwatch.StartNew();
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
long n = 0;
while (sw.Elapsed.TotalSeconds < seconds)
{
    await RunOnce();
    n++;
}
sw.Stop();
var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)n;
var dotnetRps = n / sw.Elapsed.TotalSeconds;

// Ours against GraphQL.NET 8.8.5 in the same process and graphql-js in node, interleaved: per request parse + validate + execute (no document
// cache on either side) + the response JSON into a reused buffer. Batches alternate engine and order; medians of batches.
using var net = new GraphQLNetSide(images, users);
var ourBuffer = new ArrayBufferWriter<byte>(16 * 1024);
var ourWriter = new Utf8JsonWriter(ourBuffer);
async Task<int> OursWithJson()
{
    var r = await RunOnce();
    ourBuffer.ResetWrittenCount();
    ourWriter.Reset(ourBuffer);
    r.WriteTo(ourWriter);
    ourWriter.Flush();
    return ourBuffer.WrittenCount;
}
await OursWithJson();
await net.RunAsync();
var jsonBytes = Measure(() =>
{
    ourBuffer.ResetWrittenCount();
    ourWriter.Reset(ourBuffer);
    check.WriteTo(ourWriter);
    ourWriter.Flush();
});

// graphql-js in the same rounds: bench.js --serve runs one batch per line we send and answers with its time and heap growth.
var repoRoot = new DirectoryInfo(AppContext.BaseDirectory);
while (repoRoot is not null && !File.Exists(Path.Combine(repoRoot.FullName, "ImageTagger.sln"))) repoRoot = repoRoot.Parent;
using var js = repoRoot is null ? null : JsSide.Start(Path.Combine(repoRoot.FullName, "bench", "GraphQLBench"), resultJson);
var sameAsNet = JsonSame(JsonDocument.Parse(ourBuffer.WrittenMemory).RootElement, JsonDocument.Parse(net.LastJson).RootElement);
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21;
const int batch = 400;
for (var i = 0; i < 2000; i++) { await OursWithJson(); await net.RunAsync(); } // warm-up (JIT tiers) for both
for (var i = 0; i < 5; i++) js?.Batch(batch); // and for V8
var oursTimes = new List<double>(); var oursBytes = new List<double>();
var netTimes = new List<double>(); var netBytes = new List<double>();
var jsTimes = new List<double>(); var jsBytes = new List<double>();
for (var round = 0; round < rounds; round++)
{
    // Rotate which engine goes first so none always runs right after a collection another caused.
    for (var k = 0; k < 3; k++)
    {
        switch ((round + k) % 3)
        {
            case 0: await Batch(OursWithJson, oursTimes, oursBytes); break;
            case 1: await Batch(net.RunAsync, netTimes, netBytes); break;
            default:
                if (js?.Batch(batch) is var (micros, bytes))
                {
                    jsTimes.Add(micros);
                    if (!double.IsNaN(bytes)) jsBytes.Add(bytes);
                }
                break;
        }
    }
}

static async Task Batch(Func<Task<int>> run, List<double> times, List<double> bytes)
{
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < batch; i++) await run();
    sw.Stop();
    bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)batch);
    times.Add(sw.Elapsed.TotalMicroseconds / batch);
}
static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}
// Same data, numbers compared by value (one engine may print 1 where the other prints 1.0).
static bool JsonSame(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
{
    (JsonValueKind.Object, JsonValueKind.Object) => a.EnumerateObject().Count() == b.EnumerateObject().Count()
        && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var q) && JsonSame(p.Value, q)),
    (JsonValueKind.Array, JsonValueKind.Array) => a.GetArrayLength() == b.GetArrayLength()
        && a.EnumerateArray().Zip(b.EnumerateArray()).All(t => JsonSame(t.First, t.Second)),
    (JsonValueKind.Number, JsonValueKind.Number) => a.GetDouble() == b.GetDouble(),
    _ => a.ValueKind == b.ValueKind && a.ToString() == b.ToString(),
};

// graphql-js, same schema, data, query and duration (bench.js); run with node from the conformance folder's node_modules.
var root = repoRoot;
string? jsLine = null;
if (root is not null)
{
    var psi = new ProcessStartInfo("node")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        WorkingDirectory = Path.Combine(root.FullName, "bench", "GraphQLBench"),
    };
    foreach (var a in new[] { "--expose-gc", "--max-semi-space-size=256", "bench.js", seconds.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
    try
    {
        using var p = Process.Start(psi)!;
        jsLine = (await p.StandardOutput.ReadToEndAsync()).Trim();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) jsLine = "error: " + await p.StandardError.ReadToEndAsync();
    }
    catch (System.ComponentModel.Win32Exception ex)
    {
        jsLine = "error: " + ex.Message;
    }
}

Console.WriteLine($"Workload: parse + validate + execute, {BenchSchema.Query.Split('\n').Length} lines, 30 selections, 10 images; result {resultJson.Length} bytes");
Console.WriteLine($"{"engine",-22} {"requests/s",12} {"alloc/request",16}");
Console.WriteLine($"{"ImageTagger.GraphQL",-22} {dotnetRps,12:N0} {allocated,13:N0} B   (parse {parseBytes:N0} B, validate {validateBytes:N0} B, execute {executeBytes:N0} B, JSON {jsonBytes:N0} B)");
Console.WriteLine();
Console.WriteLine($"Interleaved: {rounds} rounds of {batch} requests per engine (ours and GraphQL.NET in this process, graphql-js in node, batches alternating); per request parse + validate + execute + JSON; medians of rounds");
Console.WriteLine($"{"engine",-22} {"µs/request",12} {"requests/s",12} {"alloc/request",16}");
var (ot, ob, nt, nb) = (Median(oursTimes), Median(oursBytes), Median(netTimes), Median(netBytes));
Console.WriteLine($"{"ImageTagger.GraphQL",-22} {ot,12:N1} {1e6 / ot,12:N0} {ob,14:N0} B");
Console.WriteLine($"{"GraphQL.NET 8.8.5",-22} {nt,12:N1} {1e6 / nt,12:N0} {nb,14:N0} B");
if (jsTimes.Count > 0)
{
    var jt = Median(jsTimes);
    var jb = jsBytes.Count > 0 ? Median(jsBytes) : double.NaN;
    Console.WriteLine($"{"graphql-js " + js!.Version,-22} {jt,12:N1} {1e6 / jt,12:N0} {jb,14:N0} B   (approx.: V8 heap growth, {jsBytes.Count} of {jsTimes.Count} batches without a scavenge)");
    Console.WriteLine($"ours / GraphQL.NET: time {ot / nt:N2}x, allocation {ob / nb:N2}x; same response data: {(sameAsNet ? "yes" : "NO")}");
    Console.WriteLine($"ours / graphql-js: time {ot / jt:N2}x, allocation {ob / jb:N2}x; identical JSON: {(js.SameJson ? "yes" : "NO")}");
}
else
{
    Console.WriteLine($"ours / GraphQL.NET: time {ot / nt:N2}x, allocation {ob / nb:N2}x; same response data: {(sameAsNet ? "yes" : "NO")}");
    Console.WriteLine("graphql-js: not in the rounds (node or ImageTagger.sln not found)");
}
Console.WriteLine();
if (jsLine is not null && !jsLine.StartsWith("error", StringComparison.Ordinal))
{
    var parts = jsLine.Split(' ');
    var rps = double.Parse(parts[0], CultureInfo.InvariantCulture);
    var bytes = double.Parse(parts[1], CultureInfo.InvariantCulture);
    Console.WriteLine($"Alone for {seconds} s, as the first table: graphql-js {parts[2]} {rps:N0} requests/s, ~{bytes:N0} B/request (V8 heap growth)");
    var same = parts.Length > 3 && parts[3] == Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(resultJson)));
    Console.WriteLine(same ? "Results are identical JSON." : "Results differ from graphql-js!");
}
else
{
    Console.WriteLine($"graphql-js: {jsLine ?? "not run (ImageTagger.sln not found)"}");
}

/// <summary>node running bench.js --serve: one batch per request line, answered with µs/request and bytes/request.</summary>
internal sealed class JsSide : IDisposable
{
    private readonly Process _process;

    private JsSide(Process process, string version, bool sameJson)
    {
        _process = process;
        Version = version;
        SameJson = sameJson;
    }

    public string Version { get; }
    public bool SameJson { get; }

    public static JsSide? Start(string directory, string ourJson)
    {
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        foreach (var a in new[] { "--expose-gc", "--max-semi-space-size=256", "bench.js", "--serve" }) psi.ArgumentList.Add(a);
        try
        {
            var p = Process.Start(psi)!;
            var ready = p.StandardOutput.ReadLine()?.Split(' ');
            if (ready is not { Length: 3 } || ready[0] != "ready")
            {
                p.Kill();
                p.Dispose();
                return null;
            }
            var ourHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ourJson)));
            return new JsSide(p, ready[1], ready[2] == ourHash);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public (double Micros, double Bytes)? Batch(int count)
    {
        _process.StandardInput.WriteLine(count.ToString(CultureInfo.InvariantCulture));
        _process.StandardInput.Flush();
        var parts = _process.StandardOutput.ReadLine()?.Split(' ');
        if (parts is not { Length: 2 }) return null;
        return (double.Parse(parts[0], CultureInfo.InvariantCulture),
            parts[1] == "NaN" ? double.NaN : double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("0");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}

internal sealed record User(string Id, string Name, string Email);
internal sealed record Tag(string Name, double Score);
internal sealed record Camera(string Make, string Model, int? Iso);
internal sealed record Image(string Id, string Title, int Width, int Height, double? Rating, string TakenAt, Tag[] Tags, User Author, Camera? Camera);
