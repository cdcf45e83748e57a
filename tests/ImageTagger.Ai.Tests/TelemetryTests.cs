using System.Collections.Concurrent;
using System.Diagnostics;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.AI;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Chat_and_embedding_calls_emit_gen_ai_spans()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("ok") { PromptEvalCount = 11, EvalCount = 3 };
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(server, spans);
        using var chat = Chat(server);
        using var embeddings = Embeddings(server);

        await chat.GetResponseAsync("hi", new ChatOptions { Temperature = 0.2f }, Ct);
        await embeddings.GenerateAsync(["a", "b"], cancellationToken: Ct);

        var chatSpan = Assert.Single(spans, s => s.OperationName == $"chat {VisionModel}");
        Assert.Equal(ActivityKind.Client, chatSpan.Kind);
        Assert.Equal("ollama", chatSpan.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(VisionModel, chatSpan.GetTagItem("gen_ai.response.model"));
        // Value shapes are Microsoft.Extensions.AI's (UseOpenTelemetry): int counts, finish reasons as a JSON array string.
        Assert.Equal(11, chatSpan.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(3, chatSpan.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal("[\"stop\"]", chatSpan.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(ActivityStatusCode.Unset, chatSpan.Status);

        var embedSpan = Assert.Single(spans, s => s.OperationName == $"embeddings {EmbeddingModel}");
        Assert.Equal("embeddings", embedSpan.GetTagItem("gen_ai.operation.name"));
    }

    [Fact]
    public async Task Failures_mark_the_span_with_the_error_kind()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(server, spans);
        using var chat = Chat(server, o => o.VisionModel = "ghost:1b");

        await Assert.ThrowsAsync<OllamaException>(() => chat.GetResponseAsync("hi", cancellationToken: Ct));
        await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in chat.GetStreamingResponseAsync("hi", cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(2, spans.Count);
        Assert.All(spans, s =>
        {
            Assert.Equal(ActivityStatusCode.Error, s.Status);
            Assert.Equal(typeof(OllamaException).FullName, s.GetTagItem("error.type"));   // the conventions' error.type
            Assert.Equal("ModelNotFound", s.GetTagItem(OllamaTelemetry.FailureKindTag));
        });
    }

    [Fact]
    public async Task Caller_supplied_HttpClient_timeout_is_reported_as_a_transient_timeout()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Hang());
        var options = Options(server, o => o.MaxRetries = 1);
        var http = OllamaClients.CreateHttpClient(options);
        http.Timeout = TimeSpan.FromMilliseconds(200);
        using var chat = Chat(options, http);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => chat.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.Timeout, ex.Kind);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    /// <summary>Collects finished spans of this test's server only (tests run in parallel).</summary>
    private static ActivityListener Listen(LoopbackOllamaServer server, ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OllamaTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("server.port") is int port && port == server.Url.Port)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
