using Trading.Domain.Supervision;

namespace Trading.Domain.Award;

/// <summary>
/// The periods of steps 13-18 (appsettings section "Award"). Defaults from Regulations arts. 54, 55, 57, 60 and
/// Bidding Law art. 46; a jurisdiction may configure longer ones. Calendar days unless named working days.
/// </summary>
public sealed record AwardTerms
{
    /// <summary>Regulations art. 54: the publicity starts within this many days of the report (the lights watch it).</summary>
    public int PublishWithinDays { get; init; } = 3;
    /// <summary>Regulations art. 54: the publicity lasts at least this many days.</summary>
    public int MinPublicityDays { get; init; } = 3;
    /// <summary>Regulations art. 54: the owner answers an objection within this many days.</summary>
    public int ObjectionAnswerDays { get; init; } = 3;
    /// <summary>Regulations art. 60: a complaint within this many days of when the complainant knew.</summary>
    public int ComplaintWithinDays { get; init; } = 10;
    /// <summary>Regulations art. 61: the office decides within this many working days.</summary>
    public int ComplaintDecisionWorkingDays { get; init; } = 30;
    /// <summary>Bidding Law art. 46: the contract within this many days of the award notice.</summary>
    public int ContractWithinDays { get; init; } = 30;
    /// <summary>Regulations art. 57: the bond back within this many days of the contract.</summary>
    public int RefundWithinDays { get; init; } = 5;

    public IEnumerable<RuleViolation> Validate()
    {
        if (PublishWithinDays < 1 || MinPublicityDays < 1 || ObjectionAnswerDays < 1 || ComplaintWithinDays < 1
            || ComplaintDecisionWorkingDays < 1 || ContractWithinDays < 1 || RefundWithinDays < 1)
            yield return new RuleViolation("Rule.Config.Negative");
    }
}

/// <summary>Everything recorded after the evaluation report of one tender, as the rules read it.</summary>
public sealed record AwardFacts(
    CandidatePublicity? Publicity,
    IReadOnlyList<Objection> Objections,
    IReadOnlyList<Complaint> Complaints,
    IReadOnlyList<LotAward> Awards,
    IReadOnlyList<LotContract> Contracts,
    IReadOnlyList<BondRefund> Refunds)
{
    public static AwardFacts None { get; } = new(null, [], [], [], [], []);
    public bool Suspended => Complaints.Any(c => c.Suspends);
    public int OpenObjections => Objections.Count(o => o.AnsweredAt is null);
    public bool PublicityRunning(DateTime now) => Publicity is { } p && now >= p.PublishedAt && now < p.EndsAt;
}

/// <summary>
/// Rules of steps 14-18: candidate publicity, objections, complaints, the award, the contract and the bond refund.
/// Each check returns the violations (empty when allowed); <see cref="Done"/> tells the lifecycle which of steps 14-18
/// have their act recorded, so a move is taken in exactly one place.
/// </summary>
public static class AwardRules
{
    public const string NoReport = "Rule.Award.NoReport";
    public const string PublicityExists = "Rule.Award.PublicityExists";
    public const string PublicityDays = "Rule.Award.PublicityDays";
    public const string NoCandidates = "Rule.Award.NoCandidates";
    public const string NoPublicity = "Rule.Award.NoPublicity";
    public const string NotBidder = "Rule.Award.NotBidder";
    public const string OutsidePublicity = "Rule.Award.OutsidePublicity";
    public const string TextLength = "Rule.Award.TextLength";
    public const string ObjectionAnswered = "Rule.Award.ObjectionAnswered";
    public const string ComplaintLate = "Rule.Award.ComplaintLate";
    public const string ComplaintKnewInFuture = "Rule.Award.ComplaintKnewInFuture";
    public const string ComplaintDecided = "Rule.Award.ComplaintDecided";
    public const string AlreadySuspended = "Rule.Award.AlreadySuspended";
    public const string NotSuspended = "Rule.Award.NotSuspended";
    public const string OutcomeMissing = "Rule.Award.OutcomeMissing";
    public const string Suspended = "Rule.Award.Suspended";
    public const string PublicityRunning = "Rule.Award.PublicityRunning";
    public const string ObjectionOpen = "Rule.Award.ObjectionOpen";
    public const string AlreadyAwarded = "Rule.Award.AlreadyAwarded";
    public const string NotCandidate = "Rule.Award.NotCandidate";
    public const string ReasonRequired = "Rule.Award.ReasonRequired";
    public const string NotAwarded = "Rule.Award.NotAwarded";
    public const string ContractExists = "Rule.Award.ContractExists";
    public const string ContractTerms = "Rule.Award.ContractTerms";
    public const string ContractSignedOn = "Rule.Award.ContractSignedOn";
    public const string NoContract = "Rule.Award.NoContract";
    public const string RefundTwice = "Rule.Award.RefundTwice";
    public const string RefundAmount = "Rule.Award.RefundAmount";
    public const string RefundInterest = "Rule.Award.RefundInterest";
    public const string RefundDate = "Rule.Award.RefundDate";
    public const string NotRefundable = "Rule.Award.NotRefundable";

    public const int MinTextLength = 5;
    public const int MaxTextLength = 4000;

    private static RuleViolation V(string code, params object[] args) => new(code, args);

    private static IEnumerable<RuleViolation> Text(string? text)
    {
        var t = text?.Trim() ?? "";
        if (t.Length < MinTextLength || t.Length > MaxTextLength) yield return V(TextLength, MinTextLength, MaxTextLength);
    }

    /// <summary>The owner side publishes the candidates: only at step 13 (the report issued), once, for at least the minimum days.</summary>
    public static List<RuleViolation> CheckPublish(Tender t, AwardFacts f, int days, int candidates, AwardTerms terms)
    {
        var errors = new List<RuleViolation>();
        if (f.Publicity is not null) errors.Add(V(PublicityExists, f.Publicity.PublishedAt));
        else if (t.Step != LifecycleStep.EvaluationReport) errors.Add(V(NoReport));
        if (days < terms.MinPublicityDays || days > 30) errors.Add(V(PublicityDays, terms.MinPublicityDays, 30));
        if (candidates == 0 && errors.Count == 0) errors.Add(V(NoCandidates));
        return errors;
    }

    /// <summary>The publicity's end: <paramref name="days"/> whole days after it starts.</summary>
    public static DateTime PublicityEnd(DateTime publishedAt, int days) => publishedAt.AddDays(days);

    /// <summary>An objection: from a bidder of the tender, while the publicity runs, with words.</summary>
    public static List<RuleViolation> CheckObjection(AwardFacts f, bool isBidder, string? text, DateTime now)
    {
        var errors = new List<RuleViolation>();
        if (!isBidder) errors.Add(V(NotBidder));
        else if (f.Publicity is null) errors.Add(V(NoPublicity));
        else if (!f.PublicityRunning(now)) errors.Add(V(OutsidePublicity, f.Publicity.PublishedAt, f.Publicity.EndsAt));
        errors.AddRange(Text(text));
        return errors;
    }

    public static DateTime ObjectionAnswerDue(DateTime raisedAt, AwardTerms terms) => raisedAt.AddDays(terms.ObjectionAnswerDays);

    /// <summary>The owner side answers an objection once (a late answer is still taken; the lights record the lateness).</summary>
    public static List<RuleViolation> CheckAnswer(Objection o, string? answer)
    {
        var errors = new List<RuleViolation>();
        if (o.AnsweredAt is not null) errors.Add(V(ObjectionAnswered, o.AnsweredAt.Value));
        errors.AddRange(Text(answer));
        return errors;
    }

    /// <summary>A complaint to the supervision office: by a bidder of the tender, within the days after it knew, not about the future.</summary>
    public static List<RuleViolation> CheckComplaint(bool isBidder, DateOnly knewOn, DateOnly today, string? text, AwardTerms terms)
    {
        var errors = new List<RuleViolation>();
        if (!isBidder) errors.Add(V(NotBidder));
        if (knewOn > today) errors.Add(V(ComplaintKnewInFuture));
        else if (today.DayNumber - knewOn.DayNumber > terms.ComplaintWithinDays) errors.Add(V(ComplaintLate, terms.ComplaintWithinDays, knewOn));
        errors.AddRange(Text(text));
        return errors;
    }

    /// <summary>The last day to decide: that many working days after the day the complaint was lodged.</summary>
    public static DateOnly ComplaintDecisionDue(DateOnly lodgedOn, WorkingCalendar calendar, AwardTerms terms) =>
        calendar.AddWorkingDays(lodgedOn, terms.ComplaintDecisionWorkingDays);

    public static List<RuleViolation> CheckSuspend(Complaint c, bool suspend)
    {
        if (c.DecidedAt is not null) return [V(ComplaintDecided, c.DecidedAt.Value)];
        if (suspend && c.Suspends) return [V(AlreadySuspended)];
        if (!suspend && !c.Suspends) return [V(NotSuspended)];
        return [];
    }

    /// <summary>The office decides once, with an outcome and reasons; deciding ends a suspension it imposed.</summary>
    public static List<RuleViolation> CheckDecision(Complaint c, ComplaintOutcome? outcome, string? decision)
    {
        var errors = new List<RuleViolation>();
        if (c.DecidedAt is not null) errors.Add(V(ComplaintDecided, c.DecidedAt.Value));
        if (outcome is null || !Enum.IsDefined(outcome.Value)) errors.Add(V(OutcomeMissing));
        errors.AddRange(Text(decision));
        return errors;
    }

    /// <summary>
    /// The award of one lot: after the publicity ends, with no objection unanswered and the tender not suspended, once per
    /// lot, to one of the lot's candidates; a winner other than the first needs a lawful reason (Regulations art. 55).
    /// </summary>
    public static List<RuleViolation> CheckAward(Tender t, AwardFacts f, Guid lotId, PublicityCandidate? winner, string? reason, DateTime now)
    {
        var errors = new List<RuleViolation>();
        if (f.Publicity is null) errors.Add(V(NoPublicity));
        else if (now < f.Publicity.EndsAt) errors.Add(V(PublicityRunning, f.Publicity.EndsAt));
        if (f.OpenObjections > 0) errors.Add(V(ObjectionOpen, f.OpenObjections));
        if (f.Suspended) errors.Add(V(Suspended));
        if (f.Awards.FirstOrDefault(a => a.LotId == lotId) is { } done) errors.Add(V(AlreadyAwarded, done.AwardedAt));
        if (winner is null) errors.Add(V(NotCandidate));
        else if (winner.Rank != 1 && Text(reason).Any()) errors.Add(V(ReasonRequired, MinTextLength, MaxTextLength));
        if (errors.Count == 0 && t.Step < LifecycleStep.CandidatePublicity) errors.Add(V(RuleCodes.WrongStep, (int)t.Step, (int)LifecycleStep.AwardNotice));
        return errors;
    }

    /// <summary>The contract of an awarded lot: once, not while suspended, with positive terms and a signing day not before the award.</summary>
    public static List<RuleViolation> CheckContract(AwardFacts f, LotAward? award, long priceFen, int durationDays, DateOnly signedOn, DateOnly awardDay, DateOnly today)
    {
        var errors = new List<RuleViolation>();
        if (award is null) return [V(NotAwarded)];
        if (f.Suspended) errors.Add(V(Suspended));
        if (f.Contracts.FirstOrDefault(c => c.LotId == award.LotId) is { } c) errors.Add(V(ContractExists, c.UploadedAt));
        if (priceFen <= 0 || durationDays is < 1 or > 3650) errors.Add(V(ContractTerms));
        if (signedOn < awardDay || signedOn > today) errors.Add(V(ContractSignedOn, awardDay, today));
        return errors;
    }

    /// <summary>Price or duration not as awarded: the contract stands, but the supervision office is warned (Bidding Law art. 46).</summary>
    public static bool Differs(LotAward award, long priceFen, int durationDays) =>
        award.PriceFen != priceFen || (award.DurationDays is { } d && d != durationDays);

    /// <summary>A bond refund: once per bid, after the lot's contract, the bond's amount, interest not negative, on a day not in the future.</summary>
    public static List<RuleViolation> CheckRefund(AwardFacts f, Guid bidId, Guid lotId, long bondFen, long amountFen, long interestFen, DateOnly refundedOn, DateOnly today)
    {
        var errors = new List<RuleViolation>();
        if (f.Refunds.FirstOrDefault(r => r.BidId == bidId) is { } r) return [V(RefundTwice, r.RecordedAt)];
        if (f.Contracts.All(c => c.LotId != lotId)) errors.Add(V(NoContract));
        if (amountFen != bondFen) errors.Add(V(RefundAmount, Money.Yuan(bondFen)));
        if (interestFen < 0) errors.Add(V(RefundInterest));
        var contract = f.Contracts.FirstOrDefault(c => c.LotId == lotId);
        if (refundedOn > today || (contract is not null && refundedOn < contract.SignedOn)) errors.Add(V(RefundDate));
        return errors;
    }

    /// <summary>
    /// Which of steps 14-18 have their act done, for <see cref="TenderLifecycle"/>: 14 the publicity is out; 15 it has
    /// ended with every objection answered and no suspension; 16 every open lot awarded; 17 every open lot contracted;
    /// 18 every bid's bond refunded (<paramref name="refundable"/>: the bids whose bond comes back).
    /// </summary>
    public static IEnumerable<LifecycleStep> Done(AwardFacts f, IReadOnlyCollection<Guid> openLots, IReadOnlyCollection<Guid> refundable, DateTime now)
    {
        if (f.Publicity is null) yield break;
        yield return LifecycleStep.CandidatePublicity;
        if (now >= f.Publicity.EndsAt && f.OpenObjections == 0 && !f.Suspended)
            yield return LifecycleStep.Objections;
        if (openLots.Count == 0 || !openLots.All(l => f.Awards.Any(a => a.LotId == l))) yield break;
        yield return LifecycleStep.AwardNotice;
        if (!openLots.All(l => f.Contracts.Any(c => c.LotId == l))) yield break;
        yield return LifecycleStep.Contract;
        if (refundable.All(b => f.Refunds.Any(r => r.BidId == b)))
            yield return LifecycleStep.BondRefundAndArchive;
    }
}
