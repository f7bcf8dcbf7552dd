namespace Trading.Domain.Evaluation;

/// <summary>
/// One committee member's score sheet for a session, committed on submission: the sheet is stored with its
/// nonce, the public log gets only the commitment. There is one per member and session, and it never changes
/// afterwards (a unique index holds that when two submissions race).
/// </summary>
public class ScoreSheet
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The <c>EvaluationSession</c>.</summary>
    public Guid SessionId { get; set; }
    /// <summary>The <c>CommitteeMember</c> (the seat), not the expert: the log names the seat's pseudonym.</summary>
    public Guid MemberId { get; set; }
    /// <summary><see cref="ScoreSheetContent"/> as JSON.</summary>
    public string SheetJson { get; set; } = "";
    /// <summary>Random hex: keeps the commitment from giving the marks away before the reveal.</summary>
    public string Nonce { get; set; } = "";
    /// <summary>Hex SHA-256 of nonce and canonical sheet (<see cref="ScoreSheetContent.Commitment"/>).</summary>
    public string Commitment { get; set; } = "";
    public DateTime CommittedAt { get; set; }
    public long LogIndex { get; set; }
}

/// <summary>A member's written reason for a mark the deviation check flagged (畸高畸低).</summary>
public class DeviationReason
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid MemberId { get; set; }
    public Guid BidId { get; set; }
    public string ItemCode { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// A written question of the committee to one bidder during evaluation (评标澄清, Regulations art. 52: an abnormally low
/// price, an ambiguity), recorded by the chair and answered by the bidder on its own page before the deadline the
/// committee set. The bidder sees the question, never who asked; an answer explains and may not change the price or
/// the substance of the bid (the committee judges it), so it is kept beside the bid, never merged into it.
/// </summary>
public class BidClarification
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid BidId { get; set; }
    public string Question { get; set; } = "";
    public DateTime AskedAt { get; set; }
    public DateTime AnswerBy { get; set; }
    public string? Answer { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public Guid? AnsweredByUserId { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}
