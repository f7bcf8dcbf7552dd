using System.Globalization;
using System.Security.Cryptography;

namespace Trading.Biometrics;

/// <summary>A movement the kiosk asks for, chosen by the server per attempt.</summary>
public enum LivenessChallenge
{
    /// <summary>The person turns their head to their own left (the nose moves to the image's right).</summary>
    TurnLeft,
    /// <summary>The person turns their head to their own right (the nose moves to the image's left).</summary>
    TurnRight,
}

/// <summary>One analysed camera frame of a challenge answer.</summary>
/// <param name="Points">The five alignment points (eyes, nose tip, mouth corners) in image pixels.</param>
/// <param name="Embedding">The frame's unit embedding.</param>
/// <param name="LiveScore">The per-frame liveness model's live probability.</param>
public sealed record ChallengeFrame(IReadOnlyList<(float X, float Y)> Points, float[] Embedding, float LiveScore)
{
    /// <summary>Builds a frame from a pipeline analysis.</summary>
    public static ChallengeFrame From(FaceAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new ChallengeFrame(a.Points, a.Embedding, a.LiveScore);
    }
}

/// <summary>
/// Thresholds of the active check. Defaults are chosen from data in bench/results/biometrics-active-liveness.md:
/// <see cref="TurnShift"/> above every planar-print warp of the training half, <see cref="SameFace"/> below every
/// genuine pair of the training half's pose frames and above every impostor pair.
/// </summary>
/// <param name="MinFrames">Fewest frames accepted.</param>
/// <param name="MaxFrames">Most frames accepted (bounds the server's work per attempt).</param>
/// <param name="TurnShift">How far the nose's affine coordinate across the eye line must move in the asked direction.</param>
/// <param name="SameFace">Lowest cosine between any frame and the sequence's most frontal frame.</param>
/// <param name="FrameLiveness">Live probability every frame must reach.</param>
/// <param name="TurnPeak">How far past the midline (in the asked direction) the nose must get at the turn's peak.</param>
/// <param name="FramesBelowLiveness">How many frames may score below <paramref name="FrameLiveness"/> (motion blur on a real turn); the frame matched is never one of them.</param>
/// <param name="Parallax">How far the nose must leave the plane of the eyes and mouth corners between the turn's two ends (<see cref="ActiveLiveness.Parallax"/>, in eye distances).</param>
public sealed record ActiveLivenessThresholds(
    int MinFrames = 6,
    int MaxFrames = 16,
    double TurnShift = ActiveLivenessThresholds.CalibratedTurnShift,
    float SameFace = ActiveLivenessThresholds.CalibratedSameFace,
    float FrameLiveness = CheckInThresholds.CalibratedLiveness,
    double TurnPeak = ActiveLivenessThresholds.CalibratedTurnPeak,
    int FramesBelowLiveness = ActiveLivenessThresholds.CalibratedFramesBelowLiveness,
    double Parallax = ActiveLivenessThresholds.CalibratedParallax)
{
    /// <summary>Parallax threshold from the attack-kind run (bench/results/biometrics-attack-kinds.md).</summary>
    public const double CalibratedParallax = 0;

    /// <summary>Turn threshold from the calibration run (bench/results/biometrics-active-liveness.md).</summary>
    public const double CalibratedTurnShift = 0.20;

    /// <summary>Same-person-across-frames threshold from the calibration run.</summary>
    public const float CalibratedSameFace = 0.57f;

    /// <summary>Turn peak from the calibration run.</summary>
    public const double CalibratedTurnPeak = 0.11;

    /// <summary>Frames allowed below the per-frame liveness threshold, from the calibration run.</summary>
    public const int CalibratedFramesBelowLiveness = 3;
}

/// <summary>What the active check measured and decided.</summary>
/// <param name="Passed">True when every rule held.</param>
/// <param name="Reason">Accepted, or why not.</param>
/// <param name="Arguments">Message arguments.</param>
/// <param name="Shift">Range of the nose's movement across the eye line over the frames.</param>
/// <param name="LowestSameFace">Lowest cosine of a frame to the most frontal frame.</param>
/// <param name="LowestLive">The live probability of the frame at the allowed rank (the lowest when none may fail).</param>
/// <param name="FrontalIndex">The most frontal frame: the one to match against the claimed template.</param>
public sealed record ChallengeOutcome(bool Passed, BiometricReason Reason, IReadOnlyList<object?> Arguments, double Shift, float LowestSameFace, float LowestLive, int FrontalIndex);

/// <summary>
/// Active liveness from landmarks across frames. The measure is the nose tip written in the affine frame of the two
/// eyes and the mouth centre: nose = leftEye + u (rightEye - leftEye) + v (mouth - leftEye). Any affine motion of a flat
/// picture (moving, tilting a little, scaling, rotating, shearing a print or a phone) leaves (u, v) unchanged, because
/// all four points lie in the picture's plane; a real head turning moves the nose, which stands out of that plane, across
/// the eye line, so u changes by a large fraction. Only a strong perspective tilt of a print changes u at all, and the
/// threshold is set above what the generated print warps reach.
/// </summary>
public static class ActiveLiveness
{
    /// <summary>Picks a challenge with a cryptographic random number, so a replayed recording answers it half the time at best.</summary>
    public static LivenessChallenge Choose() => (LivenessChallenge)RandomNumberGenerator.GetInt32(2);

    /// <summary>
    /// The nose tip's affine coordinates about the eye midpoint: across the eye line in eye distances (0 when the nose
    /// sits on the line from the eye midpoint to the mouth centre, positive towards the image's right eye) and down
    /// towards the mouth centre (in eye-midpoint-to-mouth distances).
    /// </summary>
    public static (double U, double V) NoseCoordinates(IReadOnlyList<(float X, float Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 5)
        {
            throw new ArgumentException("Five points are needed.", nameof(points));
        }

        var (lx, ly) = points[0];
        var (rx, ry) = points[1];
        var (nx, ny) = points[2];
        var ex = (lx + rx) / 2.0;
        var ey = (ly + ry) / 2.0;
        var mx = (points[3].X + points[4].X) / 2.0;
        var my = (points[3].Y + points[4].Y) / 2.0;
        // Solve n - e = u (r - l) + v (m - e) by Cramer's rule.
        double ax = rx - lx, ay = ry - ly, bx = mx - ex, by = my - ey, cx = nx - ex, cy = ny - ey;
        var det = (ax * by) - (ay * bx);
        if (Math.Abs(det) < 1e-6)
        {
            return (double.NaN, double.NaN);
        }

        return (((cx * by) - (cy * bx)) / det, ((ax * cy) - (ay * cx)) / det);
    }

    /// <summary>
    /// Checks that the frames, in the order captured, show one person performing <paramref name="challenge"/>, and that
    /// the per-frame liveness model finds the sequence live.
    /// </summary>
    public static ChallengeOutcome Verify(LivenessChallenge challenge, IReadOnlyList<ChallengeFrame> frames, ActiveLivenessThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var t = thresholds ?? new ActiveLivenessThresholds();
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        ChallengeOutcome Fail(BiometricReason r, double shift, float same, float live, int frontal, params object?[] args) => new(false, r, args, shift, same, live, frontal);

        if (frames.Count < t.MinFrames || frames.Count > t.MaxFrames)
        {
            return Fail(BiometricReason.ChallengeFramesInvalid, 0, 0, 0, 0, string.Create(CultureInfo.InvariantCulture, $"{frames.Count} frames, {t.MinFrames} to {t.MaxFrames} needed"));
        }

        var u = frames.Select(f => NoseCoordinates(f.Points).U).ToArray();
        if (u.Any(x => !double.IsFinite(x)))
        {
            return Fail(BiometricReason.ChallengeFramesInvalid, 0, 0, 0, 0, "a frame without a usable face");
        }

        // The frame matched against the claimed template is the most frontal of those the liveness model passes, so a
        // flat picture of the expert spliced into an accomplice's live turn can never be the one compared.
        var live = frames.Select(f => f.LiveScore).Order().ToArray();
        var lowestLive = live[Math.Min(t.FramesBelowLiveness, live.Length - 1)];
        var candidates = Enumerable.Range(0, u.Length).Where(i => frames[i].LiveScore >= t.FrameLiveness).ToList();
        var frontal = (candidates.Count > 0 ? candidates : Enumerable.Range(0, u.Length)).MinBy(i => Math.Abs(u[i]));
        var lowestSame = frames.Min(f => FaceMath.Cosine(f.Embedding, frames[frontal].Embedding));
        var sign = challenge == LivenessChallenge.TurnLeft ? 1 : -1;
        // The range of the nose's movement (phase-free: the sequence may start anywhere in the turn) and where it peaks
        // (so turning the other way and back, which also has a range, does not answer).
        var directed = u.Select(x => sign * x).ToArray();
        var shift = directed.Max() - directed.Min();
        var peak = directed.Max();

        if (lowestSame < t.SameFace)
        {
            return Fail(BiometricReason.ChallengeFramesDisagree, shift, lowestSame, lowestLive, frontal, F(lowestSame));
        }

        if (lowestLive < t.FrameLiveness)
        {
            return Fail(BiometricReason.LivenessFailed, shift, lowestSame, lowestLive, frontal, F(lowestLive), F(t.FrameLiveness));
        }

        if (shift < t.TurnShift || peak < t.TurnPeak)
        {
            return Fail(BiometricReason.ChallengeNotPerformed, shift, lowestSame, lowestLive, frontal, challenge.ToString(), F(Math.Min(shift, peak)), F(t.TurnShift));
        }

        // A flat picture tilted with perspective can move the nose's affine coordinate a little; no tilt of a plane moves
        // the nose off the homography of the four other points, a real head's nose does.
        var parallax = Parallax(frames, challenge);
        if (parallax < t.Parallax)
        {
            return Fail(BiometricReason.ChallengeNotPerformed, shift, lowestSame, lowestLive, frontal, challenge.ToString(), F(parallax), F(t.Parallax));
        }

        return new ChallengeOutcome(true, BiometricReason.Accepted, [], shift, lowestSame, lowestLive, frontal);
    }

    /// <summary>
    /// Projective parallax of the nose between the two ends of the asked turn (the frames where the nose is furthest
    /// towards and furthest against the asked direction): the homography that carries the eyes and mouth corners of one
    /// end onto the other carries a point of their plane exactly, so for any flat picture, however tilted with
    /// perspective, the nose lands where the homography predicts (up to landmark noise). A real head's nose stands out of
    /// that plane and lands elsewhere. Returned in eye distances of the later end; 0 when the points are degenerate.
    /// </summary>
    public static double Parallax(IReadOnlyList<ChallengeFrame> frames, LivenessChallenge challenge)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count < 2)
        {
            return 0;
        }

        var sign = challenge == LivenessChallenge.TurnLeft ? 1 : -1;
        var u = frames.Select(f => sign * NoseCoordinates(f.Points).U).ToArray();
        var a = frames[Array.IndexOf(u, u.Min())].Points;
        var b = frames[Array.IndexOf(u, u.Max())].Points;
        var h = Homography([a[0], a[1], a[3], a[4]], [b[0], b[1], b[3], b[4]]);
        if (h is null)
        {
            return 0;
        }

        var (nx, ny) = a[2];
        var w = (h[6] * nx) + (h[7] * ny) + 1;
        if (Math.Abs(w) < 1e-9)
        {
            return 0;
        }

        var px = ((h[0] * nx) + (h[1] * ny) + h[2]) / w;
        var py = ((h[3] * nx) + (h[4] * ny) + h[5]) / w;
        var eye = Math.Sqrt(Math.Pow(b[1].X - b[0].X, 2) + Math.Pow(b[1].Y - b[0].Y, 2));
        return eye < 1e-6 ? 0 : Math.Sqrt(Math.Pow(px - b[2].X, 2) + Math.Pow(py - b[2].Y, 2)) / eye;
    }

    /// <summary>The homography (h00..h21, h22 = 1) carrying four points onto four, or null when they are degenerate.</summary>
    private static double[]? Homography(IReadOnlyList<(float X, float Y)> from, IReadOnlyList<(float X, float Y)> to)
    {
        var m = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = from[i].X, y = from[i].Y, X = to[i].X, Y = to[i].Y;
            double[] r1 = [x, y, 1, 0, 0, 0, -x * X, -y * X, X];
            double[] r2 = [0, 0, 0, x, y, 1, -x * Y, -y * Y, Y];
            for (var k = 0; k < 9; k++)
            {
                m[2 * i, k] = r1[k];
                m[(2 * i) + 1, k] = r2[k];
            }
        }

        // Gaussian elimination with partial pivoting on the 8x8 system.
        for (var col = 0; col < 8; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < 8; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(m[pivot, col]) < 1e-9)
            {
                return null;
            }

            for (var k = 0; k < 9; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }

            for (var r = 0; r < 8; r++)
            {
                if (r == col)
                {
                    continue;
                }

                var f = m[r, col] / m[col, col];
                for (var k = col; k < 9; k++)
                {
                    m[r, k] -= f * m[col, k];
                }
            }
        }

        return [.. Enumerable.Range(0, 8).Select(i => m[i, 8] / m[i, i])];
    }
}
