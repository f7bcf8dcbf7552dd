using System.Globalization;
using System.Text;
using Trading.Biometrics.Tests;

namespace Trading.Biometrics.Bench;

/// <summary>
/// Measures channel orders and thresholds on the calibration set and prints a markdown report
/// (recorded in bench/results/biometrics-calibration.md and summarised in docs/biometrics.md).
/// </summary>
internal static class Calibrate
{
    public static void Run(string? outputPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        using var models = FaceModels.Load();
        var baseOptions = new FacePipelineOptions();
        sb.AppendLine("## Channel orders (each model flipped alone, others at the defaults)\n");
        sb.AppendLine("| variant | det. mean logit | faces found | feature AUC | max impostor | min genuine | liveness AUC (bona fide vs recapture) | mean live bona fide | mean live attack |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        var variants = new (string Name, FacePipelineOptions Options)[]
        {
            ("defaults " + Describe(baseOptions), baseOptions),
            ("detector flipped", baseOptions with { DetectorChannels = Flip(baseOptions.DetectorChannels) }),
            ("landmark grey flipped", baseOptions with { LandmarkChannels = Flip(baseOptions.LandmarkChannels) }),
            ("feature flipped", baseOptions with { FeatureChannels = Flip(baseOptions.FeatureChannels) }),
            ("liveness flipped", baseOptions with { LivenessChannels = Flip(baseOptions.LivenessChannels) }),
        };
        var attacks = CalibrationSet.BonaFidePaths()
            .SelectMany((p, i) => new[] { SyntheticImages.Recapture(CalibrationSet.Read(p), i, screen: false), SyntheticImages.Recapture(CalibrationSet.Read(p), 1000 + i, screen: true) })
            .ToList();
        List<float>? defaultGenuine = null, defaultImpostor = null, defaultLive = null, defaultAttack = null, defaultFranck = null;
        foreach (var (name, options) in variants)
        {
            var pipeline = new FacePipeline(models, options);
            var faces = CalibrationSet.Collect(pipeline);
            var (genuine, impostor, worst) = CalibrationSet.PairScores(faces);
            var live = faces.Where(f => !f.Identity.StartsWith("face-api", StringComparison.Ordinal)).Select(f => f.LiveScore()).ToList();
            var attackLive = attacks.Select(a => LiveOrZero(pipeline, a)).ToList();
            sb.AppendLine(inv, $"| {name} | {faces.Average(f => Logit(f.Analysis.Box.Score)):F3} | {faces.Count} | {ThresholdCalibration.Auc(genuine, impostor):F4} | {impostor.Max():F3} | {genuine.Min():F3} | {ThresholdCalibration.Auc(live, attackLive):F4} | {live.Average():F3} | {attackLive.Average():F3} |");
            if (defaultGenuine is null)
            {
                (defaultGenuine, defaultImpostor, defaultLive, defaultAttack) = (genuine, impostor, live, attackLive);
                var low = new List<string>();
                for (var i = 0; i < faces.Count; i++)
                {
                    for (var j = i + 1; j < faces.Count; j++)
                    {
                        var score = FaceMath.Cosine(faces[i].Analysis.Embedding, faces[j].Analysis.Embedding);
                        if (faces[i].Identity == faces[j].Identity && score < CheckInThresholds.CalibratedMatch)
                        {
                            low.Add(string.Create(inv, $"{faces[i].Source} vs {faces[j].Source} {score:F3}"));
                        }
                    }
                }

                sb.Insert(0, "Genuine pairs below the calibrated match threshold: " + string.Join("; ", low) + "\n\n");
                defaultFranck = faces.Where(f => f.Identity == "franck").Select(f => f.LiveScore()).ToList();
                sb.Insert(0, $"Worst impostor pair at the defaults: {worst.A} vs {worst.B}, {worst.Score:F3}\n\n");
            }
        }

        var (threshold, frr, rejects) = ThresholdCalibration.ZeroFalseAccept(defaultGenuine!, defaultImpostor!);
        sb.AppendLine(inv, $"\n## Match threshold (defaults)\n\n{defaultGenuine!.Count} genuine pairs, {defaultImpostor!.Count} impostor pairs.");
        sb.AppendLine(inv, $"Zero-false-accept threshold: {threshold:F2}; false rejects there: {rejects}/{defaultGenuine.Count} = {frr:P1}.\n");
        sb.AppendLine("| cosine bin | genuine | impostor |");
        sb.AppendLine("| --- | --- | --- |");
        var g = ThresholdCalibration.Histogram(defaultGenuine, -0.2f, 1f, 0.05f);
        var im = ThresholdCalibration.Histogram(defaultImpostor, -0.2f, 1f, 0.05f);
        for (var i = 0; i < g.Length; i++)
        {
            sb.AppendLine(inv, $"| {-0.2f + (i * 0.05f):F2} .. {-0.2f + ((i + 1) * 0.05f):F2} | {g[i]} | {im[i]} |");
        }

        sb.AppendLine(inv, $"\n## Liveness (defaults)\n\n{defaultLive!.Count} bona fide photos, {defaultAttack!.Count} simulated recaptures (print and screen).\n");
        var (liveThreshold, liveFrr, liveRejects) = ThresholdCalibration.ZeroFalseAccept(defaultLive, defaultAttack);
        sb.AppendLine(inv, $"Zero-attack-accept liveness threshold: {liveThreshold:F2}; bona fide refused there: {liveRejects}/{defaultLive.Count} = {liveFrr:P1}.");
        var franck = defaultFranck!;
        sb.AppendLine(inv, $"Franck's 14 camera frames alone: min live score {franck.Min():F3}, refused at that threshold {franck.Count(v => v < liveThreshold)}/14.\n");
        sb.AppendLine("| live-score threshold | bona fide refused | attacks accepted |");
        sb.AppendLine("| --- | --- | --- |");
        foreach (var t in new[] { 0.05f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f })
        {
            sb.AppendLine(inv, $"| {t:F2} | {defaultLive.Count(v => v < t)}/{defaultLive.Count} | {defaultAttack.Count(v => v >= t)}/{defaultAttack.Count} |");
        }

        sb.AppendLine("\nLive scores, bona fide: " + string.Join(" ", defaultLive.Order().Select(v => v.ToString("F2", inv))));
        sb.AppendLine("\nLive scores, attacks: " + string.Join(" ", defaultAttack.Order().Select(v => v.ToString("F2", inv))));
        var text = sb.ToString();
        Console.WriteLine(text);
        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, text);
        }
    }

    private static float LiveScore(this LabelledFace f) => f.Analysis.LiveScore;

    private static float LiveOrZero(FacePipeline pipeline, byte[] image)
    {
        try
        {
            return pipeline.Analyze(image).LiveScore;
        }
        catch (BiometricException)
        {
            // No usable face in the recapture: the kiosk refuses it anyway.
            return 0f;
        }
    }

    private static double Logit(float p) => Math.Log(Math.Max(p, 1e-7) / Math.Max(1 - p, 1e-7));

    private static ChannelOrder Flip(ChannelOrder o) => o == ChannelOrder.Rgb ? ChannelOrder.Bgr : ChannelOrder.Rgb;

    private static string Describe(FacePipelineOptions o) =>
        $"(detector {o.DetectorChannels}, landmark {o.LandmarkChannels}, feature {o.FeatureChannels}, liveness {o.LivenessChannels})";
}
