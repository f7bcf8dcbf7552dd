namespace Trading.Domain;

public enum OrganisationKind
{
    TradingCentre = 1,
    SupervisionOffice = 2,
    OwnerUnit = 3,
    Agency = 4,
    BidderFirm = 5,
    ExpertPool = 6,
}

/// <summary>Dual filing (备案): a firm trades only once both the centre and the supervision office approve.</summary>
public enum FirmStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
}

/// <summary>Every user belongs to one organisation; ownership checks compare organisation ids.</summary>
public class Organisation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public OrganisationKind Kind { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Unified social credit code; required for firms, owner units and agencies.</summary>
    public string? CreditCode { get; set; }
    public string? LegalRepresentative { get; set; }
    public string? LegalRepresentativeIdNumber { get; set; }
    public string? Address { get; set; }
    public string? ContactName { get; set; }
    public string? ContactPhone { get; set; }
    public string? ContactEmail { get; set; }
    public string? QualificationSummary { get; set; }
    public FirmStatus Status { get; set; } = FirmStatus.Pending;
    public DateTime RegisteredAt { get; set; }
    public DateTime? CentreApprovedAt { get; set; }
    public string? CentreApprovedBy { get; set; }
    public DateTime? SupervisionApprovedAt { get; set; }
    public string? SupervisionApprovedBy { get; set; }
    public string? RejectionReason { get; set; }
    public DateTime? SuspendedUntil { get; set; }
    public string? SuspensionReason { get; set; }
    public List<Shareholder> Shareholders { get; set; } = [];
    public List<FirmDocument> Documents { get; set; } = [];

    public bool IsSuspended(DateTime nowUtc) => SuspendedUntil is { } until && until > nowUtc;

    /// <summary>
    /// Dual filing: the firm trades only once approved. Suspensions are not read here: the bad-behaviour records are
    /// their one source of truth (SuspendedUntil is a display copy), and the caller passes their refusal to
    /// <see cref="BiddingPeriod.MayObtainDocuments"/>.
    /// </summary>
    public RuleViolation? CheckApproved() =>
        Status == FirmStatus.Approved ? null : new RuleViolation(RuleCodes.FirmNotApproved, Status.ToString());
}

public class Shareholder
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Percentage of shares, 0..100, kept as basis points to stay exact.</summary>
    public int ShareBasisPoints { get; set; }
}

public enum FirmDocumentKind
{
    BusinessLicence = 1,
    QualificationCertificate = 2,
    Other = 3,
}

public class FirmDocument
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public FirmDocumentKind Kind { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Length { get; set; }
    public string Sha256 { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}

/// <summary>
/// An owner unit's engagement of a tendering agency (委托招标代理, Bidding Law art. 12-13), recorded by the owner. The
/// agency registers and runs tenders in the owner's name only while the engagement runs; the owner can end it, and
/// then the agency no longer acts on the owner's tenders.
/// </summary>
public class AgentEngagement
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OwnerOrganisationId { get; set; }
    public Guid AgentOrganisationId { get; set; }
    /// <summary>What the owner engaged the agency for, as the written engagement says (free text).</summary>
    public string Scope { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public Guid RecordedByUserId { get; set; }
    public DateTime? EndedAt { get; set; }
    public Guid? EndedByUserId { get; set; }
    public string? EndReason { get; set; }
    public bool IsActive => EndedAt is null;
}
