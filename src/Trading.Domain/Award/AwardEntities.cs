namespace Trading.Domain.Award;

/// <summary>
/// The candidate publicity (中标候选人公示, step 14): one per tender, published by the owner side after the evaluation
/// report, on the public portal from <see cref="PublishedAt"/> until <see cref="EndsAt"/>. It lists each open lot's
/// candidates in rank order (<see cref="PublicityCandidate"/>), never an expert's name.
/// </summary>
public class CandidatePublicity
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public DateTime PublishedAt { get; set; }
    public DateTime EndsAt { get; set; }
    public Guid PublishedByUserId { get; set; }
    public long LogIndex { get; set; }
    public List<PublicityCandidate> Candidates { get; set; } = [];
}

/// <summary>One candidate of one lot as the publicity shows it: rank, firm, price (what Regulations art. 54 asks, no more).</summary>
public class PublicityCandidate
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PublicityId { get; set; }
    public Guid LotId { get; set; }
    public int Rank { get; set; }
    public Guid BidId { get; set; }
    public Guid FirmId { get; set; }
    public string FirmName { get; set; } = "";
    public long PriceFen { get; set; }
    public int? DurationDays { get; set; }
}

/// <summary>An objection (异议) a bidder of the tender raises during the publicity; the owner side answers it within the limit.</summary>
public class Objection
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid FirmId { get; set; }
    public Guid RaisedByUserId { get; set; }
    public string Text { get; set; } = "";
    public DateTime RaisedAt { get; set; }
    public DateTime AnswerDueAt { get; set; }
    public string? Answer { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public Guid? AnsweredByUserId { get; set; }
    public long LogIndex { get; set; }
    public long? AnswerLogIndex { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

public enum ComplaintOutcome { Dismissed = 1, Upheld = 2, PartlyUpheld = 3 }

/// <summary>
/// A complaint (投诉) to the supervision office about the tender, lodged within the limit after the complainant knew
/// of the matter; the office decides within a number of working days and may suspend the tender meanwhile (a
/// suspended tender refuses the award and the contract). The decision is published.
/// </summary>
public class Complaint
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid FirmId { get; set; }
    public Guid LodgedByUserId { get; set; }
    public string Text { get; set; } = "";
    /// <summary>The day the complainant knew, or should have known, of the matter (the 10 days count from it).</summary>
    public DateOnly KnewOn { get; set; }
    public DateTime LodgedAt { get; set; }
    /// <summary>End of the last working day the office has to decide.</summary>
    public DateTime DecisionDueAt { get; set; }
    public DateTime? SuspendedAt { get; set; }
    public DateTime? ResumedAt { get; set; }
    public ComplaintOutcome? Outcome { get; set; }
    public string? Decision { get; set; }
    public DateTime? DecidedAt { get; set; }
    public Guid? DecidedByUserId { get; set; }
    public long LogIndex { get; set; }
    public long? DecisionLogIndex { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    public bool Suspends => SuspendedAt is not null && ResumedAt is null;
}

/// <summary>
/// The award of one lot (中标, step 16): the winner (the first candidate unless the owner side records a lawful reason),
/// its price and duration, the award notice PDF for the winner. Result notices to the others are <see cref="AwardNotice"/> rows.
/// </summary>
public class LotAward
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public Guid WinnerBidId { get; set; }
    public Guid WinnerFirmId { get; set; }
    public string WinnerName { get; set; } = "";
    public int WinnerRank { get; set; }
    public long PriceFen { get; set; }
    public int? DurationDays { get; set; }
    /// <summary>Why a candidate other than the first wins (Regulations art. 55): required then, null otherwise.</summary>
    public string? Reason { get; set; }
    public DateTime AwardedAt { get; set; }
    public Guid AwardedByUserId { get; set; }
    public long LogIndex { get; set; }
}

public enum NoticeKind { Award = 1, Result = 2 }

/// <summary>A notice PDF to one bidder of a lot: 中标通知书 to the winner, 中标结果通知书 to each other bidder.</summary>
public class AwardNotice
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AwardId { get; set; }
    public Guid TenderId { get; set; }
    public Guid BidId { get; set; }
    public Guid FirmId { get; set; }
    public NoticeKind Kind { get; set; }
    public string StorageKey { get; set; } = "";
    public string Sha256 { get; set; } = "";
    /// <summary>The centre's signature over <see cref="Sha256"/> (base64), when the centre's signing key is configured.</summary>
    public string? Signature { get; set; }
    public DateTime IssuedAt { get; set; }
}

/// <summary>
/// The contract of one lot (step 17): the signed file, its key terms as published, and whether they differ from the
/// award (then the supervision office is warned).
/// </summary>
public class LotContract
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public Guid AwardId { get; set; }
    public Guid FirmId { get; set; }
    public long PriceFen { get; set; }
    public int DurationDays { get; set; }
    public DateOnly SignedOn { get; set; }
    public string FileName { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public bool DiffersFromAward { get; set; }
    public DateTime UploadedAt { get; set; }
    public Guid UploadedByUserId { get; set; }
    public long LogIndex { get; set; }
}

/// <summary>The bid bond returned to one bidder for one bid (step 18): amount, the day paid back, interest where paid.</summary>
public class BondRefund
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid BidId { get; set; }
    public Guid FirmId { get; set; }
    public long AmountFen { get; set; }
    public long InterestFen { get; set; }
    public DateOnly RefundedOn { get; set; }
    public DateTime RecordedAt { get; set; }
    public Guid RecordedByUserId { get; set; }
    public long LogIndex { get; set; }
}
