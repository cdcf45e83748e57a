using System.Net;
using System.Net.Http.Headers;
using ImageTagger.TestSupport.Ollama;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Api.Tests;

public sealed class LibraryQueryTests(LibraryFixture api) : IClassFixture<LibraryFixture>
{
    private static List<string?> Names(System.Text.Json.JsonElement connection) =>
        connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("fileName").GetString()).ToList();

    [Fact]
    public async Task Images_can_be_filtered_ordered_and_paged_with_cursors()
    {
        var ct = TestContext.Current.CancellationToken;
        var page1 = await api.DataAsync("{ images(first: 2, orderBy: FILE_NAME) { totalCount edges { cursor node { fileName } } pageInfo { hasNextPage endCursor } } }", ct: ct);
        var images = page1.GetProperty("images");
        Assert.Equal(5, images.GetProperty("totalCount").GetInt32());
        Assert.Equal(["beach.jpg", "bike.jpg"], Names(images));
        Assert.True(images.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var page2 = await api.DataAsync("query($after: String) { images(first: 2, after: $after, orderBy: FILE_NAME) { edges { node { fileName } } } }",
            new { after = images.GetProperty("pageInfo").GetProperty("endCursor").GetString() }, ct);
        Assert.Equal(["cat.jpg", "dog.jpg"], Names(page2.GetProperty("images")));

        var filtered = await api.DataAsync("""{ images(where: { tags: ["beach"], takenFrom: "2022-01-01T00:00:00Z" }, orderBy: TAKEN_AT) { edges { node { fileName } } } }""", ct: ct);
        Assert.Equal(["dog.jpg", "beach.jpg"], Names(filtered.GetProperty("images")));

        var gps = await api.DataAsync("{ images(where: { hasGps: true }, orderBy: FILE_NAME) { edges { node { fileName location { latitude } } } } }", ct: ct);
        Assert.Equal(["bike.jpg", "mountain.jpg"], Names(gps.GetProperty("images")));

        var text = await api.DataAsync("""{ images(where: { text: "sofa" }) { edges { node { fileName } } } }""", ct: ct);
        Assert.Equal(["cat.jpg"], Names(text.GetProperty("images")));
    }

    [Fact]
    public async Task An_image_shows_its_tags_with_sources_urls_and_similar_images()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = await api.DataAsync("query($id: ID!) { image(id: $id) { fileName status description tags { name source } thumbnailUrl(size: 256) originalUrl folder { path } similar(first: 2) { image { fileName } similarity } } }",
            new { id = api.Ids["dog"].ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
        var image = data.GetProperty("image");
        Assert.Equal("DONE", image.GetProperty("status").GetString());
        Assert.Equal(["ball", "beach", "dog"], image.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order().ToList());
        Assert.All(image.GetProperty("tags").EnumerateArray(), t => Assert.Equal("AI", t.GetProperty("source").GetString()));
        Assert.Equal($"/images/{api.Ids["dog"]}/thumbnail?size=256", image.GetProperty("thumbnailUrl").GetString());
        Assert.Equal(api.Root.Path, image.GetProperty("folder").GetProperty("path").GetString());
        var similar = image.GetProperty("similar").EnumerateArray().ToList();
        Assert.Equal("beach.jpg", similar[0].GetProperty("image").GetProperty("fileName").GetString()); // shares "beach"
        Assert.DoesNotContain(similar, s => s.GetProperty("image").GetProperty("fileName").GetString() == "dog.jpg");
    }

    [Fact]
    public async Task Search_runs_in_every_mode_and_reports_its_signals()
    {
        var ct = TestContext.Current.CancellationToken;
        const string query = "query($q: String!, $mode: SearchMode) { search(query: $q, mode: $mode, first: 5) { modeUsed notice totalCount edges { node { fileName } score signals similarity } } }";

        var keyword = (await api.DataAsync(query, new { q = "beach", mode = "KEYWORD" }, ct)).GetProperty("search");
        Assert.Equal(["beach.jpg", "dog.jpg"], Names(keyword).Order().ToList());
        Assert.All(keyword.GetProperty("edges").EnumerateArray(), e => Assert.Equal(["FULL_TEXT"], e.GetProperty("signals").EnumerateArray().Select(s => s.GetString())));

        var semantic = (await api.DataAsync(query, new { q = "dog running on sand with a ball", mode = "SEMANTIC" }, ct)).GetProperty("search");
        Assert.Equal("SEMANTIC", semantic.GetProperty("modeUsed").GetString());
        Assert.Equal("dog.jpg", Names(semantic)[0]);
        Assert.True(semantic.GetProperty("edges")[0].GetProperty("similarity").GetDouble() > 0.2);

        var hybrid = (await api.DataAsync(query, new { q = "dog beach", mode = "HYBRID" }, ct)).GetProperty("search");
        Assert.Equal("dog.jpg", Names(hybrid)[0]);
        Assert.Equal(["FULL_TEXT", "SEMANTIC"], hybrid.GetProperty("edges")[0].GetProperty("signals").EnumerateArray().Select(s => s.GetString()).Order().ToList());

        var filtered = (await api.DataAsync("""query { search(query: "beach", mode: HYBRID, tags: ["dog"]) { edges { node { fileName } } } }""", ct: ct)).GetProperty("search");
        Assert.Equal(["dog.jpg"], Names(filtered));
    }

    [Fact]
    public async Task When_the_embedding_model_is_down_and_no_image_has_offline_vectors_search_is_keyword_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        await api.WhileEmbeddingIsDownAsync(async () =>
        {
            // The offline text model is on, but no image here has its vectors yet: nothing meaning-based can run, and
            // the response says so rather than claiming an offline search (OfflineApiTests has the library that has them).
            var result = (await api.DataAsync("""{ search(query: "mountain", mode: HYBRID) { modeUsed notice signalsUsed edges { node { fileName } } } }""", ct: ct)).GetProperty("search");
            Assert.Equal("KEYWORD", result.GetProperty("modeUsed").GetString());
            Assert.Contains("could not be reached", result.GetProperty("notice").GetString());
            Assert.Equal(["FULL_TEXT", "FUZZY_TAG"], result.GetProperty("signalsUsed").EnumerateArray().Select(s => s.GetString()).ToList());
            Assert.Equal(["mountain.jpg"], Names(result));
        });
    }

    [Fact]
    public async Task Thumbnails_and_originals_are_served_by_id_with_caching_headers_and_ranges()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = api.Ids["cat"];
        using var thumb = await api.Client.GetAsync($"/images/{id}/thumbnail?size=200", ct);
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType?.MediaType);
        var bytes = await thumb.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        var etag = thumb.Headers.ETag;
        Assert.NotNull(etag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/thumbnail?size=200");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await api.Client.SendAsync(conditional, ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // The large preview is the model's JPEG (made on demand here, as the pipeline would have).
        using var preview = await api.Client.GetAsync($"/images/{id}/thumbnail?size=1024", ct);
        Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ImageTagger.Imaging.ImageFormat.Jpeg, ImageTagger.Imaging.ImageFormatSniffer.Detect(await preview.Content.ReadAsByteArrayAsync(ct)));

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/original");
        ranged.Headers.Range = new RangeHeaderValue(0, 9);
        using var partial = await api.Client.SendAsync(ranged, ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        var head = await partial.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(10, head.Length);
        Assert.Equal(0xFF, head[0]);
        Assert.Equal(0xD8, head[1]); // a JPEG

        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/images/999999/original", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/images/abc/original", ct)).StatusCode);
    }

    [Fact]
    public async Task A_tag_is_found_by_name_and_the_allowed_roots_are_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = await api.DataAsync("{ tag(name: \"Beaches\") { name usageCount } missing: tag(name: \"zebra\") { name } allowedRoots }", ct: ct);
        Assert.Equal("beach", data.GetProperty("tag").GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("missing").ValueKind);
        Assert.Equal([api.Root.Path], data.GetProperty("allowedRoots").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Stats_progress_tag_cloud_and_ai_status_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = await api.DataAsync("{ stats { images tags folders embedded } processingStatus { done total pending busy } tagCloud(limit: 3) { name usageCount } aiStatus { reachable ready visionModel models } }", ct: ct);
        Assert.Equal(5, data.GetProperty("stats").GetProperty("images").GetInt32());
        Assert.Equal(5, data.GetProperty("stats").GetProperty("embedded").GetInt32());
        Assert.Equal("beach", data.GetProperty("tagCloud")[0].GetProperty("name").GetString());
        Assert.Equal(2, data.GetProperty("tagCloud")[0].GetProperty("usageCount").GetInt32());
        Assert.True(data.GetProperty("aiStatus").GetProperty("reachable").GetBoolean());
        Assert.True(data.GetProperty("aiStatus").GetProperty("ready").GetBoolean());
    }
}
