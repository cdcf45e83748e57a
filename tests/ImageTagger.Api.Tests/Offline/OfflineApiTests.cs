using System.Globalization;
using System.Text.Json;
using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Offline;
using ImageTagger.TestSupport.Ollama;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Api.Tests.Offline;

/// <summary>
/// A library as the offline stages leave it (OCR text, ResNet18 features and MiniLM text embeddings made here with
/// the real models), no Ollama embeddings at all.
/// </summary>
public sealed class OfflineLibraryFixture : ApiFixture
{
    public Dictionary<string, long> Ids { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var services = Factory.Services;
        var embedder = services.GetRequiredService<MiniLmTextEmbedder>();
        var store = services.GetRequiredService<EmbeddingStore>();
        var copy = Root.File("harbour-1-small.jpg");
        VipsCli.Run("thumbnail", SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), copy + "[Q=60]", "700");
        (string Name, string File, string Ocr)[] entries =
        [
            ("sign", Root.Copy(SampleImages.Path("jpg", "xmp", "no_exif.jpg"), "sign.jpg"), "FRESH BREAD\nOPEN DAILY"),
            ("harbour-1", Root.Copy(SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), "harbour-1.jpg"), ""),
            ("harbour-2", Root.Copy(SampleImages.Path("jpg", "gps", "DSCN0029.jpg"), "harbour-2.jpg"), ""),
            ("harbour-1-small", copy, ""),
        ];

        await using var db = CreateDbContext();
        var folder = new Folder { Path = Root.Path };
        db.Folders.Add(folder);
        await db.SaveChangesAsync();
        foreach (var (name, file, ocr) in entries)
        {
            var image = new Image { FolderId = folder.Id, Path = file, FileName = Path.GetFileName(file), Status = ImageStatus.Analyzed, OcrText = ocr, OcrConfidence = ocr.Length > 0 ? 0.95f : null, OcrAt = DateTimeOffset.UtcNow };
            db.Images.Add(image);
            await db.SaveChangesAsync();
            Ids[name] = image.Id;
            await ImageFeatures.StoreAsync(services, image.Id, file);
            var text = await embedder.EmbedAsync(ocr + "\n" + Path.GetFileNameWithoutExtension(file).Replace('-', ' '), default);
            await store.UpsertAsync(image.Id, OfflineEmbeddingModels.Text, text, "text");
        }

        await using var connection = await DataSource.OpenConnectionAsync();
        await TagStore.AddAsync(connection, null, [Ids["harbour-1"]], ["harbour"], TagSource.User, default);
    }
}

public sealed class OfflineApiTests(OfflineLibraryFixture api) : IClassFixture<OfflineLibraryFixture>
{
    private string Id(string name) => api.Ids[name].ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_image_shows_its_ocr_text_visual_neighbours_and_near_duplicates()
    {
        var ct = TestContext.Current.CancellationToken;
        var sign = (await api.DataAsync("query($id: ID!) { image(id: $id) { ocrText ocrConfidence ocrAt } }", new { id = Id("sign") }, ct)).GetProperty("image");
        Assert.Equal("FRESH BREAD\nOPEN DAILY", sign.GetProperty("ocrText").GetString());
        Assert.Equal(0.95, sign.GetProperty("ocrConfidence").GetDouble(), 3);

        var image = (await api.DataAsync(
            "query($id: ID!) { image(id: $id) { visuallySimilar(first: 3) { image { fileName } similarity } nearDuplicates { image { fileName } similarity } exactDuplicates { fileName } similar(first: 2) { image { fileName } } } }",
            new { id = Id("harbour-1") }, ct)).GetProperty("image");
        var similar = image.GetProperty("visuallySimilar").EnumerateArray().ToList();
        Assert.Equal(["harbour-1-small.jpg", "harbour-2.jpg", "sign.jpg"], similar.Select(FileName).ToList());
        Assert.True(similar[0].GetProperty("similarity").GetDouble() > similar[1].GetProperty("similarity").GetDouble());
        Assert.Equal(["harbour-1-small.jpg"], image.GetProperty("nearDuplicates").EnumerateArray().Select(FileName).ToList());
        Assert.Empty(image.GetProperty("exactDuplicates").EnumerateArray());

        // No Ollama embedding for any image: "similar" falls back to the visual features.
        Assert.Equal(["harbour-1-small.jpg", "harbour-2.jpg"], image.GetProperty("similar").EnumerateArray().Select(FileName).ToList());
    }

    [Fact]
    public async Task Search_finds_ocr_text_by_keyword_and_by_meaning_and_says_which_signals_ran()
    {
        var ct = TestContext.Current.CancellationToken;
        const string query = "query($q: String!, $mode: SearchMode) { search(query: $q, mode: $mode, first: 5) { modeUsed notice signalsUsed edges { node { fileName } signals } } }";
        var keyword = (await api.DataAsync(query, new { q = "bread", mode = "KEYWORD" }, ct)).GetProperty("search");
        Assert.Equal(["sign.jpg"], keyword.GetProperty("edges").EnumerateArray().Select(e => FileName(e.GetProperty("node"))).ToList());
        Assert.DoesNotContain("OFFLINE_SEMANTIC", Strings(keyword.GetProperty("signalsUsed")));

        var hybrid = (await api.DataAsync(query, new { q = "bakery", mode = "HYBRID" }, ct)).GetProperty("search");
        Assert.Equal("HYBRID", hybrid.GetProperty("modeUsed").GetString());
        Assert.Contains("OFFLINE_SEMANTIC", Strings(hybrid.GetProperty("signalsUsed")));
        var first = hybrid.GetProperty("edges")[0];
        Assert.Equal("sign.jpg", FileName(first.GetProperty("node")));
        Assert.Equal(["OFFLINE_SEMANTIC"], Strings(first.GetProperty("signals")));
    }

    [Fact]
    public async Task When_the_embedding_model_is_down_meaning_based_search_comes_from_the_offline_text_model_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        await api.WhileEmbeddingIsDownAsync(async () =>
        {
            // "bakery" is in no image's text: only the MiniLM vectors of the sign's OCR text can find it.
            var result = (await api.DataAsync("""{ search(query: "bakery", mode: SEMANTIC) { modeUsed notice signalsUsed edges { node { fileName } } } }""", ct: ct)).GetProperty("search");
            Assert.Equal("SEMANTIC", result.GetProperty("modeUsed").GetString());
            Assert.Contains("offline text model", result.GetProperty("notice").GetString());
            Assert.Equal(["OFFLINE_SEMANTIC"], Strings(result.GetProperty("signalsUsed")));
            Assert.Equal("sign.jpg", FileName(result.GetProperty("edges")[0].GetProperty("node")));
        });
    }

    [Fact]
    public async Task Tag_suggestions_come_from_visually_similar_tagged_images_and_can_be_accepted_or_dismissed()
    {
        var ct = TestContext.Current.CancellationToken;
        const string suggestions = "query($id: ID!) { image(id: $id) { tagSuggestions { tagId name score neighbours } tags { name source } } }";
        var harbour2 = (await api.DataAsync(suggestions, new { id = Id("harbour-2") }, ct)).GetProperty("image");
        var suggestion = Assert.Single(harbour2.GetProperty("tagSuggestions").EnumerateArray().ToList());
        Assert.Equal("harbour", suggestion.GetProperty("name").GetString());
        Assert.Equal(1, suggestion.GetProperty("neighbours").GetInt32());
        Assert.Empty((await api.DataAsync(suggestions, new { id = Id("sign") }, ct)).GetProperty("image").GetProperty("tagSuggestions").EnumerateArray());

        var tagId = suggestion.GetProperty("tagId").GetString();
        var dismissed = (await api.DataAsync("mutation($i: ID!, $t: ID!) { dismissTagSuggestion(imageId: $i, tagId: $t) { image { tagSuggestions { name } } errors { code } } }", new { i = Id("harbour-2"), t = tagId }, ct)).GetProperty("dismissTagSuggestion");
        Assert.Empty(dismissed.GetProperty("image").GetProperty("tagSuggestions").EnumerateArray());

        var accepted = (await api.DataAsync("mutation($i: ID!, $t: ID!) { acceptTagSuggestion(imageId: $i, tagId: $t) { image { tags { name source } tagSuggestions { name } } errors { code } } }", new { i = Id("harbour-1-small"), t = tagId }, ct)).GetProperty("acceptTagSuggestion");
        var tag = Assert.Single(accepted.GetProperty("image").GetProperty("tags").EnumerateArray().ToList());
        Assert.Equal("harbour", tag.GetProperty("name").GetString());
        Assert.Equal("SUGGESTION", tag.GetProperty("source").GetString());
        Assert.Empty(accepted.GetProperty("image").GetProperty("tagSuggestions").EnumerateArray());

        // The accepted tag changes the image's text: its offline text embedding is queued again.
        await using var db = api.CreateDbContext();
        Assert.True(await db.Jobs.AnyAsync(j => j.ImageId == api.Ids["harbour-1-small"] && j.Kind == Catalog.Jobs.JobKinds.TextEmbed, ct));

        var missing = (await api.DataAsync("mutation($t: ID!) { acceptTagSuggestion(imageId: \"999999\", tagId: $t) { image { fileName } errors { code } } }", new { t = tagId }, ct)).GetProperty("acceptTagSuggestion");
        Assert.Equal("NOT_FOUND", missing.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_api_says_what_the_offline_models_can_and_cannot_do_and_the_stages_are_settings()
    {
        var ct = TestContext.Current.CancellationToken;
        var status = (await api.DataAsync("{ offlineAi { ocrEnabled featuresEnabled textEmbeddingsEnabled modelsPresent error capabilities { feature available model note } } }", ct: ct)).GetProperty("offlineAi");
        Assert.True(status.GetProperty("ocrEnabled").GetBoolean());
        Assert.True(status.GetProperty("modelsPresent").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        var capabilities = status.GetProperty("capabilities").EnumerateArray().ToList();
        var caption = Assert.Single(capabilities, c => c.GetProperty("feature").GetString()!.Contains("caption", StringComparison.Ordinal));
        Assert.False(caption.GetProperty("available").GetBoolean());
        Assert.Contains("vision model", caption.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains(capabilities, c => c.GetProperty("model").GetString() == "PaddleOCR PP-OCRv4" && c.GetProperty("available").GetBoolean());

        var settings = (await api.DataAsync("{ settings { key value } }", ct: ct)).GetProperty("settings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString()!, s => s.GetProperty("value").GetString());
        Assert.Equal("true", settings["OfflineAi:Ocr"]);
        Assert.Equal("true", settings["OfflineAi:Features"]);
        Assert.Equal("true", settings["OfflineAi:TextEmbeddings"]);
        var invalid = (await api.DataAsync("mutation { updateSettings(input: [{ key: \"OfflineAi:Ocr\", value: \"maybe\" }]) { errors { field } } }", ct: ct)).GetProperty("updateSettings");
        Assert.Equal("OfflineAi:Ocr", invalid.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private static string? FileName(JsonElement e) => (e.TryGetProperty("image", out var image) ? image : e).GetProperty("fileName").GetString();

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(s => s.GetString()).ToList();
}
