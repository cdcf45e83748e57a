using System.Collections.Concurrent;
using System.Net;
using ImageTagger.Ai.Resilience;
using ImageTagger.Ai.Tagging;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

/// <summary>
/// Our middleware under Microsoft.Extensions.AI over OllamaSharp: the concurrency limit, retries, timeouts and the
/// mapping of every failure to an <see cref="OllamaFailureKind"/>, including what OllamaSharp alone loses
/// (Ollama's text on a 500, an error line inside a 200 answer).
/// </summary>
public sealed class MiddlewareTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xDB, 42, 43, 44, 45, 46, 47, 0xFF, 0xD9];

    [Fact]
    public async Task Embedding_batches_hold_a_slot_each_and_never_exceed_the_limit()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.HoldUntilInFlight(target: 2, total: 6);
        using var generator = Embeddings(server, o =>
        {
            o.MaxConcurrency = 2;
            o.EmbeddingBatchSize = 1;
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            generator.GenerateAsync([$"first {i}", $"second {i}"], cancellationToken: Ct)));

        Assert.All(results, r => Assert.Equal(2, r.Count));
        Assert.Equal(6, server.RequestCount(LoopbackEndpoint.Embed));        // 3 calls × 2 batches of 1
        Assert.Equal(2, server.MaxConcurrentObserved);
    }

    [Fact]
    public async Task Retries_count_attempts_and_back_off_with_a_logged_delay_each()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "llama runner process has terminated"), times: 3);
        var logs = new LogCapture();
        await using var services = Services(server, logs, new() { ["Ollama:MaxRetries"] = "3" });

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: Ct);

        Assert.NotEmpty(response.Text);
        Assert.Equal(4, server.RequestCount(LoopbackEndpoint.Chat));          // 1 + 3 retries
        var retries = logs.Entries.Where(e => e.EventId == 1100).ToList();
        Assert.Equal(3, retries.Count);
        Assert.All(retries, r => Assert.Contains("llama runner process has terminated", r.Message, StringComparison.Ordinal));
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], retries.Select(r => r.Message.Split('(', ')')[1]));
    }

    [Fact]
    public async Task No_retries_configured_means_exactly_one_attempt()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Embed, LoopbackFault.Status(503, "server busy"));
        using var generator = Embeddings(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.Overloaded, ex.Kind);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task Embedding_attempts_time_out_hang_up_and_end_as_a_timeout()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Embed, LoopbackFault.Hang());
        using var generator = Embeddings(server, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 2;
        });

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.Timeout, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, server.RequestCount(LoopbackEndpoint.Embed));
        await Poll.UntilAsync(() => server.AbortedByClient == 3, "the client hung up each attempt");
    }

    [Fact]
    public async Task A_stalled_stream_is_hung_up_when_its_time_is_over()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "slow slow slow";
        server.StreamChunkDelay = TimeSpan.FromSeconds(30);
        using var client = Chat(server, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        var (ex, received) = await StreamUntilFailureAsync(client);

        Assert.Equal(OllamaFailureKind.Timeout, ex.Kind);
        Assert.InRange(received.Count, 0, 1);                                // at most the first line, then nothing
        // OllamaSharp reads lines without a token; our answer stream's bound token is what closes the connection.
        await Poll.UntilAsync(() => server.AbortedByClient == 1, "the stalled stream was hung up");
    }

    public static TheoryData<string, int, OllamaFailureKind, bool> StatusFaults => new()
    {
        { "model requires more system memory (9.1 GiB) than is available", 500, OllamaFailureKind.ServerError, true },
        { "server busy, please try again. maximum pending requests exceeded", 503, OllamaFailureKind.Overloaded, true },
        { "server busy, please try again. maximum pending requests exceeded", 429, OllamaFailureKind.Overloaded, true },
        { "invalid input type", 400, OllamaFailureKind.BadRequest, false },
        { "model \"nomic-embed-text\" not found, try pulling it first", 404, OllamaFailureKind.ModelNotFound, false },
    };

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task Embed_error_statuses_map_to_their_kind_with_Ollamas_own_message(string error, int status, OllamaFailureKind kind, bool transient)
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Embed, LoopbackFault.Status(status, error));
        using var generator = Embeddings(server, o => o.MaxRetries = 1);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(error, ex.ServerError);                                 // OllamaSharp alone keeps this only for 400
        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal(transient ? 2 : 1, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task Streaming_500_fails_before_any_update_with_Ollamas_message()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "llama runner process has terminated: signal: killed"));
        using var client = Chat(server);

        var (ex, received) = await StreamUntilFailureAsync(client);

        Assert.Equal(OllamaFailureKind.ServerError, ex.Kind);
        Assert.Equal("llama runner process has terminated: signal: killed", ex.ServerError);
        Assert.Empty(received);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));         // streams are not retried
    }

    [Fact]
    public async Task Error_line_inside_a_200_answer_is_a_server_error_with_its_text_and_is_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Garbage("""{"error":"an error was encountered while running the model: unexpected EOF"}"""));
        using var client = Chat(server);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.NotEmpty(response.Text);                                      // the retry got a real answer
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));

        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Garbage("""{"error":"an error was encountered while running the model: unexpected EOF"}"""));
        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        Assert.Equal(OllamaFailureKind.ServerError, ex.Kind);
        Assert.Equal("an error was encountered while running the model: unexpected EOF", ex.ServerError);
    }

    [Fact]
    public async Task Error_line_mid_stream_stops_the_stream_after_the_good_lines()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "one two three four";
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.StreamError("CUDA error: out of memory"));
        using var client = Chat(server);

        var (ex, received) = await StreamUntilFailureAsync(client);

        Assert.Equal(OllamaFailureKind.ServerError, ex.Kind);
        Assert.Equal("CUDA error: out of memory", ex.ServerError);
        Assert.Equal(["one "], received);
    }

    [Fact]
    public async Task Embed_answers_that_are_not_Ollamas_shape_are_malformed()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var generator = Embeddings(server);

        server.FailNext(LoopbackEndpoint.Embed, LoopbackFault.Garbage());
        var garbage = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));
        server.FailNext(LoopbackEndpoint.Embed, LoopbackFault.Garbage("""{"model":"nomic-embed-text"}"""));
        var noVectors = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));
        server.FailNext(LoopbackEndpoint.Embed, LoopbackFault.Garbage("""{"model":"nomic-embed-text","embeddings":[[]]}"""));
        var empty = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.All([garbage, noVectors, empty], e => Assert.Equal(OllamaFailureKind.MalformedResponse, e.Kind));
        Assert.Contains("502 Bad Gateway", garbage.Message, StringComparison.Ordinal);
        Assert.Contains("\"embeddings\"", noVectors.Message, StringComparison.Ordinal);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount(LoopbackEndpoint.Embed));        // malformed is not retried
    }

    [Theory]
    [InlineData(OllamaFailureKind.TruncatedResponse)]
    [InlineData(OllamaFailureKind.Unreachable)]
    public async Task Half_an_embed_answer_or_a_dropped_connection_is_transient(OllamaFailureKind kind)
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Embed, kind == OllamaFailureKind.Unreachable ? LoopbackFault.DropConnection() : LoopbackFault.HalfAnswer());
        using var generator = Embeddings(server, o => o.MaxRetries = 1);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));

        Assert.Equal(kind, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Embed));
    }

    [Fact]
    public async Task Closed_port_is_unreachable_for_embeddings_and_status()
    {
        var url = await ClosedUrlAsync();
        var options = new OllamaOptions { Url = url.ToString(), MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
        using var generator = OllamaClients.CreateEmbeddingGenerator(
            OllamaClients.CreateHttpClient(options), options, new OllamaConcurrencyLimiter(1));

        var ex = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));
        var status = await Status(options).GetStatusAsync(Ct);              // OllamaSharp's IsRunningAsync would throw here

        Assert.Equal(OllamaFailureKind.Unreachable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.False(status.Reachable);
        Assert.Contains("unreachable", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_probe_500_reports_Ollamas_message()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Tags, LoopbackFault.Status(500, "could not read manifests: permission denied"));

        var status = await Status(Options(server)).GetStatusAsync(Ct);

        Assert.False(status.Reachable);
        Assert.Contains("could not read manifests: permission denied", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_at_trace_level_never_contain_the_image_bytes()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        var logs = new LogCapture();
        await using var services = Services(server, logs);

        await services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct);

        var base64 = Convert.ToBase64String(Jpeg);
        Assert.Contains(logs.Entries, e => e.Category == typeof(LoggingChatClient).FullName);   // UseLogging is in the chain
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(base64, StringComparison.Ordinal));
        Assert.Equal(base64, Assert.Single(server.ChatRequests).AllImages.Single());           // the bytes did go to Ollama
    }

    /// <summary>Reads a stream that must fail; returns the failure and the text of each update before it.</summary>
    private static async Task<(OllamaException Failure, List<string> Received)> StreamUntilFailureAsync(IChatClient client)
    {
        var received = new List<string>();
        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
                received.Add(update.Text);
            }
        });
        return (ex, received);
    }

    private static ServiceProvider Services(LoopbackOllamaServer server, LogCapture logs, Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Ollama:Url"] = server.Url.ToString(),
            ["Ollama:VisionModel"] = VisionModel,
            ["Ollama:EmbeddingModel"] = EmbeddingModel,
            ["Ollama:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddOllamaAi(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return services.BuildServiceProvider();
    }

    /// <summary>Every log line of every category, at every level.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        public sealed record Entry(string Category, LogLevel Level, int EventId, string Message);

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception) + exception));
        }
    }
}
