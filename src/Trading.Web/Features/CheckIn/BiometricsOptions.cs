using Trading.Biometrics;

namespace Trading.Web.Features.CheckIn;

/// <summary>Deployment settings for face check-in, configuration section "Biometrics" (docs/biometrics.md, "Web").</summary>
public sealed class BiometricsOptions
{
    /// <summary>Folder of the four ONNX models; default: models/ next to the application (copied there by the build).</summary>
    public string? ModelDirectory { get; set; }
    /// <summary>Keep the enrolment photos in the file store. Off by default: the template is all check-in needs.</summary>
    public bool KeepPhotos { get; set; }
    /// <summary>Cosine to the claimed template needed to accept (calibrated; docs/biometrics.md).</summary>
    public float MatchThreshold { get; set; } = CheckInThresholds.CalibratedMatch;
    /// <summary>Live-class probability needed to accept (calibrated; docs/biometrics.md).</summary>
    public float LivenessThreshold { get; set; } = CheckInThresholds.CalibratedLiveness;
    /// <summary>Another expert within this margin of the claimed score is flagged as possible substitution.</summary>
    public float SubstitutionMargin { get; set; }
    /// <summary>Largest photo accepted, in bytes; a larger one is refused (and logged) as too large.</summary>
    public long MaxImageBytes { get; set; } = 8 * 1024 * 1024;
    /// <summary>Largest photo in pixels (checked from the header before decoding: decompression bombs).</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;
    /// <summary>Check-in opens this many minutes before the session starts and closes when it ends.</summary>
    public int OpensMinutesBeforeStart { get; set; } = 60;
    /// <summary>Dedicated inference threads (each ONNX session uses two intra-op threads on top).</summary>
    public int Workers { get; set; } = 1;
    /// <summary>Frames waiting for a worker before new ones are refused as busy.</summary>
    public int QueueLength { get; set; } = 16;
    /// <summary>Load and verify the models when the app starts instead of on the first photo.</summary>
    public bool LoadAtStartup { get; set; }

    /// <summary>
    /// Movements the kiosk may ask for; one is drawn at random per attempt (issue 21). Empty means all. (Empty by default
    /// because the configuration binder adds to a list's existing items rather than replacing them.)
    /// </summary>
    public List<LivenessChallenge> Challenges { get; set; } = [];
    /// <summary>How long a drawn challenge may be answered.</summary>
    public int ChallengeSeconds { get; set; } = 60;
    /// <summary>An answer that arrives sooner than this after the challenge was drawn was not filmed after it.</summary>
    public double MinAnswerSeconds { get; set; } = 1.5;
    /// <summary>Active-liveness thresholds (calibrated; bench/results/biometrics-active-liveness.md).</summary>
    public double TurnShift { get; set; } = ActiveLivenessThresholds.CalibratedTurnShift;
    public double TurnPeak { get; set; } = ActiveLivenessThresholds.CalibratedTurnPeak;
    public float SameFace { get; set; } = ActiveLivenessThresholds.CalibratedSameFace;

    public ActiveLivenessThresholds Active => new(TurnShift: TurnShift, SameFace: SameFace, FrameLiveness: LivenessThreshold, TurnPeak: TurnPeak);

    public CheckInThresholds Thresholds => new(MatchThreshold, LivenessThreshold, SubstitutionMargin);

    public ImageLimits Limits => new(MaxBytes: MaxImageBytes, MaxPixels: MaxImagePixels);
}
