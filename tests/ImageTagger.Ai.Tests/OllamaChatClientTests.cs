using System.Net;
using System.Text.Json;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport;
using Microsoft.Extensions.AI;
using OllamaSharp;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class OllamaChatClientTests
{
    private static readonly byte[] FakeJpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 0xFF, 0xD9];

    [Fact]
    public async Task NonStreaming_sends_Ollama_request_shape_and_maps_the_answer()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("A cat on a sofa.") { PromptEvalCount = 17, EvalCount = 6 };
        using var client = Chat(server, o => o.KeepAlive = TimeSpan.FromMinutes(10));

        ChatMessage[] messages =
        [
            new(ChatRole.System, "You describe images."),
            new(ChatRole.User, [new TextContent("What is this?"), new DataContent(FakeJpeg, "image/jpeg")]),
            new(ChatRole.Assistant, "A picture."),
            new(ChatRole.User, "More detail please."),
        ];
        var options = new ChatOptions
        {
            Instructions = "Be factual.",
            Temperature = 0.25f,
            TopP = 0.9f,
            TopK = 40,
            MaxOutputTokens = 128,
            Seed = 7,
            StopSequences = ["END"],
            ResponseFormat = ChatResponseFormat.Json,
            AdditionalProperties = new AdditionalPropertiesDictionary { ["num_ctx"] = 8192, ["repeat_penalty"] = 1.1 },
        };

        var response = await client.GetResponseAsync(messages, options, Ct);

        var request = Assert.Single(server.ChatRequests);
        Assert.Equal(VisionModel, request.Model);
        Assert.False(request.Stream);
        Assert.Equal(["system", "system", "user", "assistant", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("Be factual.", request.Messages[0].Content);
        Assert.Equal("What is this?", request.Messages[2].Content);
        Assert.Equal(FakeJpeg, Assert.Single(request.Messages[2].ImageBytes));
        Assert.Empty(request.Messages[3].Images);
        Assert.Equal(0.25, request.Option("temperature")!.Value.GetDouble(), 3);
        Assert.Equal(0.9, request.Option("top_p")!.Value.GetDouble(), 3);
        Assert.Equal(40, request.Option("top_k")!.Value.GetInt32());
        Assert.Equal(128, request.Option("num_predict")!.Value.GetInt32());
        Assert.Equal(7, request.Option("seed")!.Value.GetInt32());
        Assert.Equal("END", request.Option("stop")!.Value[0].GetString());
        Assert.Equal(8192, request.Option("num_ctx")!.Value.GetInt32());
        Assert.Equal(1.1, request.Option("repeat_penalty")!.Value.GetDouble(), 3);
        Assert.Equal("json", request.Format!.Value.GetString());
        Assert.Equal("600s", request.KeepAlive!.Value.GetString());

        Assert.Equal("A cat on a sofa.", response.Text);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
        Assert.Equal(VisionModel, response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(17, response.Usage!.InputTokenCount);
        Assert.Equal(6, response.Usage.OutputTokenCount);
        Assert.Equal(23, response.Usage.TotalTokenCount);
        Assert.True(response.Usage.AdditionalCounts!["total_duration_ns"] > 0);
        Assert.NotNull(response.CreatedAt);                                 // nanosecond timestamp parsed
        Assert.False(string.IsNullOrEmpty(response.ResponseId));
    }

    [Fact]
    public async Task Json_schema_response_format_is_sent_as_the_format_object()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"age":{"type":"integer"}},"required":["age"]}""").RootElement;

        await client.GetResponseAsync("How old?", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "age") }, Ct);

        var request = Assert.Single(server.ChatRequests);
        Assert.True(request.HasSchemaFormat);
        Assert.Equal("integer", request.Format!.Value.GetProperty("properties").GetProperty("age").GetProperty("type").GetString());
        Assert.Null(request.Option("temperature"));                         // nothing invented when not asked
    }

    [Fact]
    public async Task Model_id_in_options_overrides_the_default_model()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server);

        var response = await client.GetResponseAsync("hi", new ChatOptions { ModelId = "llava:7b" }, Ct);

        Assert.Equal("llava:7b", Assert.Single(server.ChatRequests).Model);
        Assert.Equal("llava:7b", response.ModelId);
    }

    [Fact]
    public async Task Streaming_yields_one_update_per_NDJSON_line_and_a_final_usage()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("The quick brown fox jumps.") { PromptEvalCount = 9 };
        using var client = Chat(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Tell me", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.True(Assert.Single(server.ChatRequests).Stream);
        Assert.Equal(6, updates.Count);                                     // 5 words + final done line
        Assert.Equal("The quick brown fox jumps.", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        var usage = Assert.Single(updates[^1].Contents.OfType<UsageContent>()).Details;
        Assert.Equal(9, usage.InputTokenCount);
        Assert.Equal(5, usage.OutputTokenCount);

        var combined = updates.ToChatResponse();
        Assert.Equal("The quick brown fox jumps.", combined.Text);
        Assert.Equal(9, combined.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Streaming_reports_length_finish_reason()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("cut off here") { DoneReason = "length" };
        using var client = Chat(server);

        var response = await client.GetStreamingResponseAsync("go", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("cut off here", response.Text);
    }

    [Fact]
    public async Task Thinking_is_surfaced_as_reasoning_content()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("Answer.") { Thinking = "Let me look." };
        using var client = Chat(server);

        var response = await client.GetResponseAsync("q", cancellationToken: Ct);

        var message = Assert.Single(response.Messages);
        Assert.Equal("Let me look.", Assert.Single(message.Contents.OfType<TextReasoningContent>()).Text);
        Assert.Equal("Answer.", response.Text);
    }

    [Fact]
    public async Task Model_not_found_is_not_retried_and_carries_Ollamas_message()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() =>
            client.GetResponseAsync("hi", new ChatOptions { ModelId = "missing-model:1b" }, Ct));

        Assert.Equal(OllamaFailureKind.ModelNotFound, ex.Kind);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal("model \"missing-model:1b\" not found, try pulling it first", ex.ServerError);
        Assert.Contains("missing-model:1b", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ollama pull", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Server_error_then_success_is_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "llama runner process has terminated: exit status 2"), times: 2);
        using var client = Chat(server, o => o.MaxRetries = 3);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("This is the loopback Ollama server answering.", response.Text);
        Assert.Equal(3, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Persistent_server_error_gives_up_after_max_retries_with_the_server_text()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Status(500, "model requires more system memory (9.1 GiB) than is available"));
        using var client = Chat(server, o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.ServerError, ex.Kind);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("more system memory", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Too_many_requests_is_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Status(429, "server busy, please try again. maximum pending requests exceeded"));
        using var client = Chat(server);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Other_client_errors_are_not_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Status(400, "invalid format: expected \"json\" or a JSON schema"));
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.BadRequest, ex.Kind);
        Assert.Contains("invalid format", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Dropped_connection_is_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.DropConnection());
        using var client = Chat(server);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.NotEmpty(response.Text);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Half_a_body_is_a_transient_truncated_response()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.HalfAnswer());
        using var client = Chat(server, o => o.MaxRetries = 1);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.TruncatedResponse, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Garbage_body_is_malformed_and_not_retried()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Garbage());
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.MalformedResponse, ex.Kind);
        Assert.False(ex.IsTransient);
        Assert.Contains("502 Bad Gateway", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Json_without_a_message_is_malformed()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Garbage("""{"status":"ok"}"""));
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains("\"message\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hanging_server_times_out_per_attempt_then_fails_with_timeout()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Hang());
        using var client = Chat(server, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 1;
        });

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.Timeout, ex.Kind);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => server.AbortedByClient == 2, "the client hung up each attempt");            // the client really hung up each attempt
    }

    [Fact]
    public async Task A_hang_followed_by_a_good_answer_succeeds_on_retry()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.Hang());
        using var client = Chat(server, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.NotEmpty(response.Text);
        Assert.Equal(2, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Caller_cancellation_stops_immediately_without_retry()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.FailAlways(LoopbackEndpoint.Chat, LoopbackFault.Hang());
        using var client = Chat(server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = client.GetResponseAsync("hi", cancellationToken: cts.Token);

        // Cancel once the request is really in flight (a fixed delay is flaky on a loaded machine).
        await Poll.UntilAsync(() => server.RequestCount(LoopbackEndpoint.Chat) > 0, "the request reached the server");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Task.Delay(200, Ct); // a retry, if there were one, would arrive now

        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Unreachable_server_is_reported_as_unreachable_after_retries()
    {
        var url = await ClosedUrlAsync();
        using var client = Chat(new OllamaOptions
        {
            Url = url.ToString(),
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });

        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.Unreachable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Contains(url.Authority, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_connection_drop_mid_stream_is_a_truncated_response()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "one two three four five six";
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.HalfAnswer(streamedChunks: 2));
        using var client = Chat(server);

        var received = new List<string>();
        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(OllamaFailureKind.TruncatedResponse, ex.Kind);
        Assert.Equal(["one ", "two "], received);
    }

    [Fact]
    public async Task Streaming_garbage_line_is_malformed()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "one two three";
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.GarbageLine("<<not json>>"));
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(OllamaFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains("<<not json>>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_error_line_surfaces_Ollamas_text()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "one two three";
        server.FailNext(LoopbackEndpoint.Chat, LoopbackFault.StreamError("an error was encountered while running the model: CUDA error"));
        using var client = Chat(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(OllamaFailureKind.ServerError, ex.Kind);
        Assert.Equal("an error was encountered while running the model: CUDA error", ex.ServerError);
    }

    [Fact]
    public async Task Streaming_model_not_found_fails_before_any_update()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server, o => o.VisionModel = "nope:latest");
        var count = 0;

        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
                count++;
            }
        });

        Assert.Equal(OllamaFailureKind.ModelNotFound, ex.Kind);
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Streaming_that_stalls_times_out()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "slow slow slow slow";
        server.StreamChunkDelay = TimeSpan.FromSeconds(5);
        using var client = Chat(server, o => o.RequestTimeout = TimeSpan.FromMilliseconds(400));

        var ex = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(OllamaFailureKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task Metadata_and_GetService_describe_the_provider()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server);
        IChatClient chat = client;

        var metadata = chat.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("ollama", metadata.ProviderName);
        Assert.Equal(server.Url, metadata.ProviderUri);
        Assert.Equal(VisionModel, metadata.DefaultModelId);
        Assert.NotNull(chat.GetService<OllamaApiClient>());                 // OllamaSharp is the transport
        Assert.Null(chat.GetService<ChatClientMetadata>("some-key"));
        Assert.Null(chat.GetService<HttpClient>());
    }

    [Fact]
    public async Task Unsupported_inputs_fail_fast_without_a_request()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(server);

        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new UriContent(new Uri("https://example.com/a.jpg"), "image/jpeg")])], cancellationToken: Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "application/pdf")])], cancellationToken: Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            "hi", new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }, Ct));

        Assert.Equal(0, server.TotalRequests);
    }

    [Fact]
    public async Task Url_with_a_path_prefix_keeps_the_prefix()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        using var client = Chat(Options(server, o => o.Url = server.Url + "proxy"));

        // The loopback server only knows /api/*, so a kept prefix shows up as a 404 on /proxy/api/chat.
        var ex = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.BadRequest, ex.Kind);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("404 page not found", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Other));
    }
}
