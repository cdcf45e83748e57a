using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ImageTagger.Ai.Offline;

/// <summary>
/// ResNet18 image features (512-d, the pooled layer before ImageNet's classifier; unit length), from the ONNX files of
/// ML.NET's DnnImageFeaturizer package: its preprocessing graph (mean/std per channel) then the network. Close
/// vectors mean visually alike photos; there are no labels. Sessions open on first use and unload when idle.
/// </summary>
public sealed class ResNetImageFeaturizer(OfflineModels models) : IDisposable
{
    public const string ModelName = "offline:resnet18";
    public const int Dimensions = 512;

    /// <summary>The network's input side; callers hand in pixels of this size (libvips resizes and crops better).</summary>
    public const int InputSide = 224;

    private readonly ModelSlot<SessionPair> _sessions = models.CreateSlot(() =>
        new SessionPair(models.OpenSession(OfflineModels.ResNetPreprocessFile), models.OpenSession(OfflineModels.ResNetFile)));

    /// <summary>Whether the sessions are loaded now (they unload when idle).</summary>
    public bool IsLoaded => _sessions.IsLoaded;

    public Task<float[]> FeaturesAsync(RgbPixels pixels, CancellationToken cancellationToken) =>
        models.RunAsync(() => _sessions.Use(s => Features(s.First, s.Second, pixels)), cancellationToken);

    private static float[] Features(InferenceSession prep, InferenceSession net, RgbPixels pixels)
    {
        // ML.NET's pipeline feeds planar R, G, B as 0-255 floats at 224×224; other sizes are resampled here.
        var input = new DenseTensor<float>([1, 3, InputSide, InputSide]);
        var exact = pixels.Width == InputSide && pixels.Height == InputSide;
        var sx = (float)pixels.Width / InputSide;
        var sy = (float)pixels.Height / InputSide;
        for (var y = 0; y < InputSide; y++)
        {
            for (var x = 0; x < InputSide; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    input[0, c, y, x] = exact
                        ? pixels.Data[((y * InputSide) + x) * 3 + c]
                        : pixels.Sample(((x + 0.5f) * sx) - 0.5f, ((y + 0.5f) * sy) - 0.5f, c);
                }
            }
        }

        using var prepared = prep.Run([NamedOnnxValue.CreateFromTensor(prep.InputMetadata.Keys.First(), input)]);
        var preparedTensor = prepared[0].AsTensor<float>().ToDenseTensor();
        using var output = net.Run([NamedOnnxValue.CreateFromTensor(net.InputMetadata.Keys.First(), preparedTensor)]);
        var features = output[0].AsEnumerable<float>().ToArray();
        VectorMath.Normalize(features);
        return features;
    }

    public void Dispose()
    {
        if (_sessions.IsLoaded)
        {
            models.WaitForRuns();
        }

        _sessions.Dispose();
    }
}
