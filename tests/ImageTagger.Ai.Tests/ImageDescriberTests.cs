using ImageTagger.Ai.Tagging;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.DependencyInjection;
using static ImageTagger.Ai.Tests.TestOllama;

namespace ImageTagger.Ai.Tests;

public sealed class ImageDescriberTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xDB, 9, 8, 7, 6, 0xFF, 0xD9];

    [Fact]
    public async Task Asks_for_structured_json_with_the_image_and_returns_normalised_tags()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = request => request.HasSchemaFormat && request.AllImages.Count == 1
            ? """{"description": "  Two  dogs playing on a sandy beach at sunset. ", "tags": ["Dogs", "Sandy Beach", "sunset", "dogs", "photo", "the ocean"]}"""
            : "wrong request";
        await using var services = Services(server, new Dictionary<string, string?> { ["Ollama:Temperature"] = "0.1" });
        var describer = services.GetRequiredService<ImageDescriber>();

        var result = await describer.DescribeAsync(Jpeg, cancellationToken: Ct);

        Assert.Equal("Two dogs playing on a sandy beach at sunset.", result.Description);
        Assert.Equal(["dog", "sandy beach", "sunset", "ocean"], result.Tags);
        Assert.Equal(VisionModel, result.Model);
        Assert.Equal(DescriptionSource.Json, result.Source);

        var request = Assert.Single(server.ChatRequests);
        Assert.Equal(VisionModel, request.Model);
        Assert.False(request.Stream);
        Assert.Equal(Jpeg, Assert.Single(request.Messages.Single().ImageBytes));
        var properties = request.Format!.Value.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("description").GetProperty("type").GetString());
        Assert.Equal("array", properties.GetProperty("tags").GetProperty("type").GetString());
        Assert.Equal(0.1, request.Option("temperature")!.Value.GetDouble(), 3);
        Assert.Equal(ImageDescriber.MaxOutputTokens, request.Option("num_predict")!.Value.GetInt32());
        Assert.StartsWith("Describe this image", request.LastUserText, StringComparison.Ordinal);
        Assert.Contains("5 to 15 short tags", request.LastUserText, StringComparison.Ordinal);   // {MaxTags} filled in
    }

    [Fact]
    public async Task Hints_are_added_to_the_prompt_and_camera_file_names_are_left_out()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        await using var services = Services(server, new Dictionary<string, string?> { ["Ollama:Prompt"] = "Describe it." });
        var describer = services.GetRequiredService<ImageDescriber>();

        await describer.DescribeAsync(Jpeg, new ImageHints
        {
            FileName = "golden-gate_bridge.jpg",
            AltText = "Bridge in fog",
            Keywords = ["san francisco", " bridge "],
        }, Ct);
        await describer.DescribeAsync(Jpeg, new ImageHints { FileName = "IMG_20240301_123456.JPG" }, Ct);

        var prompts = server.ChatRequests.Select(r => r.LastUserText).ToList();
        Assert.StartsWith("Describe it.", prompts[0], StringComparison.Ordinal);
        Assert.Contains("file name: golden gate bridge", prompts[0], StringComparison.Ordinal);
        Assert.Contains("alt text: Bridge in fog", prompts[0], StringComparison.Ordinal);
        Assert.Contains("existing keywords: san francisco, bridge", prompts[0], StringComparison.Ordinal);
        Assert.Contains("may be wrong", prompts[0], StringComparison.Ordinal);
        Assert.Equal("Describe it.", prompts[1]);
    }

    [Theory]
    [InlineData("IMG_1234.jpg", null)]
    [InlineData("DSC01234.JPG", null)]
    [InlineData("PXL_20240301_123456789.jpg", null)]
    [InlineData("20240301_123456.jpg", null)]
    [InlineData("Screenshot 2024-03-01 123456.png", null)]
    [InlineData("dji_0042.jpg", null)]
    [InlineData("grandma_birthday_party.jpg", "grandma birthday party")]
    [InlineData("eiffel-tower-2019.jpeg", "eiffel tower 2019")]
    [InlineData(null, null)]
    public void Only_meaningful_file_names_are_used_as_hints(string? fileName, string? expected) =>
        Assert.Equal(expected, ImageDescriber.UsefulFileName(fileName));

    [Fact]
    public async Task Markdown_answer_is_still_understood()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "Here is the description:\n\n```json\n{\"description\": \"A bakery window.\", \"tags\": [\"Breads\", \"bakery\"]}\n```";
        await using var services = Services(server);

        var result = await services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct);

        Assert.Equal("A bakery window.", result.Description);
        Assert.Equal(["bread", "bakery"], result.Tags);
        Assert.Equal(DescriptionSource.EmbeddedJson, result.Source);
    }

    [Fact]
    public async Task Prose_answer_is_still_understood()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => "A kayak on a turquoise river between cliffs.\n\nTags: Kayaks, river, cliffs, turquoise water";
        await using var services = Services(server);

        var result = await services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct);

        Assert.Equal("A kayak on a turquoise river between cliffs.", result.Description);
        Assert.Equal(["kayak", "river", "cliff", "turquoise water"], result.Tags);
        Assert.Equal(DescriptionSource.Prose, result.Source);
    }

    [Fact]
    public async Task Answer_cut_at_the_token_limit_salvages_complete_fields()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => new LoopbackChatReply("{\"description\": \"A long table set for dinner.\", \"tags\": [\"table\", \"dinner\", \"cand") { DoneReason = "length" };
        await using var services = Services(server);

        var result = await services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct);

        Assert.Equal("A long table set for dinner.", result.Description);
        Assert.Equal(["table", "dinner"], result.Tags);
        Assert.Equal(DescriptionSource.PartialJson, result.Source);
    }

    [Theory]
    [InlineData("", ImageDescriptionFailure.EmptyAnswer)]
    [InlineData("#$%^&*()_+{}|:<>?~", ImageDescriptionFailure.Unparseable)]
    [InlineData("I'm sorry, I can't help with that.", ImageDescriptionFailure.Refused)]
    [InlineData("{\"tags\": [\"image\", \"photo\", \"!!!\"]}", ImageDescriptionFailure.Unparseable)]
    public async Task Unusable_answers_raise_a_typed_exception_without_retrying(string answer, ImageDescriptionFailure reason)
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.ChatHandler = _ => answer;
        await using var services = Services(server);

        var ex = await Assert.ThrowsAsync<ImageDescriptionException>(() =>
            services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct));

        Assert.Equal(reason, ex.Reason);
        Assert.Equal(VisionModel, ex.Model);
        Assert.Equal(1, server.RequestCount(LoopbackEndpoint.Chat));
    }

    [Fact]
    public async Task Missing_vision_model_surfaces_as_ollama_exception()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        server.RemoveModel(VisionModel);
        await using var services = Services(server);

        var ex = await Assert.ThrowsAsync<OllamaException>(() =>
            services.GetRequiredService<ImageDescriber>().DescribeAsync(Jpeg, cancellationToken: Ct));

        Assert.Equal(OllamaFailureKind.ModelNotFound, ex.Kind);
        Assert.Contains(VisionModel, ex.ServerError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_image_is_rejected_before_calling_ollama()
    {
        await using var server = await LoopbackOllamaServer.StartAsync(Ct);
        await using var services = Services(server);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            services.GetRequiredService<ImageDescriber>().DescribeAsync(ReadOnlyMemory<byte>.Empty, cancellationToken: Ct));

        Assert.Equal(0, server.TotalRequests);
    }
}
