using System.Diagnostics;
using System.Security.Cryptography;

namespace Trading.Biometrics;

/// <summary>Decision thresholds. Defaults are the calibrated values recorded in docs/biometrics.md.</summary>
/// <param name="Match">Cosine similarity to the claimed template needed to accept (chosen for zero false accepts on the calibration set).</param>
/// <param name="Liveness">Live-class probability needed to accept.</param>
/// <param name="SubstitutionMargin">Another expert scoring at least (claimed score - margin) flags possible substitution.</param>
public sealed record CheckInThresholds(float Match = CheckInThresholds.CalibratedMatch, float Liveness = CheckInThresholds.CalibratedLiveness, float SubstitutionMargin = 0f)
{
    /// <summary>Match threshold from the calibration run (docs/biometrics.md).</summary>
    public const float CalibratedMatch = 0.61f;

    /// <summary>Liveness threshold from the calibration run (docs/biometrics.md).</summary>
    public const float CalibratedLiveness = 0.95f;
}

/// <summary>Another enrolled expert's template, compared 1:N to catch substitutes.</summary>
public sealed record GalleryEntry(string ExpertId, FaceTemplate Template);

/// <summary>The outcome of one check-in attempt: everything the log needs.</summary>
/// <param name="Accepted">True only if every check passed.</param>
/// <param name="Reason">Why (Accepted on success).</param>
/// <param name="Arguments">Arguments for <see cref="BiometricMessages.Format"/>.</param>
/// <param name="ImageSha256">Hex SHA-256 of the probe bytes as received.</param>
/// <param name="MatchScore">Cosine to the claimed template, if a face was analysed.</param>
/// <param name="BestOtherExpertId">The closest other enrolled expert, if any.</param>
/// <param name="BestOtherScore">That expert's score.</param>
/// <param name="LiveScore">Live-class probability.</param>
/// <param name="Box">The face used.</param>
/// <param name="Timings">Pipeline stage times (null if decoding failed).</param>
/// <param name="MatchMs">Time for the 1:1 and 1:N comparisons.</param>
public sealed record CheckInResult(
    bool Accepted,
    BiometricReason Reason,
    IReadOnlyList<object?> Arguments,
    string ImageSha256,
    float? MatchScore = null,
    string? BestOtherExpertId = null,
    float? BestOtherScore = null,
    float? LiveScore = null,
    FaceBox? Box = null,
    StageTimings? Timings = null,
    double MatchMs = 0)
{
    /// <summary>The reason in en or zh-CN.</summary>
    public string Message(string cultureName) => BiometricMessages.Format(Reason, cultureName, [.. Arguments]);
}

/// <summary>A supervisor's decision to admit an expert whose check-in was refused; the app logs it beside the attempt.</summary>
/// <param name="SupervisorId">Who decided.</param>
/// <param name="Reason">The written reason (trimmed, never empty).</param>
/// <param name="Overridden">The refusal being overridden.</param>
/// <param name="ImageSha256">The refused probe's hash, tying the override to that attempt.</param>
/// <param name="At">When.</param>
public sealed record SupervisorOverride(string SupervisorId, string Reason, BiometricReason Overridden, string ImageSha256, DateTimeOffset At)
{
    /// <summary>Creates an override of <paramref name="refused"/>; throws OverrideNotNeeded or OverrideReasonMissing.</summary>
    public static SupervisorOverride For(CheckInResult refused, string supervisorId, string reason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentException.ThrowIfNullOrWhiteSpace(supervisorId);
        if (refused.Accepted)
        {
            throw new BiometricException(BiometricReason.OverrideNotNeeded);
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new BiometricException(BiometricReason.OverrideReasonMissing);
        }

        return new SupervisorOverride(supervisorId, reason.Trim(), refused.Reason, refused.ImageSha256, at);
    }
}

/// <summary>Face verification at the kiosk: 1:1 against the claimed expert, 1:N against everyone else, liveness.</summary>
public sealed class CheckInVerifier
{
    private readonly FacePipeline _pipeline;

    /// <summary>Creates a verifier.</summary>
    public CheckInVerifier(FacePipeline pipeline, CheckInThresholds? thresholds = null)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        Thresholds = thresholds ?? new CheckInThresholds();
    }

    /// <summary>Thresholds in force.</summary>
    public CheckInThresholds Thresholds { get; }

    /// <summary>The pipeline used for probes (and for enrolment by the same deployment).</summary>
    public FacePipeline Pipeline => _pipeline;

    /// <summary>
    /// Verifies a probe photo against the claimed expert's template and the gallery of other enrolled experts.
    /// Never throws for bad input: a refusal comes back as a result with its reason, so every attempt can be logged.
    /// </summary>
    public CheckInResult Verify(ReadOnlySpan<byte> probeImage, FaceTemplate claimed, IEnumerable<GalleryEntry> others)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(others);
        var hash = Convert.ToHexStringLower(SHA256.HashData(probeImage));
        FaceAnalysis analysis;
        try
        {
            analysis = _pipeline.Analyze(probeImage);
        }
        catch (BiometricException e)
        {
            return new CheckInResult(false, e.Reason, e.Arguments, hash);
        }

        return Decide(analysis, claimed, others, hash);
    }

    /// <summary>
    /// Verifies an active-liveness answer: every frame must pass the pipeline's framing rules, the frames must show one
    /// person performing <paramref name="challenge"/> (<see cref="ActiveLiveness.Verify"/>), and the most frontal frame is
    /// then matched 1:1 and 1:N like a single probe. The result's hash is over the frames' own hashes in order.
    /// Never throws for bad input.
    /// </summary>
    public (CheckInResult Result, ChallengeOutcome? Challenge) VerifyActive(LivenessChallenge challenge, IReadOnlyList<byte[]> frames, FaceTemplate claimed, IEnumerable<GalleryEntry> others, ActiveLivenessThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(others);
        var hash = SequenceSha256(frames);
        var t = thresholds ?? new ActiveLivenessThresholds();
        if (frames.Count < t.MinFrames || frames.Count > t.MaxFrames)
        {
            var bad = ActiveLiveness.Verify(challenge, [], t);
            return (new CheckInResult(false, bad.Reason, bad.Arguments, hash), null);
        }

        var analyses = new List<FaceAnalysis>(frames.Count);
        foreach (var frame in frames)
        {
            try
            {
                analyses.Add(_pipeline.Analyze(frame));
            }
            catch (BiometricException e)
            {
                return (new CheckInResult(false, e.Reason, e.Arguments, hash), null);
            }
        }

        var outcome = ActiveLiveness.Verify(challenge, analyses.Select(ChallengeFrame.From).ToList(), t);
        var frontal = analyses[outcome.FrontalIndex];
        if (!outcome.Passed)
        {
            return (new CheckInResult(false, outcome.Reason, outcome.Arguments, hash, claimed.Similarity(frontal.Embedding), LiveScore: outcome.LowestLive, Box: frontal.Box, Timings: frontal.Timings), outcome);
        }

        return (Decide(frontal, claimed, others, hash), outcome);
    }

    /// <summary>SHA-256 over the concatenated SHA-256 of each frame, so the log names the exact sequence received.</summary>
    public static string SequenceSha256(IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in frames)
        {
            h.AppendData(SHA256.HashData(f));
        }

        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    /// <summary>Applies the thresholds to an analysed probe (exposed so callers holding an analysis need not re-run the models).</summary>
    public CheckInResult Decide(FaceAnalysis analysis, FaceTemplate claimed, IEnumerable<GalleryEntry> others, string imageSha256)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(others);
        var sw = Stopwatch.StartNew();
        var score = claimed.Similarity(analysis.Embedding);
        string? bestId = null;
        var bestOther = float.NegativeInfinity;
        foreach (var other in others)
        {
            var s = other.Template.Similarity(analysis.Embedding);
            if (s > bestOther)
            {
                bestOther = s;
                bestId = other.ExpertId;
            }
        }

        var matchMs = sw.Elapsed.TotalMilliseconds;
        float? bestScore = bestId is null ? null : bestOther;
        CheckInResult Result(bool ok, BiometricReason reason, params object?[] args) =>
            new(ok, reason, args, imageSha256, score, bestId, bestScore, analysis.LiveScore, analysis.Box, analysis.Timings, matchMs);

        var t = Thresholds;
        if (analysis.LiveScore < t.Liveness)
        {
            return Result(false, BiometricReason.LivenessFailed, Round(analysis.LiveScore), Round(t.Liveness));
        }

        if (bestId is not null && bestOther >= score - t.SubstitutionMargin && bestOther >= t.Match)
        {
            return Result(false, BiometricReason.PossibleSubstitution, Round(bestOther), Round(score));
        }

        if (score < t.Match)
        {
            return Result(false, BiometricReason.NoMatch, Round(score), Round(t.Match));
        }

        return Result(true, BiometricReason.Accepted);
    }

    private static string Round(float v) => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Options for enrolment.</summary>
/// <param name="RequireLiveness">Refuse enrolment photos that fail liveness (a staff-captured photo should pass).</param>
/// <param name="Quality">Sharpness, exposure and pose limits; the calibrated ones when null.</param>
public sealed record EnrolmentOptions(bool RequireLiveness = true, FaceQualityThresholds? Quality = null);

/// <summary>An enrolled template and the analyses behind it.</summary>
public sealed record EnrolmentResult(FaceTemplate Template, IReadOnlyList<FaceAnalysis> Photos, float LowestPairScore);

/// <summary>Builds an expert's template from 1 to 3 photos captured by centre staff.</summary>
public static class FaceEnrolment
{
    /// <summary>
    /// Analyses each photo, checks they show one person (every pair above the match threshold), and averages
    /// the embeddings. The caller seals <c>Template.ToBytes()</c> with <see cref="TemplateSealer"/> and keeps
    /// the photos only if its deployment is configured to.
    /// </summary>
    /// <exception cref="BiometricException">A photo is refused (reason per photo), the count is wrong, or photos disagree.</exception>
    public static EnrolmentResult Enrol(FacePipeline pipeline, IReadOnlyList<byte[]> photos, CheckInThresholds? thresholds = null, EnrolmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(photos);
        thresholds ??= new CheckInThresholds();
        options ??= new EnrolmentOptions();
        if (photos.Count is < 1 or > 3)
        {
            throw new BiometricException(BiometricReason.EnrolmentPhotoCount, photos.Count);
        }

        var analyses = new List<FaceAnalysis>();
        foreach (var photo in photos)
        {
            var image = ImageDecoder.Decode(photo, pipeline.Options.Limits);
            var a = pipeline.Analyze(image);
            if (options.RequireLiveness && a.LiveScore < thresholds.Liveness)
            {
                throw new BiometricException(BiometricReason.LivenessFailed, a.LiveScore.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), thresholds.Liveness.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
            }

            FaceQualityCheck.Require(FaceQualityCheck.Measure(image, a), options.Quality);

            analyses.Add(a);
        }

        var lowest = 1f;
        for (var i = 0; i < analyses.Count; i++)
        {
            for (var j = i + 1; j < analyses.Count; j++)
            {
                var s = FaceMath.Cosine(analyses[i].Embedding, analyses[j].Embedding);
                lowest = Math.Min(lowest, s);
                if (s < thresholds.Match)
                {
                    throw new BiometricException(BiometricReason.EnrolmentPhotosDisagree, i + 1, j + 1, s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        var mean = new float[FacePipeline.EmbeddingSize];
        foreach (var a in analyses)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(mean, a.Embedding, mean);
        }

        return new EnrolmentResult(new FaceTemplate(mean, analyses.Count), analyses, lowest);
    }
}

/// <summary>A seat on an evaluation session for which an expert was drawn.</summary>
/// <param name="ExpertId">The drawn expert.</param>
/// <param name="SessionId">The evaluation session.</param>
/// <param name="RoomId">The evaluation room.</param>
/// <param name="WindowStart">Check-in opens.</param>
/// <param name="WindowEnd">Check-in closes.</param>
public sealed record DrawnSeat(string ExpertId, string SessionId, string RoomId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

/// <summary>Whether an expert may check in here now, and for which seat.</summary>
public sealed record EligibilityResult(bool Eligible, BiometricReason Reason, IReadOnlyList<object?> Arguments, DrawnSeat? Seat);

/// <summary>Checks the draw before any face is compared: only experts drawn today, in this room, inside the window.</summary>
public static class CheckInEligibility
{
    /// <summary>Finds the expert's seat for <paramref name="roomId"/> open at <paramref name="now"/>; "today" is the calendar date in <paramref name="now"/>'s offset.</summary>
    public static EligibilityResult Check(IEnumerable<DrawnSeat> seats, string expertId, string roomId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(seats);
        var today = seats.Where(s => s.ExpertId == expertId && s.WindowStart.ToOffset(now.Offset).Date <= now.Date && s.WindowEnd.ToOffset(now.Offset).Date >= now.Date).ToList();
        if (today.Count == 0)
        {
            return new EligibilityResult(false, BiometricReason.NotDrawnToday, [], null);
        }

        var here = today.Where(s => s.RoomId == roomId).ToList();
        if (here.Count == 0)
        {
            return new EligibilityResult(false, BiometricReason.WrongRoom, [today[0].RoomId], null);
        }

        var open = here.FirstOrDefault(s => s.WindowStart <= now && now <= s.WindowEnd);
        if (open is null)
        {
            var next = here.OrderBy(s => Math.Abs((s.WindowStart - now).Ticks)).First();
            return new EligibilityResult(false, BiometricReason.OutsideWindow, [next.WindowStart.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), next.WindowEnd.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)], next);
        }

        return new EligibilityResult(true, BiometricReason.Accepted, [], open);
    }
}

/// <summary>Threshold choice from labelled scores: the zero-false-accept rule used for calibration.</summary>
public static class ThresholdCalibration
{
    /// <summary>
    /// The smallest threshold on a 0.01 grid strictly above every impostor score (so no impostor is accepted),
    /// and the false-reject rate of the genuine scores at it.
    /// </summary>
    public static (float Threshold, double FalseRejectRate, int FalseRejects) ZeroFalseAccept(IReadOnlyCollection<float> genuine, IReadOnlyCollection<float> impostor)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        ArgumentNullException.ThrowIfNull(impostor);
        if (genuine.Count == 0 || impostor.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one genuine and one impostor score.");
        }

        var maxImpostor = impostor.Max();
        var threshold = MathF.Floor(maxImpostor * 100f + 1f) / 100f;
        var rejects = genuine.Count(g => g < threshold);
        return (threshold, (double)rejects / genuine.Count, rejects);
    }

    /// <summary>Counts of scores per bin of <paramref name="binWidth"/> from <paramref name="low"/> to <paramref name="high"/>.</summary>
    public static int[] Histogram(IEnumerable<float> scores, float low, float high, float binWidth)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var bins = new int[(int)MathF.Ceiling((high - low) / binWidth)];
        foreach (var s in scores)
        {
            var i = Math.Clamp((int)MathF.Floor((s - low) / binWidth), 0, bins.Length - 1);
            bins[i]++;
        }

        return bins;
    }

    /// <summary>Area under the ROC curve: probability that a random genuine score exceeds a random impostor score (ties count half).</summary>
    public static double Auc(IReadOnlyCollection<float> genuine, IReadOnlyCollection<float> impostor)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        ArgumentNullException.ThrowIfNull(impostor);
        // Rank-sum (Mann-Whitney U) on one sort: O((g + i) log(g + i)) rather than comparing every pair.
        var all = genuine.Select(s => (s, 1)).Concat(impostor.Select(s => (s, 0))).OrderBy(t => t.s).ToArray();
        double rankSum = 0;
        var i = 0;
        while (i < all.Length)
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].s == all[i].s)
            {
                j++;
            }

            var avgRank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                if (all[k].Item2 == 1)
                {
                    rankSum += avgRank;
                }
            }

            i = j + 1;
        }

        double g = genuine.Count;
        return (rankSum - (g * (g + 1) / 2)) / (g * impostor.Count);
    }
}
