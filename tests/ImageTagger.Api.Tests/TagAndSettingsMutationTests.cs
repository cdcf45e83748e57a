using ImageTagger.Catalog.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ImageTagger.Api.Tests;

public sealed class TagAndSettingsMutationTests(LibraryFixture api) : IClassFixture<LibraryFixture>
{
    private async Task<List<string?>> TagsOfAsync(string name)
    {
        var data = await api.DataAsync("query($id: ID!) { image(id: $id) { tags { name source } } }", new { id = api.Ids[name].ToString(System.Globalization.CultureInfo.InvariantCulture) }, TestContext.Current.CancellationToken);
        return data.GetProperty("image").GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order().ToList();
    }

    [Fact]
    public async Task Bulk_tagging_normalizes_names_and_queues_re_embedding()
    {
        var ct = TestContext.Current.CancellationToken;
        var ids = new[] { api.Ids["cat"], api.Ids["mountain"] }.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var added = await api.DataAsync("mutation($ids: [ID!]!) { addTags(imageIds: $ids, tags: [\"  Favourites \", \"Holidays\"]) { count } }", new { ids }, ct);
        Assert.Equal(4, added.GetProperty("addTags").GetProperty("count").GetInt32());
        Assert.Contains("favourite", await TagsOfAsync("cat"));
        Assert.Contains("holiday", await TagsOfAsync("mountain"));

        await using (var db = api.CreateDbContext())
        {
            Assert.True(await db.Jobs.AnyAsync(j => j.ImageId == api.Ids["cat"] && j.Kind == JobKinds.Embed && j.State == JobState.Queued, ct));
        }

        var removed = await api.DataAsync("mutation($ids: [ID!]!) { removeTags(imageIds: $ids, tags: [\"holiday\"]) { count } }", new { ids }, ct);
        Assert.Equal(2, removed.GetProperty("removeTags").GetProperty("count").GetInt32());
        Assert.DoesNotContain("holiday", await TagsOfAsync("cat"));
    }

    [Fact]
    public async Task Renaming_a_tag_onto_an_existing_one_merges_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var tags = await api.DataAsync("""{ tags(search: "sea", first: 5) { edges { node { id name } } } }""", ct: ct);
        var sea = tags.GetProperty("tags").GetProperty("edges").EnumerateArray().Single(e => e.GetProperty("node").GetProperty("name").GetString() == "sea").GetProperty("node").GetProperty("id").GetString();

        var renamed = await api.DataAsync("mutation($id: ID!) { renameTag(id: $id, name: \"Ocean\") { tag { name usageCount } errors { message } } }", new { id = sea }, ct);
        Assert.Equal("ocean", renamed.GetProperty("renameTag").GetProperty("tag").GetProperty("name").GetString());
        Assert.Contains("ocean", await TagsOfAsync("beach"));

        var merged = await api.DataAsync("mutation($id: ID!) { renameTag(id: $id, name: \"beach\") { tag { name usageCount } } }", new { id = sea }, ct);
        Assert.Equal("beach", merged.GetProperty("renameTag").GetProperty("tag").GetProperty("name").GetString());
        Assert.DoesNotContain("ocean", await TagsOfAsync("beach"));
        var search = await api.DataAsync("""{ search(query: "ocean", mode: KEYWORD) { totalCount } }""", ct: ct);
        Assert.Equal(0, search.GetProperty("search").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_users_description_is_kept_and_settings_are_validated()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = api.Ids["bike"].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var edited = await api.DataAsync("mutation($id: ID!) { setDescription(imageId: $id, description: \"<script>alert(1)</script> my bike\") { image { description descriptionModel } errors { code } } }", new { id }, ct);
        Assert.Equal("user", edited.GetProperty("setDescription").GetProperty("image").GetProperty("descriptionModel").GetString());
        Assert.Equal("<script>alert(1)</script> my bike", edited.GetProperty("setDescription").GetProperty("image").GetProperty("description").GetString());

        var invalid = await api.DataAsync("mutation { updateSettings(input: [{ key: \"Ollama:Url\", value: \"not a url\" }, { key: \"Ollama:MaxConcurrency\", value: \"0\" }]) { errors { field message } } }", ct: ct);
        Assert.Equal(["Ollama:MaxConcurrency", "Ollama:Url"], invalid.GetProperty("updateSettings").GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order().ToList());

        var valid = await api.DataAsync("mutation { updateSettings(input: [{ key: \"Ollama:VisionModel\", value: \"qwen2.5vl:7b\" }]) { settings { key value overridden } errors { message } } }", ct: ct);
        var setting = valid.GetProperty("updateSettings").GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "Ollama:VisionModel");
        Assert.Equal("qwen2.5vl:7b", setting.GetProperty("value").GetString());
        Assert.True(setting.GetProperty("overridden").GetBoolean());

        // Settings nobody set still show the value in effect.
        var all = await api.DataAsync("{ settings { key value overridden } }", ct: ct);
        var sizes = all.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "Imaging:ThumbnailSizes");
        Assert.Equal("256,1024", sizes.GetProperty("value").GetString());
        Assert.False(sizes.GetProperty("overridden").GetBoolean());
    }

    [Fact]
    public async Task Reprocessing_queues_jobs_and_testing_a_bad_ollama_url_reports_unreachable()
    {
        var ct = TestContext.Current.CancellationToken;
        var ids = new[] { api.Ids["beach"].ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var reprocess = await api.DataAsync("mutation($ids: [ID!]) { reprocessImages(ids: $ids, stage: EMBED) { count } }", new { ids }, ct);
        Assert.Equal(1, reprocess.GetProperty("reprocessImages").GetProperty("count").GetInt32());

        var probe = await api.DataAsync("mutation { testOllamaConnection(url: \"http://127.0.0.1:9\") { reachable error } }", ct: ct);
        Assert.False(probe.GetProperty("testOllamaConnection").GetProperty("reachable").GetBoolean());
        Assert.False(string.IsNullOrEmpty(probe.GetProperty("testOllamaConnection").GetProperty("error").GetString()));
    }
}
