using System.Globalization;

namespace Trading.Biometrics;

/// <summary>
/// What an enrolment photo's face looks like to the checks that decide whether it may become a template: sharpness,
/// exposure and pose, the three capture defects ISO/IEC 29794-5 names that staff can fix by taking the photo again.
/// A template made from a blurred, dark or turned face matches its expert less well at every later check-in.
/// </summary>
/// <param name="Sharpness">Variance of the Laplacian of the face, resampled to <see cref="FaceQualityCheck.Side"/> pixels square (grey levels squared).</param>
/// <param name="Highlight">The 99th-percentile grey level of the face's inner part, 0 to 1: every well-lit face has some bright
/// skin, eye white or teeth, whatever its skin tone, so a low value means an underexposed photo (a mean level would
/// also fall for darker skin).</param>
/// <param name="Burnt">Share of the face's inner pixels burnt out to white (grey level at least 251).</param>
/// <param name="Turn">The nose across the eye line in eye distances (<see cref="ActiveLiveness.NoseCoordinates"/>), 0 when frontal.</param>
public sealed record FaceQuality(double Sharpness, double Highlight, double Burnt, double Turn);

/// <summary>
/// Enrolment quality thresholds. Sharpness and exposure were chosen from data on the training half of the photos
/// (bench/results/biometrics-enrolment-quality.md); the turn limit is the kiosk challenge's whole movement
/// (<see cref="ActiveLivenessThresholds.CalibratedTurnShift"/>): a face already turned as far as the check-in asks an
/// expert to move is not a frontal photo.
/// </summary>
/// <param name="MinSharpness">Lowest sharpness accepted.</param>
/// <param name="MinHighlight">Lowest highlight level accepted.</param>
/// <param name="MaxBurnt">Largest burnt-out share accepted.</param>
/// <param name="MaxTurn">Largest |turn| accepted.</param>
public sealed record FaceQualityThresholds(
    double MinSharpness = FaceQualityThresholds.CalibratedMinSharpness,
    double MinHighlight = FaceQualityThresholds.CalibratedMinHighlight,
    double MaxBurnt = FaceQualityThresholds.CalibratedMaxBurnt,
    double MaxTurn = ActiveLivenessThresholds.CalibratedTurnShift)
{
    /// <summary>From the enrolment-quality run.</summary>
    public const double CalibratedMinSharpness = 8.1;

    /// <summary>From the enrolment-quality run.</summary>
    public const double CalibratedMinHighlight = 0.306;

    /// <summary>From the enrolment-quality run.</summary>
    public const double CalibratedMaxBurnt = 0.405;
}

/// <summary>Measures and checks <see cref="FaceQuality"/> on an analysed face.</summary>
public static class FaceQualityCheck
{
    /// <summary>The face box is resampled to this many pixels square before measuring, so faces of any size compare.</summary>
    public const int Side = 128;

    /// <summary>Measures the face that <paramref name="analysis"/> found in <paramref name="image"/>.</summary>
    public static FaceQuality Measure(RgbImage image, FaceAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(analysis);
        var b = analysis.Box;
        var grey = new float[Side * Side];
        Affine.CropResize(b.X, b.Y, b.Width, b.Height, Side, Side).SampleGrey(image, Side, Side, grey, bgr: false, scale: 1f);

        // Laplacian over the whole crop: edges of eyes, brows, nose and mouth carry the focus.
        double sum = 0, sumSq = 0;
        var n = 0;
        for (var y = 1; y < Side - 1; y++)
        {
            for (var x = 1; x < Side - 1; x++)
            {
                var i = (y * Side) + x;
                double lap = grey[i - 1] + grey[i + 1] + grey[i - Side] + grey[i + Side] - (4 * grey[i]);
                sum += lap;
                sumSq += lap * lap;
                n++;
            }
        }

        var mean = sum / n;
        var sharpness = (sumSq / n) - (mean * mean);

        // Exposure on the inner half of the box (the face, not the background or hair around it).
        var inner = new List<float>(Side * Side / 4);
        for (var y = Side / 4; y < Side * 3 / 4; y++)
        {
            for (var x = Side / 4; x < Side * 3 / 4; x++)
            {
                inner.Add(grey[(y * Side) + x]);
            }
        }

        inner.Sort();
        var highlight = inner[(int)(0.99 * (inner.Count - 1))] / 255.0;
        var burnt = inner.Count(v => v >= 251) / (double)inner.Count;

        var turn = ActiveLiveness.NoseCoordinates(analysis.Points).U;
        return new FaceQuality(sharpness, highlight, burnt, double.IsFinite(turn) ? turn : double.PositiveInfinity);
    }

    /// <summary>Refuses a face below any threshold, with the measured value and the limit in the message.</summary>
    /// <exception cref="BiometricException">FaceBlurred, FaceBadlyExposed or FaceNotFrontal.</exception>
    public static void Require(FaceQuality q, FaceQualityThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        var t = thresholds ?? new FaceQualityThresholds();
        static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        if (q.Sharpness < t.MinSharpness)
        {
            throw new BiometricException(BiometricReason.FaceBlurred, F(q.Sharpness), F(t.MinSharpness));
        }

        if (q.Highlight < t.MinHighlight || q.Burnt > t.MaxBurnt)
        {
            throw new BiometricException(BiometricReason.FaceBadlyExposed, F(q.Highlight * 100), F(t.MinHighlight * 100), F(q.Burnt * 100));
        }

        if (Math.Abs(q.Turn) > t.MaxTurn)
        {
            throw new BiometricException(BiometricReason.FaceNotFrontal, F(Math.Abs(q.Turn)), F(t.MaxTurn));
        }
    }
}
