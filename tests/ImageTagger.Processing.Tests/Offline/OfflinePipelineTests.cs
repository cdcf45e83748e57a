using ImageTagger.Ai.Offline;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Search;
using ImageTagger.Catalog.Similarity;
using ImageTagger.Catalog.Tags;
using ImageTagger.TestSupport.Images;
using ImageTagger.TestSupport.Postgres;
using ImageTagger.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageTagger.Processing.Tests.Offline;

/// <summary>
/// The whole pipeline with no AI server at all (Ollama's URL is a closed port): the offline stages still read the
/// text in the photos, embed each image's text and compute image features, so search by keyword and by meaning,
/// similar images, near-duplicates and tag suggestions all work.
/// </summary>
public sealed class OfflinePipelineTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task With_no_Ollama_reachable_text_in_photos_is_searchable_and_similar_images_and_suggestions_exist()
    {
        var ct = TestContext.Current.CancellationToken;
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");

        // A shop sign rendered with libvips (dark text on white), a film poster photo, two harbour photos and a
        // resized, re-encoded copy of one of them (visually the same, other bytes).
        var text = photos.File("text.v");
        var inverted = photos.File("inverted.v");
        VipsCli.Run("text", text, "FRESH BREAD\nOPEN DAILY", "--dpi", "220", "--font", "DejaVu Sans Bold");
        VipsCli.Run("invert", text, inverted);
        VipsCli.Run("embed", inverted, photos.File("shop-sign.png"), "40", "40", "1100", "420", "--extend", "white");
        File.Delete(text);
        File.Delete(inverted);
        photos.Copy(SampleImages.Path("jpg", "xmp", "no_exif.jpg"), "poster.jpg");
        photos.Copy(SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), "harbour-1.jpg");
        photos.Copy(SampleImages.Path("jpg", "gps", "DSCN0029.jpg"), "harbour-2.jpg");
        VipsCli.Run("thumbnail", SampleImages.Path("jpg", "gps", "DSCN0025.jpg"), photos.File("harbour-1-small.jpg") + "[Q=60]", "700");

        var settings = ProcessingTestHost.PipelineSettings(new Uri("http://127.0.0.1:9/"), thumbs.Path,
            ("Ollama:RequestTimeout", "00:00:02"), ("Processing:AiRecoveryInterval", "00:10:00"),
            ("OfflineAi:Ocr", "true"), ("OfflineAi:Features", "true"), ("OfflineAi:TextEmbeddings", "true"));
        using var host = ProcessingTestHost.Build(database, settings);
        var folder = await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct);
        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);

        await Poll.UntilAsync(() => OfflineWorkDoneAsync(folder.Id, 5), TimeSpan.FromSeconds(240), "the offline stages finished for every image", () => DescribeAsync(folder.Id));

        var images = await ImagesByNameAsync(folder.Id);
        var sign = images["shop-sign.png"];
        var poster = images["poster.jpg"];
        Assert.Contains("BREAD", sign.OcrText, StringComparison.Ordinal);
        Assert.Contains("OPEN", sign.OcrText, StringComparison.Ordinal);
        Assert.InRange(sign.OcrConfidence!.Value, 0.6f, 1f);
        Assert.Contains("GOALIE", poster.OcrText, StringComparison.Ordinal);
        Assert.Equal("", images["harbour-2.jpg"].OcrText);

        // No vision model answered: nothing was described, and the describe jobs wait for Ollama.
        Assert.All(images.Values, i => Assert.Null(i.Description));

        // Keyword: OCR text is in the full-text document.
        var search = host.Services.GetRequiredService<ImageSearch>();
        var keyword = await search.SearchAsync(new SearchRequest("bread", SearchMode.Keyword), null, ct);
        Assert.Equal(sign.Id, Assert.Single(keyword.Hits).ImageId);
        var posterHit = await search.SearchAsync(new SearchRequest("goalie", SearchMode.Keyword), null, ct);
        Assert.Equal(poster.Id, Assert.Single(posterHit.Hits).ImageId);

        // Meaning: a query with none of the sign's words finds it through the offline text embedding, first.
        var embedder = host.Services.GetRequiredService<MiniLmTextEmbedder>();
        const string query = "bakery";
        Assert.Empty((await search.SearchAsync(new SearchRequest(query, SearchMode.Keyword), null, ct)).Hits);
        var offline = new QueryEmbedding(OfflineEmbeddingModels.Text, await embedder.EmbedAsync(query, ct));
        var semantic = await search.SearchWhileEmbeddingAsync(new SearchRequest(query, SearchMode.Hybrid), _ => Task.FromResult<QueryEmbedding?>(null), _ => Task.FromResult<QueryEmbedding?>(offline), ct);
        Assert.Equal(SearchMode.Hybrid, semantic.ModeUsed);
        Assert.Equal(sign.Id, semantic.Hits[0].ImageId);
        Assert.Equal(SearchSignals.OfflineSemantic, semantic.Hits[0].Signals);
        Assert.True(semantic.SignalsUsed.HasFlag(SearchSignals.OfflineSemantic));
        Assert.False(semantic.SignalsUsed.HasFlag(SearchSignals.Semantic));
        Assert.NotNull(semantic.Notice);

        // Similar images and near-duplicates from the image features.
        var similarity = host.Services.GetRequiredService<VisualSimilarity>();
        var similar = await similarity.SimilarAsync(images["harbour-1.jpg"].Id, 3, 0, ct);
        Assert.Equal(images["harbour-1-small.jpg"].Id, similar[0].ImageId);
        Assert.True(similar[0].Similarity >= new OfflineAiOptions().NearDuplicateSimilarity, $"copy similarity {similar[0].Similarity}");
        Assert.Equal(images["harbour-2.jpg"].Id, similar[1].ImageId);
        Assert.True(similar[1].Similarity < new OfflineAiOptions().NearDuplicateSimilarity);
        var nearDuplicates = await similarity.SimilarAsync(images["harbour-1.jpg"].Id, 10, new OfflineAiOptions().NearDuplicateSimilarity, ct);
        Assert.Equal(images["harbour-1-small.jpg"].Id, Assert.Single(nearDuplicates).ImageId);

        // Suggestions: the user tags one harbour photo; its look-alike is offered the tag, the poster is not.
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        {
            await TagStore.AddAsync(connection, null, [images["harbour-1.jpg"].Id], ["harbour"], TagSource.User, ct);
        }

        var options = new OfflineAiOptions();
        var suggestions = await similarity.SuggestTagsAsync(images["harbour-2.jpg"].Id, options.SuggestionNeighbours, options.SuggestionMinSimilarity, 5, ct);
        var suggestion = Assert.Single(suggestions);
        Assert.Equal("harbour", suggestion.Name);
        Assert.Empty(await similarity.SuggestTagsAsync(poster.Id, options.SuggestionNeighbours, options.SuggestionMinSimilarity, 5, ct));

        // Dismissed: not offered again. Accepted (on the copy): the tag is the image's, with its own source.
        Assert.True(await similarity.DismissAsync(images["harbour-2.jpg"].Id, suggestion.TagId, ct));
        Assert.Empty(await similarity.SuggestTagsAsync(images["harbour-2.jpg"].Id, options.SuggestionNeighbours, options.SuggestionMinSimilarity, 5, ct));
        var copyId = images["harbour-1-small.jpg"].Id;
        Assert.Equal("harbour", Assert.Single(await similarity.SuggestTagsAsync(copyId, options.SuggestionNeighbours, options.SuggestionMinSimilarity, 5, ct)).Name);
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            Assert.True(await VisualSimilarity.AcceptAsync(connection, transaction, copyId, suggestion.TagId, ct));
            await transaction.CommitAsync(ct);
        }

        await using (var db = database.CreateDbContext())
        {
            var accepted = await db.ImageTags.AsNoTracking().SingleAsync(t => t.ImageId == copyId, ct);
            Assert.Equal(TagSource.Suggestion, accepted.Source);
        }

        Assert.Empty(await similarity.SuggestTagsAsync(copyId, options.SuggestionNeighbours, options.SuggestionMinSimilarity, 5, ct));
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Switched_off_offline_stages_do_no_work()
    {
        var ct = TestContext.Current.CancellationToken;
        using var photos = new TempImageDirectory();
        using var thumbs = new TempImageDirectory("it-thumbs-");
        // Bytes no other test uses: a known checksum would be adopted as a moved image, with its old results.
        TestImageFactory.CreateJpeg(photos.File("generated.jpg"), 347, 211);
        var settings = ProcessingTestHost.PipelineSettings(new Uri("http://127.0.0.1:9/"), thumbs.Path,
            ("Ollama:RequestTimeout", "00:00:02"), ("Processing:AiRecoveryInterval", "00:10:00"),
            ("OfflineAi:Ocr", "false"), ("OfflineAi:Features", "false"), ("OfflineAi:TextEmbeddings", "false"));
        using var host = ProcessingTestHost.Build(database, settings);
        var folder = await ProcessingTestHost.AddFolderAsync(database, photos.Path, ct: ct);
        await host.StartAsync(ct);
        await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(NewJob.ScanFolder(folder.Id), ct);
        await Poll.UntilAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            var kinds = new[] { JobKinds.Ocr, JobKinds.Features, JobKinds.TextEmbed };
            return await db.Jobs.CountAsync(j => j.FolderId == folder.Id && kinds.Contains(j.Kind) && j.State == JobState.Done, ct) == 3;
        }, TimeSpan.FromSeconds(120), "the offline jobs completed", () => DescribeAsync(folder.Id));
        await host.StopAsync(ct);

        var image = (await ImagesByNameAsync(folder.Id))["generated.jpg"];
        Assert.Null(image.OcrText);
        Assert.Null(image.OcrAt);
        await using var check = database.CreateDbContext();
        Assert.False(await check.ImageEmbeddings.AnyAsync(e => e.ImageId == image.Id, ct));
    }

    private async Task<bool> OfflineWorkDoneAsync(long folderId, int images)
    {
        await using var db = database.CreateDbContext();
        var kinds = new[] { JobKinds.Ocr, JobKinds.Features, JobKinds.TextEmbed };
        var pending = await db.Jobs.AnyAsync(j => j.FolderId == folderId && kinds.Contains(j.Kind) && (j.State == JobState.Queued || j.State == JobState.Running));
        var withFeatures = await db.ImageEmbeddings.CountAsync(e => e.Model == OfflineEmbeddingModels.Image && db.Images.Any(i => i.Id == e.ImageId && i.FolderId == folderId));
        var withText = await db.ImageEmbeddings.CountAsync(e => e.Model == OfflineEmbeddingModels.Text && db.Images.Any(i => i.Id == e.ImageId && i.FolderId == folderId));
        var read = await db.Images.CountAsync(i => i.FolderId == folderId && i.OcrAt != null);
        return !pending && withFeatures == images && withText == images && read == images;
    }

    private async Task<Dictionary<string, Image>> ImagesByNameAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        return await db.Images.AsNoTracking().Where(i => i.FolderId == folderId).ToDictionaryAsync(i => i.FileName);
    }

    private async Task<string> DescribeAsync(long folderId)
    {
        await using var db = database.CreateDbContext();
        var images = await db.Images.AsNoTracking().Where(i => i.FolderId == folderId).Select(i => $"{i.FileName}={i.Status} ocr={i.OcrText} ({i.Error})").ToListAsync();
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.FolderId == folderId).Select(j => $"{j.Kind}#{j.ImageId}={j.State}/{j.Attempts} ({j.LastError})").ToListAsync();
        return string.Join("; ", images.Concat(jobs));
    }
}
