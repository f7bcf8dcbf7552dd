namespace Trading.Domain.Evaluation;

/// <summary>
/// The grounds on which the committee rejects a bid (否决投标), Regulations art. 51, items 1 to 7. A rejection
/// always names one, so the report and the bidder read the rule, not only the committee's words.
/// </summary>
public enum RejectionGround
{
    /// <summary>(1) 投标文件未经投标单位盖章和单位负责人签字</summary>
    NotSigned = 1,
    /// <summary>(2) 投标联合体没有提交共同投标协议</summary>
    NoJointBidAgreement = 2,
    /// <summary>(3) 投标人不符合国家或者招标文件规定的资格条件</summary>
    QualificationNotMet = 3,
    /// <summary>(4) 同一投标人提交两个以上不同的投标文件或者投标报价</summary>
    TwoBidsOrPrices = 4,
    /// <summary>(5) 投标报价低于成本或者高于招标文件设定的最高投标限价</summary>
    PriceBelowCostOrAboveCeiling = 5,
    /// <summary>(6) 投标文件没有对招标文件的实质性要求和条件作出响应</summary>
    NotResponsive = 6,
    /// <summary>(7) 投标人有串通投标、弄虚作假、行贿等违法行为</summary>
    Collusion = 7,
}

/// <summary>A member's vote for the committee's chair (组长); the chair is the seat a majority of serving seats voted for.</summary>
public class ChairVote
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid VoterMemberId { get; set; }
    public Guid CandidateMemberId { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// The committee's preliminary-review conclusion (初步评审) on one item for one bid, recorded by the chair: pass, or
/// fail with the art. 51 ground and the committee's reason. A failed item rejects the bid (否决投标).
/// Decided once (a unique index holds it when two arrive together).
/// </summary>
public class ReviewDecision
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid BidId { get; set; }
    public string ItemCode { get; set; } = "";
    public bool Passed { get; set; }
    public RejectionGround? Ground { get; set; }
    public string? Reason { get; set; }
    public Guid RecordedByMemberId { get; set; }
    public DateTime At { get; set; }
}

/// <summary>A member's signature of the evaluation report, or their recorded dissent (Regulations art. 53).</summary>
public class ReportSignature
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid MemberId { get; set; }
    /// <summary>Hex SHA-256 of the report's content (<see cref="ReportContent.Sha256"/>) the member signed.</summary>
    public string ContentSha256 { get; set; } = "";
    /// <summary>The member's dissenting opinion; null when they signed in agreement.</summary>
    public string? Dissent { get; set; }
    /// <summary>How the member re-authenticated just before signing: "password" or "totp".</summary>
    public string Reauthentication { get; set; } = "";
    public DateTime At { get; set; }
    public long LogIndex { get; set; }
    /// <summary>
    /// The member's own signature (an event certificate's, 事件型证书): the canonical statement they signed (the content hash,
    /// the session, the seat's pseudonym, the dissent or its absence), the signature (r || s) by a key their browser made
    /// for this signing, and the certificate the centre's CA issued for that key then. Null on rows signed before member
    /// signatures existed.
    /// </summary>
    public byte[]? MemberStatement { get; set; }
    public byte[]? MemberSignature { get; set; }
    public byte[]? MemberCertificate { get; set; }
    /// <summary>Hex SHA-256 of the member key's SPKI: a key is certified for one signing only (unique).</summary>
    public string? MemberKeySha256 { get; set; }
}

/// <summary>The evaluation report (评标报告, step 13) of one session, made once when the last member signs.</summary>
public class EvaluationReport
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SessionId { get; set; }
    public Guid TenderId { get; set; }
    public string ContentSha256 { get; set; } = "";
    public string PdfSha256 { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public DateTime IssuedAt { get; set; }
    public long LogIndex { get; set; }
}

/// <summary>The committee's acts before and after the scores: the chair, the preliminary review, the signatures. Pure.</summary>
public static class Committee
{
    public const int MinReasonLength = 5;
    public const int MaxReasonLength = 2000;

    /// <summary>The chair: the seat more than half the serving seats voted for; null while no seat has a majority.</summary>
    public static Guid? Chair(IEnumerable<ChairVote> votes, int serving) =>
        votes.GroupBy(v => v.CandidateMemberId).Where(g => g.Count() * 2 > serving).Select(g => (Guid?)g.Key).FirstOrDefault();

    /// <summary>Why a review decision may not be recorded as it stands; null when it may.</summary>
    public static RuleViolation? CheckDecision(ScoringScheme scheme, IReadOnlyCollection<Guid> openedBids, Guid bidId, string itemCode, bool passed, RejectionGround? ground, string? reason)
    {
        if (!openedBids.Contains(bidId)) return new RuleViolation(EvaluationRules.ScoreUnknownBid);
        if (scheme.ReviewItems.FirstOrDefault(i => i.Code == itemCode) is not { } item) return new RuleViolation(EvaluationRules.ScoreUnknownItem, itemCode ?? "");
        var text = reason?.Trim() ?? "";
        if (passed)
            return text.Length > MaxReasonLength ? new RuleViolation(EvaluationRules.ReasonLength, MinReasonLength, MaxReasonLength) : null;
        // A rejection names its rule and says why in words: Regulations art. 51 and the report need both.
        if (ground is null || !Enum.IsDefined(ground.Value)) return new RuleViolation(EvaluationRules.RejectionRuleMissing, item.Name);
        if (text.Length is < MinReasonLength or > MaxReasonLength) return new RuleViolation(EvaluationRules.ReasonLength, MinReasonLength, MaxReasonLength);
        return null;
    }

    /// <summary>How many (bid, item) conclusions the preliminary review still lacks.</summary>
    public static int ReviewMissing(ScoringScheme scheme, IReadOnlyCollection<Guid> openedBids, IReadOnlyCollection<ReviewDecision> decisions) =>
        openedBids.Sum(b => scheme.ReviewItems.Count(i => !decisions.Any(d => d.BidId == b && d.ItemCode == i.Code)));

    /// <summary>The bids rejected (否决投标): any failed review item rejects the bid.</summary>
    public static IReadOnlySet<Guid> Rejected(IEnumerable<ReviewDecision> decisions) =>
        decisions.Where(d => !d.Passed).Select(d => d.BidId).ToHashSet();

    /// <summary>
    /// Why a member may not sign (or dissent from) the report now; null when they may. The ranking must exist, which
    /// needs every sheet committed and every flagged mark explained; each member signs once.
    /// </summary>
    public static RuleViolation? CheckSignature(int committed, int serving, int reasonsMissing, bool alreadySigned, string? dissent)
    {
        if (committed < serving) return new RuleViolation(EvaluationRules.NotAllCommitted, committed, serving);
        if (reasonsMissing > 0) return new RuleViolation(EvaluationRules.DeviationReasonMissing, reasonsMissing);
        if (alreadySigned) return new RuleViolation(EvaluationRules.ReportSigned);
        if (dissent is not null && dissent.Trim().Length is < MinReasonLength or > MaxReasonLength)
            return new RuleViolation(EvaluationRules.ReasonLength, MinReasonLength, MaxReasonLength);
        return null;
    }
}
