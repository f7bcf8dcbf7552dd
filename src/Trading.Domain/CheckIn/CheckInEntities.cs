namespace Trading.Domain.CheckIn;

/// <summary>
/// An expert's enrolled face template (人脸采集), one per pool expert: a re-enrolment replaces it.
/// The template is kept only in protected form (ASP.NET Data Protection, purpose bound to the expert),
/// so a row copied onto another expert does not open. Photos are kept only if the deployment says so.
/// </summary>
public class FaceEnrolmentRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The <c>PoolExpert</c> id.</summary>
    public Guid ExpertId { get; set; }
    /// <summary>The library's template bytes, protected (base64url as Data Protection writes it).</summary>
    public string ProtectedTemplate { get; set; } = "";
    public int PhotoCount { get; set; }
    /// <summary>SHA-256 of each enrolment photo as received, in order (hex, comma-separated): what the log names.</summary>
    public string PhotoSha256 { get; set; } = "";
    /// <summary>File-store keys of the photos when Biometrics:KeepPhotos is on; empty otherwise.</summary>
    public List<string> PhotoKeys { get; set; } = [];
    public DateTime EnrolledAt { get; set; }
    public Guid EnrolledByUserId { get; set; }
    /// <summary>How many times this expert has been enrolled (1 = first enrolment).</summary>
    public int Generation { get; set; } = 1;
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>The decision on one check-in attempt.</summary>
public enum CheckInDecision
{
    Accepted = 0,
    Refused = 1,
    /// <summary>Refused by the checks, then admitted by a supervisor with a written reason.</summary>
    Overridden = 2,
}

/// <summary>
/// One attempt at the check-in kiosk (专家签到): who claimed to be whom, where, the scores, the decision and
/// the hash of the frame. Every attempt is stored and logged, refused ones included.
/// </summary>
public class CheckInAttempt
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The session the seat belongs to when one was found; otherwise the kiosk's session.</summary>
    public Guid? SessionId { get; set; }
    public string Room { get; set; } = "";
    /// <summary>The expert the person at the kiosk claimed to be (a <c>PoolExpert</c> id).</summary>
    public Guid ClaimedExpertId { get; set; }
    public DateTime At { get; set; }
    /// <summary>Centre staff running the kiosk.</summary>
    public Guid OperatorUserId { get; set; }
    public CheckInDecision Decision { get; set; }
    /// <summary>The library's reason code (BiometricReason name), e.g. NoMatch, PossibleSubstitution, WrongRoom.</summary>
    public string Reason { get; set; } = "";
    /// <summary>Arguments of the reason's message, tab-separated, so the refusal can be shown again in either language.</summary>
    public string ReasonArgs { get; set; } = "";
    public string ImageSha256 { get; set; } = "";
    public long ImageBytes { get; set; }
    public float? MatchScore { get; set; }
    public float? LiveScore { get; set; }
    /// <summary>The closest other enrolled expert and score: when it beats the claimed one this is the possible substitution.</summary>
    public Guid? BestOtherExpertId { get; set; }
    public float? BestOtherScore { get; set; }
    public bool SubstitutionFlagged { get; set; }
    /// <summary>Server time from receiving the frame to the decision (pipeline + matching), milliseconds.</summary>
    public double ProcessingMs { get; set; }
    public DateTime? OverriddenAt { get; set; }
    public Guid? OverriddenByUserId { get; set; }
    public string? OverrideReason { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>
/// A check-in kiosk as a registered device (issue 21): the kiosk's browser makes an ECDSA P-256 key pair that cannot
/// be exported and asks to be registered with its public key; centre staff approve it on the devices page. Check-ins in
/// kiosk mode are signed with the key, so frames from anything but an approved kiosk are refused.
/// </summary>
public class KioskDevice
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>What staff call it (room, desk), given at approval.</summary>
    public string Name { get; set; } = "";
    /// <summary>The public key as SubjectPublicKeyInfo, base64.</summary>
    public string PublicKeySpki { get; set; } = "";
    /// <summary>Lower-case hex SHA-256 of the SubjectPublicKeyInfo bytes: what the kiosk shows and sends.</summary>
    public string Fingerprint { get; set; } = "";
    public DateTime RequestedAt { get; set; }
    public Guid RequestedByUserId { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public Guid? ApprovedByUserId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    public bool Active => ApprovedAt is not null && RevokedAt is null;
}
