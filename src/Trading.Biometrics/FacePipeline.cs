using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Trading.Biometrics;

/// <summary>A face box in working-image pixels (square, as the landmark model expects) with its detector score.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height, float Score);

/// <summary>Wall-clock time of each pipeline stage in milliseconds.</summary>
public sealed record StageTimings(double DecodeMs, double DetectMs, double LandmarkMs, double EmbedMs, double LivenessMs)
{
    /// <summary>Sum of all stages.</summary>
    public double TotalMs => DecodeMs + DetectMs + LandmarkMs + EmbedMs + LivenessMs;
}

/// <summary>Everything the pipeline learned about the chosen face.</summary>
/// <param name="Box">The largest face.</param>
/// <param name="FaceCount">Faces found above the detector threshold.</param>
/// <param name="Points">Five points (eyes, nose tip, mouth corners) used for alignment, in working-image pixels.</param>
/// <param name="Embedding">512 floats, L2-normalised.</param>
/// <param name="Liveness">Softmax over live, print-or-screen attack, other.</param>
/// <param name="Timings">Per-stage time.</param>
public sealed record FaceAnalysis(FaceBox Box, int FaceCount, IReadOnlyList<(float X, float Y)> Points, float[] Embedding, float[] Liveness, StageTimings Timings)
{
    /// <summary>Probability that the face is live (class 0).</summary>
    public float LiveScore => Liveness[0];
}

/// <summary>Tuning of the pipeline. Defaults are the values measured and recorded in docs/biometrics.md.</summary>
public sealed record FacePipelineOptions
{
    /// <summary>Channel order of the detector input (measured: see docs).</summary>
    public ChannelOrder DetectorChannels { get; init; } = ChannelOrder.Rgb;

    /// <summary>Grey weights of the landmark input (measured: see docs).</summary>
    public ChannelOrder LandmarkChannels { get; init; } = ChannelOrder.Rgb;

    /// <summary>Channel order of the embedding input (measured: see docs).</summary>
    public ChannelOrder FeatureChannels { get; init; } = ChannelOrder.Rgb;

    /// <summary>Channel order of the liveness input (measured: see docs).</summary>
    public ChannelOrder LivenessChannels { get; init; } = ChannelOrder.Bgr;

    /// <summary>Detector face-class probability needed to keep a box.</summary>
    public float DetectThreshold { get; init; } = 0.65f;

    /// <summary>IoU above which the weaker of two boxes is suppressed.</summary>
    public float NmsThreshold { get; init; } = 0.4f;

    /// <summary>Smallest accepted face height in working-image pixels: below it the 112x112 crop is mostly upsampled blur.</summary>
    public int MinFaceSize { get; init; } = 64;

    /// <summary>
    /// Largest accepted face height as a fraction of the frame height. The liveness model looks at 2.7x the face box
    /// for borders and edges; a photo held so close that it fills the frame hides them (measured: docs/biometrics.md).
    /// </summary>
    public float MaxFaceFraction { get; init; } = 0.7f;

    /// <summary>A second face at least this fraction of the largest face's height refuses the frame as "several faces".</summary>
    public float SecondFaceRatio { get; init; } = 0.5f;

    /// <summary>Decoding limits.</summary>
    public ImageLimits Limits { get; init; } = new();
}

/// <summary>
/// Decode, detect, pick the largest face, 68 landmarks, five-point alignment, embedding and liveness.
/// Stateless apart from the shared ONNX sessions, so one instance serves concurrent requests.
/// </summary>
public sealed class FacePipeline
{
    internal const int DetW = 320;
    internal const int DetH = 240;
    internal const int EmbeddingSize = 512;

    // ArcFace's canonical five points in the 112x112 crop.
    private static readonly (double X, double Y)[] ArcFacePoints =
    [
        (38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041),
    ];

    private readonly FaceModels _models;

    /// <summary>Creates a pipeline over loaded models.</summary>
    public FacePipeline(FaceModels models, FacePipelineOptions? options = null)
    {
        _models = models ?? throw new ArgumentNullException(nameof(models));
        Options = options ?? new FacePipelineOptions();
    }

    /// <summary>The options in force.</summary>
    public FacePipelineOptions Options { get; }

    /// <summary>Decodes the image and analyses its largest face.</summary>
    /// <exception cref="BiometricException">NotAnImage, ImageTooLarge, NoFace, MultipleFaces, FaceTooSmall or FaceTooLarge.</exception>
    public FaceAnalysis Analyze(ReadOnlySpan<byte> imageBytes)
    {
        var sw = Stopwatch.StartNew();
        var image = ImageDecoder.Decode(imageBytes, Options.Limits);
        var decodeMs = sw.Elapsed.TotalMilliseconds;
        return Analyze(image, decodeMs);
    }

    /// <summary>Analyses the largest face of an already decoded image.</summary>
    public FaceAnalysis Analyze(RgbImage image, double decodeMs = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var sw = Stopwatch.StartNew();
        var faces = Detect(image);
        var detectMs = sw.Elapsed.TotalMilliseconds;
        if (faces.Count == 0)
        {
            throw new BiometricException(BiometricReason.NoFace);
        }

        var largest = faces[0];
        var comparable = faces.Count(f => f.Height >= largest.Height * Options.SecondFaceRatio);
        if (comparable > 1)
        {
            throw new BiometricException(BiometricReason.MultipleFaces, comparable);
        }

        if (largest.Height < Options.MinFaceSize)
        {
            throw new BiometricException(BiometricReason.FaceTooSmall, (int)largest.Height, Options.MinFaceSize);
        }

        if (largest.Height > image.Height * Options.MaxFaceFraction)
        {
            throw new BiometricException(BiometricReason.FaceTooLarge, (int)largest.Height, image.Height, Options.MaxFaceFraction.ToString("P0", System.Globalization.CultureInfo.InvariantCulture));
        }

        return AnalyzeFace(image, largest, faces.Count, decodeMs, detectMs);
    }

    /// <summary>Detects all faces, largest first, as squared boxes clipped to the image.</summary>
    public IReadOnlyList<FaceBox> Detect(RgbImage image)
    {
        var input = new float[3 * DetW * DetH];
        var small = new byte[DetW * DetH * 3];
        AreaResampler.ResizeInto(image, DetW, DetH, small);
        var bgr = Options.DetectorChannels == ChannelOrder.Bgr;
        const int plane = DetW * DetH;
        for (var i = 0; i < plane; i++)
        {
            var r = (small[i * 3] - 127f) / 128f;
            var g = (small[(i * 3) + 1] - 127f) / 128f;
            var b = (small[(i * 3) + 2] - 127f) / 128f;
            input[i] = bgr ? b : r;
            input[plane + i] = g;
            input[(2 * plane) + i] = bgr ? r : b;
        }

        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, DetH, DetW]);
        var session = _models.Detect;
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, session.InputNames, [inputValue], session.OutputNames);
        ReadOnlySpan<float> scores = default, boxes = default;
        for (var i = 0; i < session.OutputNames.Count; i++)
        {
            if (session.OutputNames[i] == "scores")
            {
                scores = outputs[i].GetTensorDataAsSpan<float>();
            }
            else if (session.OutputNames[i] == "boxes")
            {
                boxes = outputs[i].GetTensorDataAsSpan<float>();
            }
        }

        var candidates = new List<Corners>();
        var count = scores.Length / 2;
        for (var i = 0; i < count; i++)
        {
            var s = scores[(i * 2) + 1];
            if (s >= Options.DetectThreshold)
            {
                candidates.Add(new Corners(boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3], s));
            }
        }

        var kept = Nms(candidates, Options.NmsThreshold);
        var result = new List<FaceBox>(kept.Count);
        foreach (var k in kept)
        {
            // Corners are in 0..1; square the box on its height around its centre as the reference code does, since
            // the landmark model was trained on square crops.
            var x1 = k.X1 * image.Width;
            var y1 = k.Y1 * image.Height;
            var x2 = k.X2 * image.Width;
            var y2 = k.Y2 * image.Height;
            var size = y2 - y1;
            if (size <= 1 || x2 - x1 <= 1)
            {
                continue;
            }

            var cx = (x1 + x2) / 2;
            var cy = (y1 + y2) / 2;
            var nx1 = Math.Max(0, cx - (size / 2));
            var ny1 = Math.Max(0, cy - (size / 2));
            var nx2 = Math.Min(image.Width - 1, cx + (size / 2));
            var ny2 = Math.Min(image.Height - 1, cy + (size / 2));
            result.Add(new FaceBox(nx1, ny1, nx2 - nx1, ny2 - ny1, k.Score));
        }

        result.Sort((a, b) => (b.Width * b.Height).CompareTo(a.Width * a.Height));
        return result;
    }

    /// <summary>Landmarks, alignment, embedding and liveness for one detected face (no size or count checks).</summary>
    public FaceAnalysis AnalyzeFace(RgbImage image, FaceBox box, int faceCount = 1, double decodeMs = 0, double detectMs = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var sw = Stopwatch.StartNew();
        var points = FivePoints(image, box);
        var landmarkMs = sw.Elapsed.TotalMilliseconds;

        sw.Restart();
        var embedding = Embed(image, points);
        var embedMs = sw.Elapsed.TotalMilliseconds;

        sw.Restart();
        var liveness = Liveness(image, box);
        var livenessMs = sw.Elapsed.TotalMilliseconds;

        return new FaceAnalysis(box, faceCount, points, embedding, liveness, new StageTimings(decodeMs, detectMs, landmarkMs, embedMs, livenessMs));
    }

    private (float X, float Y)[] FivePoints(RgbImage image, FaceBox box)
    {
        var input = new float[64 * 64];
        Affine.CropResize(box.X, box.Y, box.Width, box.Height, 64, 64)
            .SampleGrey(image, 64, 64, input, Options.LandmarkChannels == ChannelOrder.Bgr, 1f / 256f);
        var session = _models.Landmark;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 1, 64, 64]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, session.InputNames, [inputValue], session.OutputNames);
        var lm = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // 68-point indices (iBUG): eyes 36-41 and 42-47 (mean of the four lid points), nose tip 30, mouth corners
        // averaged over outer (48, 54) and inner (60, 64) lip, as in the reference JS.
        (float, float) P(params int[] idx)
        {
            float x = 0, y = 0;
            foreach (var i in idx)
            {
                x += lm[i * 2];
                y += lm[(i * 2) + 1];
            }

            return ((x / idx.Length * box.Width) + box.X, (y / idx.Length * box.Height) + box.Y);
        }

        return [P(37, 38, 40, 41), P(43, 44, 46, 47), P(30), P(48, 60), P(54, 64)];
    }

    private float[] Embed(RgbImage image, (float X, float Y)[] points)
    {
        var input = new float[3 * 112 * 112];
        SimilarityToReference(points).SampleChw(image, 112, 112, input, Options.FeatureChannels == ChannelOrder.Bgr, 127f, 1f / 128f);
        var session = _models.Feature;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 112, 112]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, session.InputNames, [inputValue], session.OutputNames);
        var raw = outputs[0].GetTensorDataAsSpan<float>();
        var result = raw[..EmbeddingSize].ToArray();
        FaceMath.Normalize(result);
        return result;
    }

    private float[] Liveness(RgbImage image, FaceBox box)
    {
        // The box enlarged 2.7x (less if the frame is too small), shifted to stay inside the frame, as in the reference.
        var scale = Math.Min((image.Height - 1) / box.Height, Math.Min((image.Width - 1) / box.Width, 2.7f));
        var w = box.Width * scale;
        var h = box.Height * scale;
        var cx = box.X + (box.Width / 2);
        var cy = box.Y + (box.Height / 2);
        var x1 = cx - (w / 2);
        var y1 = cy - (h / 2);
        // Max after Min, not Clamp: when the enlarged box spans the whole frame, rounding can make the upper bound
        // slightly negative.
        x1 = Math.Max(0, Math.Min(x1, image.Width - 1 - w));
        y1 = Math.Max(0, Math.Min(y1, image.Height - 1 - h));
        var input = new float[3 * 128 * 128];
        Affine.CropResize(x1, y1, w, h, 128, 128).SampleChw(image, 128, 128, input, Options.LivenessChannels == ChannelOrder.Bgr, 0f, 1f);
        var session = _models.Liveness;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 128, 128]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, session.InputNames, [inputValue], session.OutputNames);
        return FaceMath.Softmax(outputs[0].GetTensorDataAsSpan<float>());
    }

    /// <summary>Least-squares similarity (rotation, uniform scale, shift) taking the five points to ArcFace's, inverted for sampling.</summary>
    internal static Affine SimilarityToReference((float X, float Y)[] points)
    {
        // Closed-form 2-D Umeyama: for centred source p and target q, a = sum(p.q)/|p|^2, b = sum(p x q)/|p|^2.
        // Five points and four unknowns do not warrant a linear-algebra dependency.
        double msx = 0, msy = 0, mdx = 0, mdy = 0;
        for (var i = 0; i < 5; i++)
        {
            msx += points[i].X;
            msy += points[i].Y;
            mdx += ArcFacePoints[i].X;
            mdy += ArcFacePoints[i].Y;
        }

        msx /= 5;
        msy /= 5;
        mdx /= 5;
        mdy /= 5;
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < 5; i++)
        {
            var px = points[i].X - msx;
            var py = points[i].Y - msy;
            var qx = ArcFacePoints[i].X - mdx;
            var qy = ArcFacePoints[i].Y - mdy;
            dot += (px * qx) + (py * qy);
            cross += (px * qy) - (py * qx);
            norm += (px * px) + (py * py);
        }

        if (norm < 1e-9)
        {
            throw new BiometricException(BiometricReason.FaceTooSmall, 0, 1);
        }

        var a = dot / norm;
        var b = cross / norm;
        // Forward: q = [a -b; b a] p + t. Inverse for sampling: p = [a b; -b a] (q - t) / (a^2 + b^2).
        var tx = mdx - ((a * msx) - (b * msy));
        var ty = mdy - ((b * msx) + (a * msy));
        var det = (a * a) + (b * b);
        var ia = a / det;
        var ib = b / det;
        return new Affine(ia, ib, -((ia * tx) + (ib * ty)), -ib, ia, -((-ib * tx) + (ia * ty)));
    }

    private static List<Corners> Nms(List<Corners> boxes, float threshold)
    {
        // Ordinary greedy IoU suppression by score (the reference JS uses a non-standard overlap; IoU is the usual rule).
        boxes.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<Corners>();
        foreach (var c in boxes)
        {
            var keep = true;
            foreach (var k in kept)
            {
                var ix = Math.Max(0, Math.Min(c.X2, k.X2) - Math.Max(c.X1, k.X1));
                var iy = Math.Max(0, Math.Min(c.Y2, k.Y2) - Math.Max(c.Y1, k.Y1));
                var inter = ix * iy;
                var union = ((c.X2 - c.X1) * (c.Y2 - c.Y1)) + ((k.X2 - k.X1) * (k.Y2 - k.Y1)) - inter;
                if (union > 0 && inter / union > threshold)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                kept.Add(c);
            }
        }

        return kept;
    }

    private readonly record struct Corners(float X1, float Y1, float X2, float Y2, float Score);
}
