namespace Trading.Biometrics.Tests;

/// <summary>The pure geometry and decision rules of the active check, on landmarks of a synthetic 3-D head.</summary>
public sealed class ActiveLivenessTests
{
    // A mean-face sketch in eye distances: eyes on the x axis, the nose tip 0.6 in front of the eye plane, mouth corners
    // a little in front; z grows away from the camera.
    private static readonly (double X, double Y, double Z)[] Head3D =
        [(-0.5, 0, 0), (0.5, 0, 0), (0, 0.55, -0.6), (-0.4, 1.0, -0.1), (0.4, 1.0, -0.1)];

    private static readonly float[] Person = Unit(1);

    /// <summary>The five points of the head turned by <paramref name="degrees"/> (positive: nose towards the image's right), seen from 6 eye distances.</summary>
    internal static (float X, float Y)[] Head(double degrees, double scale = 100, double shiftX = 640, double shiftY = 360)
    {
        var a = degrees * Math.PI / 180;
        return Head3D.Select(p =>
        {
            var x = (p.X * Math.Cos(a)) - (p.Z * Math.Sin(a));
            var z = (p.X * Math.Sin(a)) + (p.Z * Math.Cos(a));
            var d = 6 / (6 + z);
            return ((float)((x * d * scale) + shiftX), (float)((p.Y * d * scale) + shiftY));
        }).ToArray();
    }

    private static float[] Unit(int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        FaceMath.Normalize(v);
        return v;
    }

    private static List<ChallengeFrame> Turn(double peakDegrees, int frames = 8, float live = 1f) =>
        Enumerable.Range(0, frames).Select(i => new ChallengeFrame(Head(peakDegrees * Math.Sin(Math.PI * i / (frames - 1))), Person, live)).ToList();

    [Fact]
    public void A_frontal_face_has_its_nose_on_the_midline_and_a_turn_moves_it_the_right_way()
    {
        var (u0, v0) = ActiveLiveness.NoseCoordinates(Head(0));
        Assert.Equal(0, u0, 6);
        Assert.InRange(v0, 0.4, 0.7);
        Assert.True(ActiveLiveness.NoseCoordinates(Head(20)).U > 0.15);
        Assert.True(ActiveLiveness.NoseCoordinates(Head(-20)).U < -0.15);
    }

    [Fact]
    public void Any_affine_motion_of_a_flat_picture_leaves_the_nose_coordinates_unchanged()
    {
        var rng = new Random(5);
        var flat = Head(12);
        var (u, v) = ActiveLiveness.NoseCoordinates(flat);
        for (var k = 0; k < 200; k++)
        {
            double a = (rng.NextDouble() * 2) - 1, b = (rng.NextDouble() * 2) - 1, c = (rng.NextDouble() * 2) - 1, d = (rng.NextDouble() * 2) - 1;
            if (Math.Abs((a * d) - (b * c)) < 0.05)
            {
                continue;
            }

            var moved = flat.Select(p => ((float)((a * p.X) + (b * p.Y) + 300), (float)((c * p.X) + (d * p.Y) - 50))).ToArray();
            var (mu, mv) = ActiveLiveness.NoseCoordinates(moved);
            Assert.Equal(u, mu, 2);
            Assert.Equal(v, mv, 2);
        }
    }

    [Theory]
    [InlineData(25, LivenessChallenge.TurnLeft)]
    [InlineData(-25, LivenessChallenge.TurnRight)]
    [InlineData(35, LivenessChallenge.TurnLeft)]
    public void A_head_that_turns_as_asked_passes(double degrees, LivenessChallenge challenge)
    {
        var r = ActiveLiveness.Verify(challenge, Turn(degrees));
        Assert.True(r.Passed, $"{r.Reason} shift {r.Shift}");
        Assert.Equal(BiometricReason.Accepted, r.Reason);
        Assert.True(r.FrontalIndex is 0 or 7, $"frontal {r.FrontalIndex}");
    }

    [Theory]
    [InlineData(25, LivenessChallenge.TurnRight)]
    [InlineData(-25, LivenessChallenge.TurnLeft)]
    [InlineData(8, LivenessChallenge.TurnLeft)]
    public void A_turn_the_wrong_way_or_too_small_is_not_the_answer(double degrees, LivenessChallenge challenge)
    {
        var r = ActiveLiveness.Verify(challenge, Turn(degrees));
        Assert.False(r.Passed);
        Assert.Equal(BiometricReason.ChallengeNotPerformed, r.Reason);
        Assert.Equal(challenge.ToString(), r.Arguments[0]);
    }

    [Fact]
    public void A_flat_picture_swung_about_cannot_answer()
    {
        // The attacker turns, moves, scales and shears a picture of a head; every frame is an affine image of one flat
        // face, so the nose never moves relative to the eyes and mouth.
        var rng = new Random(9);
        var flat = Head(0);
        var frames = Enumerable.Range(0, 10).Select(i =>
        {
            var angle = (i - 5) * 0.08;
            var s = 1 + (i * 0.05);
            var shear = rng.NextDouble() * 0.3;
            return new ChallengeFrame(flat.Select(p => ((float)(s * ((Math.Cos(angle) * p.X) - (Math.Sin(angle) * p.Y) + (shear * p.Y))), (float)(s * ((Math.Sin(angle) * p.X) + (Math.Cos(angle) * p.Y))))).ToArray(), Person, 1f);
        }).ToList();
        foreach (var c in Enum.GetValues<LivenessChallenge>())
        {
            var r = ActiveLiveness.Verify(c, frames);
            Assert.Equal(BiometricReason.ChallengeNotPerformed, r.Reason);
            Assert.True(r.Shift < 0.01, $"shift {r.Shift}");
        }
    }

    [Fact]
    public void No_perspective_tilt_of_a_flat_picture_gives_parallax_and_a_real_turn_does()
    {
        // A flat picture of a slightly turned face, swung with strong perspective: the nose moves with the plane of the
        // other four points, so the homography of those four predicts it exactly.
        var rng = new Random(11);
        var flat = Head(12);
        for (var k = 0; k < 200; k++)
        {
            var frames = Enumerable.Range(0, 8).Select(i =>
            {
                var yaw = ((rng.NextDouble() * 2) - 1) * 0.8;
                var pitch = ((rng.NextDouble() * 2) - 1) * 0.5;
                var d = 300.0;
                return new ChallengeFrame([.. flat.Select(p =>
                {
                    double x = p.X - 640, y = p.Y - 360;
                    var w = 1 + (x * Math.Sin(yaw) / d) + (y * Math.Sin(pitch) / d);
                    return ((float)(640 + (x * Math.Cos(yaw) / w)), (float)(360 + (y * Math.Cos(pitch) / w)));
                })], Person, 1f);
            }).ToList();
            foreach (var c in Enum.GetValues<LivenessChallenge>())
            {
                Assert.InRange(ActiveLiveness.Parallax(frames, c), 0, 1e-3);
            }
        }

        // A real 25-degree turn moves the nose off the plane by a large share of the eye distance; the other way, there
        // is nothing to measure between the ends.
        Assert.True(ActiveLiveness.Parallax(Turn(25), LivenessChallenge.TurnLeft) > 0.2, ActiveLiveness.Parallax(Turn(25), LivenessChallenge.TurnLeft).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(ActiveLiveness.Parallax(Turn(-25), LivenessChallenge.TurnRight) > 0.2);
    }

    [Fact]
    public void A_frame_of_another_person_breaks_the_sequence()
    {
        var frames = Turn(25);
        frames[4] = frames[4] with { Embedding = Unit(2) };
        var r = ActiveLiveness.Verify(LivenessChallenge.TurnLeft, frames);
        Assert.Equal(BiometricReason.ChallengeFramesDisagree, r.Reason);
        Assert.True(r.LowestSameFace < 0.2f);
    }

    [Fact]
    public void Frames_the_liveness_model_finds_flat_are_refused_even_when_they_move()
    {
        var r = ActiveLiveness.Verify(LivenessChallenge.TurnLeft, Turn(25, live: 0.3f));
        Assert.Equal(BiometricReason.LivenessFailed, r.Reason);
        // A few blurred frames of a real turn are tolerated, one more than allowed is not.
        var t = new ActiveLivenessThresholds();
        var some = Turn(25).Select((f, i) => i < t.FramesBelowLiveness ? f with { LiveScore = 0.2f } : f).ToList();
        Assert.True(ActiveLiveness.Verify(LivenessChallenge.TurnLeft, some).Passed);
        var many = Turn(25).Select((f, i) => i <= t.FramesBelowLiveness ? f with { LiveScore = 0.2f } : f).ToList();
        Assert.Equal(BiometricReason.LivenessFailed, ActiveLiveness.Verify(LivenessChallenge.TurnLeft, many).Reason);
    }

    [Fact]
    public void A_flat_frame_of_the_expert_spliced_into_a_live_turn_is_never_the_frame_matched()
    {
        // An accomplice turns live; a print of the expert is held up for the most frontal frame.
        var frames = Turn(25);
        var expert = Unit(3);
        frames[0] = new ChallengeFrame(Head(0), expert, 0.01f);
        var r = ActiveLiveness.Verify(LivenessChallenge.TurnLeft, frames);
        Assert.NotEqual(0, r.FrontalIndex);
        Assert.Equal(BiometricReason.ChallengeFramesDisagree, r.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    public void Too_few_or_too_many_frames_are_refused(int count)
    {
        var r = ActiveLiveness.Verify(LivenessChallenge.TurnLeft, Turn(25, frames: Math.Max(count, 2)).Take(count).ToList());
        Assert.Equal(BiometricReason.ChallengeFramesInvalid, r.Reason);
    }

    [Fact]
    public void The_challenge_is_chosen_at_random()
    {
        var seen = Enumerable.Range(0, 64).Select(_ => ActiveLiveness.Choose()).ToHashSet();
        Assert.Equal(2, seen.Count);
    }
}
