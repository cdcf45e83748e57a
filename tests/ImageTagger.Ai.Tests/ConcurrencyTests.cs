using ImageTagger.Ai.Resilience;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task In_flight_requests_never_exceed_MaxConcurrency_while_kept_saturated()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.Latency = TimeSpan.FromMilliseconds(150);
        server.HoldUntilInFlight(target: 2, total: 8);
        using var client = Chat(server, o => o.MaxConcurrency = 2);

        var started = DateTime.UtcNow;
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.GetResponseAsync($"request {i}", cancellationToken: Ct)));

        Assert.All(answers, a => Assert.NotEmpty(a.Text));
        Assert.Equal(8, server.RequestCount(LoopbackEndpoint.Chat));
        Assert.Equal(2, server.MaxConcurrentObserved);                      // the limit was reached and held
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(4 * 150 - 50), "8 requests at 2 at a time need 4 rounds");
    }

    [Fact]
    public async Task Chat_and_embeddings_share_one_limit_per_endpoint()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.Latency = TimeSpan.FromMilliseconds(120);
        server.HoldUntilInFlight(target: 3, total: 12);
        await using var services = Services(server, new Dictionary<string, string?> { ["Ollama:MaxConcurrency"] = "3" });
        var chat = services.GetRequiredService<IChatClient>();
        var embeddings = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var calls = Enumerable.Range(0, 6).Select(i => (Task)chat.GetResponseAsync($"chat {i}", cancellationToken: Ct))
            .Concat(Enumerable.Range(0, 6).Select(i => (Task)embeddings.GenerateAsync([$"text {i}"], cancellationToken: Ct)));
        await Task.WhenAll(calls);

        Assert.Equal(6, server.RequestCount(LoopbackEndpoint.Chat));
        Assert.Equal(6, server.RequestCount(LoopbackEndpoint.Embed));
        Assert.Equal(3, server.MaxConcurrentObserved);
        Assert.Equal(0, services.GetRequiredService<OllamaConcurrencyLimiter>().InFlight);
    }

    [Fact]
    public async Task A_stream_holds_its_slot_until_it_ends()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "a b c d";
        server.StreamChunkDelay = TimeSpan.FromMilliseconds(40);
        using var client = Chat(server, o => o.MaxConcurrency = 1);

        async Task<string> ReadAllAsync()
        {
            var text = "";
            await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
                text += update.Text;
            }

            return text;
        }

        var results = await Task.WhenAll(ReadAllAsync(), ReadAllAsync(), ReadAllAsync());

        Assert.All(results, r => Assert.Equal("a b c d", r));
        Assert.Equal(1, server.MaxConcurrentObserved);
    }

    [Fact]
    public async Task Retries_wait_outside_the_slot_so_other_work_proceeds()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(503, "server overloaded"));

        // A backoff far longer than any test: the second call can only finish if the first's wait holds no slot.
        using var client = Chat(server, o =>
        {
            o.MaxConcurrency = 1;
            o.RetryBaseDelay = TimeSpan.FromMinutes(10);
        });

        using var firstCall = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = client.GetResponseAsync("first", cancellationToken: firstCall.Token);
        await Poll.UntilAsync(() => server.RequestCount(LoopbackEndpoint.Chat) == 1, "the first call reached the server");
        var second = await client.GetResponseAsync("second", cancellationToken: Ct);

        Assert.NotEmpty(second.Text);
        Assert.False(first.IsCompleted, "the first call is still backing off");
        await firstCall.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Limiter_counts_and_releases_leases()
    {
        using var limiter = new OllamaConcurrencyLimiter(2);
        var a = await limiter.AcquireAsync(Ct);
        var b = await limiter.AcquireAsync(Ct);
        var third = limiter.AcquireAsync(Ct).AsTask();

        await Task.Delay(50, Ct);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, limiter.InFlight);

        a.Dispose();
        a.Dispose();                                                        // double release must not free two slots
        using var c = await third;
        Assert.Equal(2, limiter.InFlight);
        b.Dispose();
        Assert.Equal(1, limiter.InFlight);
    }
}
