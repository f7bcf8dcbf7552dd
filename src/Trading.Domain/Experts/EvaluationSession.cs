using Trading.ExpertPool;

namespace Trading.Domain.Experts;

/// <summary>
/// One expert draw (专家抽取) for a lot and the evaluation session it staffs: where and when the
/// committee sits, what it needs, and who was drawn. The library's <see cref="DrawRecord"/> (the draw's
/// state and public record) is stored whole in <see cref="RecordJson"/>; the columns here are what pages,
/// jobs and the check-in kiosk query. A second draw for the same lot needs the first voided.
/// </summary>
public class EvaluationSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The draw id used in the record and every hash (e.g. ZB-2026-0001-L1-1).</summary>
    public string DrawId { get; set; } = "";
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    /// <summary>Evaluation room (评标室) code or name.</summary>
    public string EvaluationRoom { get; set; } = "";
    /// <summary>When the session starts and ends on evaluation day (UTC).</summary>
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public int CommitteeSize { get; set; }
    public int OwnerRepresentativeSeats { get; set; }
    public string? BeaconRound { get; set; }
    /// <summary>Hours an invited expert has to accept or decline before the seat goes to the reserve.</summary>
    public int ResponseWindowHours { get; set; } = 2;
    public DrawPhase Phase { get; set; } = DrawPhase.Committing;
    public Guid RequestedByUserId { get; set; }
    public DateTime RequestedAt { get; set; }
    /// <summary>The library's draw record (compact JSON): public inputs, commitments, reveals, seed, ordering, replacements.</summary>
    public string RecordJson { get; set; } = "";
    /// <summary>Confidential: the screening (eligible experts and every exclusion with its reasons), for supervisors and auditors.</summary>
    public string ScreeningJson { get; set; } = "";
    /// <summary>Confidential: pseudonym → pool registration number for this draw.</summary>
    public string PseudonymMapJson { get; set; } = "";
    public DateTime? DrawnAt { get; set; }
    public DateTime? VoidedAt { get; set; }
    public Guid? VoidedByUserId { get; set; }
    public string? VoidReason { get; set; }
    public List<SessionRequirement> Requirements { get; set; } = [];
    public List<CommitteeMember> Members { get; set; } = [];
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>One required group of the committee: specialties and how many seats (a stratum of the draw).</summary>
public class SessionRequirement
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    /// <summary>Stratum id [a-z0-9._-]; strata are drawn in ordinal order of it.</summary>
    public string Stratum { get; set; } = "";
    public StratumKind Kind { get; set; }
    /// <summary>Patterns "category/field" or "category/*".</summary>
    public List<string> Specialties { get; set; } = [];
    public int Count { get; set; }
    public RegionRuleMode? RegionMode { get; set; }
    public List<string> Regions { get; set; } = [];
}

/// <summary>Where a drawn expert stands.</summary>
public enum CommitteeMemberStatus
{
    /// <summary>Drawn and notified; has until <see cref="CommitteeMember.RespondBy"/> to answer.</summary>
    Invited = 0,
    /// <summary>Accepted: expected at the session (the kiosk checks these in).</summary>
    Accepted = 1,
    /// <summary>Declined with a declared reason before accepting; replaced from the reserve.</summary>
    Declined = 2,
    /// <summary>Did not answer in the window; replaced from the reserve.</summary>
    NoAnswer = 3,
    /// <summary>Withdrew after accepting (with a declared reason); replaced from the reserve.</summary>
    Replaced = 4,
    /// <summary>A conflict of interest came to light after the draw; replaced from the reserve.</summary>
    Conflict = 5,
}

/// <summary>A drawn expert on the evaluation committee (评标委员会) of a session, current or former.</summary>
public class CommitteeMember
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    /// <summary>The <see cref="PoolExpert"/> id.</summary>
    public Guid ExpertId { get; set; }
    /// <summary>The expert's pseudonym in this draw's record.</summary>
    public string Pseudonym { get; set; } = "";
    public string Stratum { get; set; } = "";
    public CommitteeMemberStatus Status { get; set; }
    public DateTime InvitedAt { get; set; }
    public DateTime RespondBy { get; set; }
    public DateTime? RespondedAt { get; set; }
    public string? DeclineReason { get; set; }
    /// <summary>The member who took this seat when this one left.</summary>
    public Guid? ReplacedByMemberId { get; set; }

    /// <summary>Still holds the seat (invited or accepted).</summary>
    public bool Serving => Status is CommitteeMemberStatus.Invited or CommitteeMemberStatus.Accepted;
}
