namespace Trading.Domain;

/// <summary>The 18 steps of docs/design/DOMAIN.md, in order. The numeric value is the step number.</summary>
public enum LifecycleStep
{
    ProjectRegistration = 1,
    DocumentsFiled = 2,
    NoticePublished = 3,
    DocumentsObtained = 4,
    Clarifications = 5,
    BidBond = 6,
    BidSubmission = 7,
    BidDeadline = 8,
    ExpertDraw = 9,
    BidOpening = 10,
    ExpertCheckIn = 11,
    Evaluation = 12,
    EvaluationReport = 13,
    CandidatePublicity = 14,
    Objections = 15,
    AwardNotice = 16,
    Contract = 17,
    BondRefundAndArchive = 18,
}

public enum ProcurementCategory
{
    ConstructionWorks = 1,
    GovernmentProcurement = 2,
    LandUseRights = 3,
    StateOwnedProperty = 4,
}

public enum EvaluationMethod
{
    /// <summary>综合评估法</summary>
    ComprehensiveScoring = 1,
    /// <summary>经评审的最低投标价法</summary>
    LowestEvaluatedPrice = 2,
}

public class Tender
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Human-readable project code shown on notices, e.g. ZB-2026-0001.</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public ProcurementCategory Category { get; set; }
    public Guid OwnerOrganisationId { get; set; }
    public Organisation? OwnerOrganisation { get; set; }
    /// <summary>The tendering agent acting for the owner, if any; its users may act on the tender too.</summary>
    public Guid? AgentOrganisationId { get; set; }
    public Organisation? AgentOrganisation { get; set; }
    public EvaluationMethod EvaluationMethod { get; set; }
    /// <summary>The scoring table of the documents (<see cref="Evaluation.ScoringScheme"/> as JSON): fixed when the documents are filed.</summary>
    public string? ScoringSchemeJson { get; set; }
    public string QualificationRequirements { get; set; } = "";
    /// <summary>Where the works are or the goods go (a county or district, as the centre names it): collusion screens compare
    /// firms within one regional market and weigh distance as a cost.</summary>
    public string? Region { get; set; }
    public DateTime BidDeadline { get; set; }
    public DateTime OpeningTime { get; set; }
    public string OpeningPlace { get; set; } = "";
    public LifecycleStep Step { get; set; } = LifecycleStep.ProjectRegistration;
    /// <summary>
    /// The broken rule that locks the current step (code and arguments separated by |, see <see cref="BiddingPeriod.Encode"/>);
    /// set by <see cref="TenderLifecycle.Lock"/>, cleared only by a supervisor's <see cref="TenderLifecycle.Unlock"/>.
    /// </summary>
    public string? LockedReason { get; set; }
    /// <summary>Why, in words, as the person or check that locked it wrote it; shown with the rule to everyone on the tender.</summary>
    public string? LockNote { get; set; }
    public DateTime? LockedAt { get; set; }
    /// <summary>The failed tender this one re-runs (重新招标), if any.</summary>
    public Guid? RetenderOfId { get; set; }
    public bool Failed { get; set; }
    /// <summary>Why the tender failed (rule code and arguments separated by |), e.g. too few bids at the deadline.</summary>
    public string? FailedReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DocumentsFirstIssuedAt { get; set; }
    public DateTime? PublishedAt { get; set; }
    public List<Lot> Lots { get; set; } = [];
    public List<TenderDocument> Documents { get; set; } = [];
    public List<StepTransition> Transitions { get; set; } = [];
    public List<Clarification> Clarifications { get; set; } = [];
    /// <summary>Optimistic concurrency: two officers acting at once cannot both move the tender.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public long TotalEstimatedPriceFen => Lots.Sum(l => l.EstimatedPriceFen);

    public const int RegionMaxLength = 100;
}

/// <summary>A lot (标段). Money is kept in fen (0.01 yuan) as integers: exact, and comparable in every database.</summary>
public class Lot
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public int Number { get; set; }
    public string Name { get; set; } = "";
    public long EstimatedPriceFen { get; set; }
    /// <summary>The control price (招标控制价 / 最高投标限价) when the documents set one: the ceiling for bids, and what the
    /// collusion screens compare bids with.</summary>
    public long? ControlPriceFen { get; set; }
    public long BidBondFen { get; set; }
    /// <summary>Set at the deadline when the lot has fewer valid bids than the minimum (Regulations art. 44): encoded rule, see <see cref="BiddingPeriod.Encode"/>.</summary>
    public string? FailedReason { get; set; }
}

public class TenderDocument
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Length { get; set; }
    public string Sha256 { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public DateTime FiledAt { get; set; }
    /// <summary>Documents replaced by a clarification stay on file, marked superseded.</summary>
    public bool Superseded { get; set; }
}

public class DocumentDownload
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid DocumentId { get; set; }
    public Guid FirmId { get; set; }
    public Guid UserId { get; set; }
    public DateTime DownloadedAt { get; set; }
    public string? IpAddress { get; set; }
}

public class Clarification
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public string Question { get; set; } = "";
    public string? Answer { get; set; }
    /// <summary>A clarification that changes the documents must come 15 days before the deadline (art. 23).</summary>
    public bool ChangesDocuments { get; set; }
    public DateTime PublishedAt { get; set; }
}

/// <summary>Every step change, with who, when and from where.</summary>
public class StepTransition
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public LifecycleStep From { get; set; }
    public LifecycleStep To { get; set; }
    public Guid ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public DateTime At { get; set; }
    public string? IpAddress { get; set; }
    public string? Note { get; set; }
}
