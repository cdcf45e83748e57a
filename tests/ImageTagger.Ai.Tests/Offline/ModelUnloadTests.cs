using ImageTagger.Ai.Offline;
using ImageTagger.Imaging.Pixels;
using ImageTagger.TestSupport.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ImageTagger.Ai.Tests.Offline;

/// <summary>
/// Bounded memory (issue 21): each model's sessions unload after the idle time and load again on the next use with
/// the same results; a run in flight is never unloaded under. The clock is a fake one, advanced by the test.
/// </summary>
public sealed class ModelUnloadTests : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new();
    private readonly OfflineModels _models;
    private readonly TempImageDirectory _dir = new("it-unload-");

    public ModelUnloadTests() => _models = new OfflineModels(new OfflineAiOptions { IdleUnloadAfter = Idle }, _time);

    [Fact]
    public async Task ResNet18_unloads_after_the_idle_time_and_reloads_with_the_same_features()
    {
        using var featurizer = new ResNetImageFeaturizer(_models);
        var square = RgbDecoder.Square(File.ReadAllBytes(SampleImages.Path("jpg", "hdr", "iphone_hdr_NO.jpg")), ResNetImageFeaturizer.InputSide, "hdr");
        var pixels = new RgbPixels(square.Width, square.Height, square.Data);
        Assert.False(featurizer.IsLoaded);

        var first = await featurizer.FeaturesAsync(pixels, TestContext.Current.CancellationToken);
        Assert.True(featurizer.IsLoaded);
        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.True(featurizer.IsLoaded);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(featurizer.IsLoaded);

        var again = await featurizer.FeaturesAsync(pixels, TestContext.Current.CancellationToken);
        Assert.True(featurizer.IsLoaded);
        Assert.Equal(first, again, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public async Task MiniLm_unloads_after_the_idle_time_and_reloads_with_the_same_vector()
    {
        using var embedder = new MiniLmTextEmbedder(_models);
        var first = await embedder.EmbedAsync("a dog on the beach", TestContext.Current.CancellationToken);
        _time.Advance(Idle);
        Assert.False(embedder.IsLoaded);

        var again = await embedder.EmbedAsync("a dog on the beach", TestContext.Current.CancellationToken);
        Assert.True(embedder.IsLoaded);
        Assert.Equal(first, again, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public async Task Ocr_unloads_after_the_idle_time_and_reloads_with_the_same_text()
    {
        var pixels = SignImages.Create(_dir, "OPEN DAILY", 800, 240);
        using var ocr = new PaddleOcr(_models);
        var first = await ocr.ReadAsync(pixels, TestContext.Current.CancellationToken);
        Assert.Contains("OPEN", first.Text, StringComparison.Ordinal);
        _time.Advance(Idle);
        Assert.False(ocr.IsLoaded);

        var again = await ocr.ReadAsync(pixels, TestContext.Current.CancellationToken);
        Assert.True(ocr.IsLoaded);
        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Confidence!.Value, again.Confidence!.Value, 6);
    }

    [Fact]
    public async Task Each_run_restarts_the_idle_clock()
    {
        using var embedder = new MiniLmTextEmbedder(_models);
        await embedder.EmbedAsync("first", TestContext.Current.CancellationToken);
        _time.Advance(Idle - TimeSpan.FromSeconds(10));
        await embedder.EmbedAsync("second", TestContext.Current.CancellationToken);
        _time.Advance(Idle - TimeSpan.FromSeconds(10));
        Assert.True(embedder.IsLoaded);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(embedder.IsLoaded);
    }

    [Fact]
    public async Task A_run_in_flight_keeps_its_model_loaded_past_the_idle_time()
    {
        // The slot's model stands in for sessions here: what is observed is when the slot disposes it.
        using var slot = new ModelSlot<Tracked>(() => new Tracked(), Idle, _time);
        var loaded = slot.Use(m => m);
        Assert.Equal(1, slot.Loads);

        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var run = Task.Factory.StartNew(
            () => slot.Use(m =>
            {
                started.Set();
                release.Wait(TestContext.Current.CancellationToken);
                return m;
            }),
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        started.Wait(TestContext.Current.CancellationToken);

        // The timer armed by the first run fires now, during the second: it must leave the model alone.
        _time.Advance(Idle * 3);
        Assert.True(slot.IsLoaded);
        Assert.False(loaded.Disposed);

        release.Set();
        Assert.Same(loaded, await run);
        Assert.True(slot.IsLoaded);
        _time.Advance(Idle);
        Assert.False(slot.IsLoaded);
        Assert.True(loaded.Disposed);

        var reloaded = slot.Use(m => m);
        Assert.NotSame(loaded, reloaded);
        Assert.False(reloaded.Disposed);
        Assert.Equal(2, slot.Loads);
    }

    [Fact]
    public void A_zero_idle_time_keeps_the_model_loaded_until_the_slot_is_disposed()
    {
        var slot = new ModelSlot<Tracked>(() => new Tracked(), TimeSpan.Zero, _time);
        var model = slot.Use(m => m);
        _time.Advance(TimeSpan.FromDays(30));
        Assert.True(slot.IsLoaded);
        Assert.False(model.Disposed);

        slot.Dispose();
        Assert.True(model.Disposed);
        Assert.Throws<ObjectDisposedException>(() => slot.Use(m => m));
    }

    [Fact]
    public void A_model_that_fails_to_load_is_tried_again_on_the_next_use()
    {
        var attempts = 0;
        using var slot = new ModelSlot<Tracked>(() => ++attempts == 1 ? throw new OfflineModelsMissingException("not yet") : new Tracked(), Idle, _time);
        Assert.Throws<OfflineModelsMissingException>(() => slot.Use(m => m));
        Assert.False(slot.IsLoaded);
        Assert.False(slot.Use(m => m).Disposed);
        Assert.Equal(1, slot.Loads);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("8.00:00:00")]
    public void An_idle_time_out_of_range_is_refused_at_start(string idle)
    {
        using var services = Services(new() { ["OfflineAi:IdleUnloadAfter"] = idle });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OfflineAiOptions>>().Value);
        Assert.Contains(nameof(OfflineAiOptions.IdleUnloadAfter), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_idle_time_binds_and_defaults_to_five_minutes()
    {
        using var defaults = Services([]);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.GetRequiredService<IOptions<OfflineAiOptions>>().Value.IdleUnloadAfter);
        using var never = Services(new() { ["OfflineAi:IdleUnloadAfter"] = "00:00:00" });
        Assert.Equal(TimeSpan.Zero, never.GetRequiredService<IOptions<OfflineAiOptions>>().Value.IdleUnloadAfter);
        Assert.Same(TimeProvider.System, never.GetRequiredService<TimeProvider>());
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddOfflineAi(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    private sealed class Tracked : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    public void Dispose()
    {
        _models.Dispose();
        _dir.Dispose();
    }
}
