using ImageTagger.Ai.Offline;
using ImageTagger.Imaging.Pixels;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Ai.Tests.Offline;

/// <summary>The real offline models (the ONNX files the build copies beside the tests) on small, real inputs.</summary>
public sealed class OfflineModelTests : IDisposable
{
    private readonly OfflineModels _models = new(new OfflineAiOptions());
    private readonly TempImageDirectory _dir = new("it-offline-");

    [Fact]
    public void Model_files_are_present_and_verified()
    {
        _models.Verify();
        Assert.All(_models.RequiredFiles(), f => Assert.True(File.Exists(_models.PathOf(f)), f));
    }

    [Fact]
    public void The_catalog_stores_the_offline_vectors_under_the_models_own_names_and_dimensions()
    {
        Assert.Equal(Catalog.Embeddings.OfflineEmbeddingModels.Text, MiniLmTextEmbedder.ModelName);
        Assert.Equal(Catalog.Embeddings.OfflineEmbeddingModels.TextDimensions, MiniLmTextEmbedder.Dimensions);
        Assert.Equal(Catalog.Embeddings.OfflineEmbeddingModels.Image, ResNetImageFeaturizer.ModelName);
        Assert.Equal(Catalog.Embeddings.OfflineEmbeddingModels.ImageDimensions, ResNetImageFeaturizer.Dimensions);
    }

    [Fact]
    public void Missing_model_files_are_named_in_a_clear_error()
    {
        using var models = new OfflineModels(new OfflineAiOptions { ModelDirectory = _dir.Path });
        var error = Assert.Throws<OfflineModelsMissingException>(models.Verify);
        Assert.Contains(OfflineModels.OcrDetectionFile, error.Message, StringComparison.Ordinal);
        Assert.Contains(OfflineModels.ResNetFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/setup.sh", error.Message, StringComparison.Ordinal);

        // A stage that is off needs no files.
        using var ocrOff = new OfflineModels(new OfflineAiOptions { ModelDirectory = _dir.Path, Ocr = false, Features = false });
        ocrOff.Verify();
    }

    [Fact]
    public async Task A_run_stopped_by_its_callers_cancellation_ends_as_a_cancellation_and_other_failures_stay_errors()
    {
        // ONNX Runtime reports a run stopped by its terminate flag as its own error (a search's embedding budget ran out
        // while MiniLM was running): the caller must see the cancellation it asked for, not a failed search.
        using var models = new OfflineModels(new OfflineAiOptions { ModelDirectory = _dir.Path });
        using var stop = new CancellationTokenSource();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.RunAsync<int>(() =>
        {
            stop.Cancel();
            throw new InvalidOperationException("Exiting due to terminate flag being set to true.");
        }, stop.Token));
        Assert.IsType<InvalidOperationException>(cancelled.InnerException);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => models.RunAsync<int>(() => throw new InvalidOperationException("a broken model"), CancellationToken.None));
        Assert.Equal("a broken model", failed.Message);
        Assert.Equal(42, await models.RunAsync(() => 42, CancellationToken.None)); // the gate was released both times
    }

    [Fact]
    public async Task MiniLm_ranks_a_paraphrase_above_an_unrelated_sentence()
    {
        using var embedder = new MiniLmTextEmbedder(_models);
        var vectors = await embedder.EmbedAsync(["a dog on the beach", "puppy playing in sand", "city skyline at night"], TestContext.Current.CancellationToken);
        Assert.All(vectors, v => Assert.Equal(MiniLmTextEmbedder.Dimensions, v.Length));
        var paraphrase = VectorMath.Cosine(vectors[0], vectors[1]);
        var unrelated = VectorMath.Cosine(vectors[0], vectors[2]);
        Assert.True(paraphrase > unrelated + 0.2, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
        Assert.Equal(1.0, VectorMath.Cosine(vectors[0], vectors[0]), 3);
    }

    [Fact]
    public async Task MiniLm_embeds_long_text_without_failing()
    {
        using var embedder = new MiniLmTextEmbedder(_models);
        var vector = await embedder.EmbedAsync(string.Join(' ', Enumerable.Repeat("harbour boats at dawn", 500)), TestContext.Current.CancellationToken);
        Assert.Equal(MiniLmTextEmbedder.Dimensions, vector.Length);
        Assert.Contains(vector, x => x != 0);
    }

    [Fact]
    public async Task Ocr_reads_a_generated_text_image()
    {
        var pixels = SignImages.Create(_dir, "OPEN DAILY\nFRESH BREAD", 1000, 400);
        using var ocr = new PaddleOcr(_models);
        var result = await ocr.ReadAsync(pixels, TestContext.Current.CancellationToken);

        var words = Words(result.Text);
        Assert.Contains("OPEN", words);
        Assert.Contains("DAILY", words);
        Assert.Contains("FRESH", words);
        Assert.Contains("BREAD", words);
        Assert.True(result.Text.IndexOf("OPEN", StringComparison.Ordinal) < result.Text.IndexOf("FRESH", StringComparison.Ordinal), result.Text);
        Assert.InRange(result.Confidence!.Value, 0.6, 1.0);
    }

    [Fact]
    public async Task Ocr_reads_a_film_poster_sample_photo()
    {
        using var ocr = new PaddleOcr(_models);
        var pixels = RgbDecoder.FitFile(SampleImages.Path("jpg", "xmp", "no_exif.jpg"), 1024);
        var result = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), TestContext.Current.CancellationToken);
        var text = result.Text.ToUpperInvariant();
        Assert.Contains("GOALIE", text, StringComparison.Ordinal);
        Assert.Contains("PEDRO LENZ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ocr_reads_upright_text_whatever_the_exif_orientation()
    {
        using var ocr = new PaddleOcr(_models);
        foreach (var orientation in new[] { 1, 3, 6, 8 })
        {
            var pixels = RgbDecoder.FitFile(SampleImages.Path("jpg", "orientation", $"landscape_{orientation}.jpg"), 1024);
            var result = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), TestContext.Current.CancellationToken);
            Assert.Contains("right", Words(result.Text));
        }
    }

    [Fact]
    public async Task Ocr_finds_no_text_in_a_plain_picture()
    {
        var path = TestImageFactory.CreateJpeg(_dir.File("plain.jpg"), 400, 300);
        using var ocr = new PaddleOcr(_models);
        var pixels = RgbDecoder.FitFile(path, 1024);
        var result = await ocr.ReadAsync(new RgbPixels(pixels.Width, pixels.Height, pixels.Data), TestContext.Current.CancellationToken);
        Assert.Empty(result.Lines);
        Assert.Null(result.Confidence);
    }

    [Fact]
    public async Task ResNet18_ranks_a_same_subject_sample_above_an_unrelated_one()
    {
        using var featurizer = new ResNetImageFeaturizer(_models);
        var ct = TestContext.Current.CancellationToken;
        var anchor = await FeaturesAsync(featurizer, SampleImages.Path("jpg", "hdr", "iphone_hdr_NO.jpg"), ct);
        var sameSubject = await FeaturesAsync(featurizer, SampleImages.Path("jpg", "hdr", "iphone_hdr_YES.jpg"), ct);
        var unrelated = await FeaturesAsync(featurizer, SampleImages.Path("jpg", "xmp", "no_exif.jpg"), ct);
        Assert.Equal(ResNetImageFeaturizer.Dimensions, anchor.Length);
        var same = VectorMath.Cosine(anchor, sameSubject);
        var other = VectorMath.Cosine(anchor, unrelated);
        Assert.True(same > other + 0.2, $"same subject {same:F3}, unrelated {other:F3}");
    }

    [Fact]
    public async Task ResNet18_sees_a_resized_reencoded_copy_as_a_near_duplicate()
    {
        using var featurizer = new ResNetImageFeaturizer(_models);
        var ct = TestContext.Current.CancellationToken;
        var original = SampleImages.Path("jpg", "gps", "DSCN0010.jpg");
        var copy = _dir.File("copy.jpg");
        VipsCli.Run("thumbnail", original, copy + "[Q=60]", "800");
        var a = await FeaturesAsync(featurizer, original, ct);
        var b = await FeaturesAsync(featurizer, copy, ct);
        var neighbour = await FeaturesAsync(featurizer, SampleImages.Path("jpg", "gps", "DSCN0012.jpg"), ct);
        Assert.True(VectorMath.Cosine(a, b) >= new OfflineAiOptions().NearDuplicateSimilarity, $"copy {VectorMath.Cosine(a, b):F3}");
        Assert.True(VectorMath.Cosine(a, neighbour) < new OfflineAiOptions().NearDuplicateSimilarity, $"neighbour {VectorMath.Cosine(a, neighbour):F3}");
    }

    private static async Task<float[]> FeaturesAsync(ResNetImageFeaturizer featurizer, string path, CancellationToken ct)
    {
        var square = RgbDecoder.Square(File.ReadAllBytes(path), ResNetImageFeaturizer.InputSide, path);
        return await featurizer.FeaturesAsync(new RgbPixels(square.Width, square.Height, square.Data), ct);
    }

    private static string[] Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        _models.Dispose();
        _dir.Dispose();
    }
}
