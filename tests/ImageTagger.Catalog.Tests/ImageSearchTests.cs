using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Search;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.Catalog.Tests;

public sealed class ImageSearchTests(SmallEmbeddingDatabase database) : IClassFixture<SmallEmbeddingDatabase>
{
    private const string Model = "test-embed";

    private static float[] Direction(params float[] v)
    {
        var full = new float[8];
        v.CopyTo(full, 0);
        return full;
    }

    private sealed record Fixture(ImageSearch Search, Folder Folder, Folder Other, Dictionary<string, long> Ids, ServiceProvider Services) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    /// <summary>Each test gets its own folders; searches are filtered to them so tests don't see each other's rows.</summary>
    private async Task<Fixture> CreateAsync(CancellationToken ct)
    {
        var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var other = await CatalogTestData.AddFolderAsync(db, ct);
        var ids = new Dictionary<string, long>();

        async Task Add(string name, Folder f, string description, float[] vector, DateTimeOffset? takenAt = null, params string[] tags)
        {
            var image = await CatalogTestData.AddImageAsync(db, f, name + ".jpg", description, tags);
            if (takenAt is not null)
            {
                await db.Images.Where(i => i.Id == image.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.TakenAt, takenAt), ct);
            }

            await store.UpsertAsync(image.Id, Model, vector, name, ct);
            ids[name] = image.Id;
        }

        await Add("bike", folder, "A red bicycle leaning against a brick wall", Direction(1, 0.1f), new DateTimeOffset(2020, 5, 1, 0, 0, 0, TimeSpan.Zero), "bicycle", "wall");
        await Add("cycling", folder, "Two people riding along a country lane", Direction(0.9f, 0.3f), new DateTimeOffset(2022, 5, 1, 0, 0, 0, TimeSpan.Zero), "cyclist", "road");
        await Add("beach", folder, "Waves on a sandy beach at sunset", Direction(0, 1), null, "beach", "sea");
        await Add("cat", folder, "A cat asleep on a sofa", Direction(0, 0, 1), null, "cat");
        await Add("other-bike", other, "A bicycle in another folder", Direction(1, 0), null, "bicycle");
        return new Fixture(services.GetRequiredService<ImageSearch>(), folder, other, ids, services);
    }

    private static SearchRequest Request(Fixture f, string query, SearchMode mode, int limit = 10) =>
        new(query, mode) { Filters = new SearchFilters { FolderId = f.Folder.Id }, Limit = limit };

    [Fact]
    public async Task Keyword_search_uses_stemming_prefixes_tags_and_fuzzy_tag_matches()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);

        var stemmed = await f.Search.SearchAsync(Request(f, "bicycles", SearchMode.Keyword), null, ct);
        Assert.Equal([f.Ids["bike"]], stemmed.Hits.Select(h => h.ImageId));
        Assert.Equal(SearchSignals.FullText, stemmed.Hits[0].Signals);

        var prefix = await f.Search.SearchAsync(Request(f, "bicy", SearchMode.Keyword), null, ct);
        Assert.Equal([f.Ids["bike"]], prefix.Hits.Select(h => h.ImageId));

        // Only the word being typed (the last) is a prefix: finished words match their stems, not every longer word
        // ("bricks" and "walls" are stemmed to what the description holds; "lean" alone would not be a prefix of "leaning").
        var typing = await f.Search.SearchAsync(Request(f, "bricks walls lea", SearchMode.Keyword), null, ct);
        Assert.Equal([f.Ids["bike"]], typing.Hits.Select(h => h.ImageId));
        var finishedPrefix = await f.Search.SearchAsync(Request(f, "bic red", SearchMode.Keyword), null, ct);
        Assert.DoesNotContain(finishedPrefix.Hits, h => h.Signals.HasFlag(SearchSignals.FullText) && h.KeywordRank > 1.0); // no image has both "bic" and "red*"

        var misspelled = await f.Search.SearchAsync(Request(f, "bycicle", SearchMode.Keyword), null, ct);
        var hit = Assert.Single(misspelled.Hits);
        Assert.Equal(f.Ids["bike"], hit.ImageId);
        Assert.True(hit.Signals.HasFlag(SearchSignals.FuzzyTag));

        Assert.Empty((await f.Search.SearchAsync(Request(f, "giraffe", SearchMode.Keyword), null, ct)).Hits);

        // Every word first; when no image has them all, images with some of them.
        var all = await f.Search.SearchAsync(Request(f, "red brick", SearchMode.Keyword), null, ct);
        Assert.Equal([f.Ids["bike"]], all.Hits.Select(h => h.ImageId));
        var some = await f.Search.SearchAsync(Request(f, "sandy sofa", SearchMode.Keyword), null, ct);
        Assert.Equal([f.Ids["beach"], f.Ids["cat"]], some.Hits.Select(h => h.ImageId).Order());
    }

    [Fact]
    public async Task Keyword_ranking_puts_words_side_by_side_first_and_whole_words_before_longer_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        var apart = (await CatalogTestData.AddImageAsync(db, folder, "p1.jpg", "A red car parked next to a dog")).Id;
        var together = (await CatalogTestData.AddImageAsync(db, folder, "p2.jpg", "A red dog asleep by a car")).Id;
        var longer = (await CatalogTestData.AddImageAsync(db, folder, "p3.jpg", "A red doghouse in a garden")).Id;
        var search = services.GetRequiredService<ImageSearch>();
        SearchRequest Page(int offset, int limit) => new("red dog", SearchMode.Keyword) { Filters = new SearchFilters { FolderId = folder.Id }, Offset = offset, Limit = limit };

        var all = await search.SearchAsync(Page(0, 10), null, ct);
        Assert.Equal([together, apart, longer], all.Hits.Select(h => h.ImageId));
        Assert.True(all.Hits[0].KeywordRank > all.Hits[1].KeywordRank);
        Assert.InRange(all.Hits[1].KeywordRank!.Value, 2.0, 3.0); // every word, as typed
        Assert.InRange(all.Hits[2].KeywordRank!.Value, 1.0, 2.0); // the last word as the start of a longer one

        // Whole words that fill the page are enough (the prefix costs the index more); the next page reads on.
        Assert.Equal([together, apart], (await search.SearchAsync(Page(0, 2), null, ct)).Hits.Select(h => h.ImageId));
        Assert.Equal([longer], (await search.SearchAsync(Page(2, 2), null, ct)).Hits.Select(h => h.ImageId));
    }

    [Fact]
    public async Task Semantic_search_orders_by_cosine_similarity_and_drops_unrelated_images()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);

        var result = await f.Search.SearchAsync(Request(f, "someone on a bike", SearchMode.Semantic) with { MinSimilarity = 0.5 }, new QueryEmbedding(Model, Direction(1, 0.2f)), ct);

        Assert.Equal([f.Ids["bike"], f.Ids["cycling"]], result.Hits.Select(h => h.ImageId));
        Assert.All(result.Hits, h => Assert.Equal(SearchSignals.Semantic, h.Signals));
        Assert.True(result.Hits[0].Similarity > result.Hits[1].Similarity);
        Assert.Null(result.Notice);
    }

    [Fact]
    public async Task Hybrid_search_fuses_both_lists_and_says_which_signals_matched()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);

        var result = await f.Search.SearchAsync(Request(f, "bicycle", SearchMode.Hybrid) with { MinSimilarity = 0.5 }, new QueryEmbedding(Model, Direction(1, 0.2f)), ct);

        Assert.Equal(f.Ids["bike"], result.Hits[0].ImageId); // in both lists
        Assert.Equal(SearchSignals.FullText | SearchSignals.Semantic, result.Hits[0].Signals);
        Assert.Equal(f.Ids["cycling"], result.Hits[1].ImageId); // semantic only: no shared keyword
        Assert.Equal(SearchSignals.Semantic, result.Hits[1].Signals);
        Assert.Equal(SearchMode.Hybrid, result.ModeUsed);
    }

    [Fact]
    public async Task Without_a_query_embedding_semantic_and_hybrid_fall_back_to_keyword_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);

        foreach (var mode in new[] { SearchMode.Semantic, SearchMode.Hybrid })
        {
            var result = await f.Search.SearchAsync(Request(f, "beach", mode), null, ct);
            Assert.Equal(SearchMode.Keyword, result.ModeUsed);
            Assert.Contains("unavailable", result.Notice);
            Assert.Equal([f.Ids["beach"]], result.Hits.Select(h => h.ImageId));
        }
    }

    [Fact]
    public async Task Filters_apply_inside_the_search_not_after_paging()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);
        var query = new QueryEmbedding(Model, Direction(1, 0.2f));

        var byFolder = await f.Search.SearchAsync(new SearchRequest("bicycle", SearchMode.Hybrid) { Filters = new SearchFilters { FolderId = f.Other.Id }, MinSimilarity = 0.5 }, query, ct);
        Assert.Equal([f.Ids["other-bike"]], byFolder.Hits.Select(h => h.ImageId));

        var byTag = await f.Search.SearchAsync(Request(f, "riding bicycle", SearchMode.Hybrid) with { Filters = new SearchFilters { FolderId = f.Folder.Id, Tags = ["cyclist", "road"] }, MinSimilarity = 0.5 }, query, ct);
        Assert.Equal([f.Ids["cycling"]], byTag.Hits.Select(h => h.ImageId));

        var byDate = await f.Search.SearchAsync(Request(f, "x", SearchMode.Semantic) with
        {
            Filters = new SearchFilters { FolderId = f.Folder.Id, TakenFrom = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            MinSimilarity = 0.5,
        }, query, ct);
        Assert.Equal([f.Ids["cycling"]], byDate.Hits.Select(h => h.ImageId));
    }

    [Fact]
    public async Task Paging_walks_the_fused_list_without_overlap_and_missing_images_are_not_returned()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);
        var query = new QueryEmbedding(Model, Direction(1, 1, 1));

        var all = await f.Search.SearchAsync(Request(f, "a", SearchMode.Semantic) with { MinSimilarity = 0.0, Limit = 10 }, query, ct);
        Assert.Equal(4, all.TotalCandidates);
        var first = await f.Search.SearchAsync(Request(f, "a", SearchMode.Semantic) with { MinSimilarity = 0.0, Limit = 2 }, query, ct);
        var second = await f.Search.SearchAsync(Request(f, "a", SearchMode.Semantic) with { MinSimilarity = 0.0, Limit = 2, Offset = 2 }, query, ct);
        Assert.Equal(all.Hits.Select(h => h.ImageId), first.Hits.Concat(second.Hits).Select(h => h.ImageId));

        await using var db = database.CreateDbContext();
        await db.Images.Where(i => i.Id == f.Ids["cat"]).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImageStatus.Missing), ct);
        var afterDelete = await f.Search.SearchAsync(Request(f, "a", SearchMode.Semantic) with { MinSimilarity = 0.0 }, query, ct);
        Assert.DoesNotContain(f.Ids["cat"], afterDelete.Hits.Select(h => h.ImageId));
    }

    [Fact]
    public async Task Hybrid_runs_the_keyword_branch_while_the_query_is_being_embedded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);

        // The keyword SQL reads tags: holding tags locked keeps it waiting where we can see it.
        await using var blocker = await database.DataSource.OpenConnectionAsync(ct);
        await using var hold = await blocker.BeginTransactionAsync(ct);
        await using (var lockTags = new Npgsql.NpgsqlCommand("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE", blocker, hold))
        {
            await lockTags.ExecuteNonQueryAsync(ct);
        }

        var result = await f.Search.SearchWhileEmbeddingAsync(
            Request(f, "bicycle", SearchMode.Hybrid) with { MinSimilarity = 0.5 },
            async embedCt =>
            {
                // Still embedding, and the keyword query is already waiting in the database.
                Assert.True(await KeywordQueryWaitingAsync(embedCt), "the keyword branch did not start before the embedding finished");
                await hold.RollbackAsync(embedCt);
                return new QueryEmbedding(Model, Direction(1, 0.2f));
            },
            ct);

        Assert.Equal(f.Ids["bike"], result.Hits[0].ImageId);
        Assert.Equal(SearchSignals.FullText | SearchSignals.Semantic, result.Hits[0].Signals);
        Assert.Contains(result.Hits, h => h.ImageId == f.Ids["cycling"] && h.Signals == SearchSignals.Semantic);
    }

    [Fact]
    public async Task When_embedding_fails_the_keyword_branch_already_running_is_cancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await CreateAsync(ct);
        await using var blocker = await database.DataSource.OpenConnectionAsync(ct);
        await using var hold = await blocker.BeginTransactionAsync(ct);
        await using (var lockTags = new Npgsql.NpgsqlCommand("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE", blocker, hold))
        {
            await lockTags.ExecuteNonQueryAsync(ct);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => f.Search.SearchWhileEmbeddingAsync(
            Request(f, "bicycle", SearchMode.Hybrid),
            async embedCt =>
            {
                Assert.True(await KeywordQueryWaitingAsync(embedCt));
                throw new InvalidOperationException("embedder broke");
            },
            ct));

        Assert.Equal("embedder broke", error.Message);
        // Cancelled and awaited before the error surfaced, though the lock is still held.
        Assert.False(await KeywordQueryWaitingAsync(ct, TimeSpan.Zero));
    }

    private async Task<bool> KeywordQueryWaitingAsync(CancellationToken ct, TimeSpan? patience = null)
    {
        var (waiting, _) = await Poll.TryUntilAsync(
            async () =>
            {
                await using var check = database.DataSource.CreateCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE '%fts_all%'");
                return (long)(await check.ExecuteScalarAsync(ct))!;
            },
            n => n > 0,
            patience ?? TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(20),
            ct);
        return waiting;
    }

    [Fact]
    public void Query_words_are_reduced_to_safe_tokens()
    {
        Assert.Equal(["red", "car", "o", "brien", "s", "ünïcödé"], ImageSearch.QueryWords("  Red car! O'Brien's & | :* ünïcödé"));
    }
}
