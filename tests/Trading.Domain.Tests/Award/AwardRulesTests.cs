using Trading.Domain.Award;
using Trading.Domain.Supervision;

namespace Trading.Domain.Tests.Award;

public class AwardRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 2, 0, 0, DateTimeKind.Utc);
    private static readonly AwardTerms Terms = new();
    private static readonly Guid Lot = Guid.NewGuid();

    private static Tender At(LifecycleStep step) => new() { Step = step, Lots = [new Lot { Id = Lot, Number = 1 }] };

    private static CandidatePublicity Publicity(DateTime start, int days = 3) => new()
    {
        PublishedAt = start, EndsAt = AwardRules.PublicityEnd(start, days),
        Candidates =
        [
            new PublicityCandidate { LotId = Lot, Rank = 1, BidId = Guid.NewGuid(), PriceFen = 900_000_00 },
            new PublicityCandidate { LotId = Lot, Rank = 2, BidId = Guid.NewGuid(), PriceFen = 950_000_00 },
        ],
    };

    private static AwardFacts Facts(CandidatePublicity? p = null, Objection[]? o = null, Complaint[]? c = null, LotAward[]? a = null,
        LotContract[]? k = null, BondRefund[]? r = null) => new(p, o ?? [], c ?? [], a ?? [], k ?? [], r ?? []);

    private static string[] Codes(IEnumerable<RuleViolation> v) => v.Select(x => x.Code).ToArray();

    [Fact]
    public void Candidates_are_published_once_at_step_13_for_at_least_the_minimum_days()
    {
        Assert.Empty(AwardRules.CheckPublish(At(LifecycleStep.EvaluationReport), Facts(), 3, 2, Terms));
        Assert.Equal([AwardRules.PublicityDays], Codes(AwardRules.CheckPublish(At(LifecycleStep.EvaluationReport), Facts(), 2, 2, Terms)));
        Assert.Equal([AwardRules.NoReport], Codes(AwardRules.CheckPublish(At(LifecycleStep.Evaluation), Facts(), 3, 2, Terms)));
        Assert.Equal([AwardRules.PublicityExists], Codes(AwardRules.CheckPublish(At(LifecycleStep.CandidatePublicity), Facts(Publicity(Now)), 3, 2, Terms)));
        Assert.Equal([AwardRules.NoCandidates], Codes(AwardRules.CheckPublish(At(LifecycleStep.EvaluationReport), Facts(), 3, 0, Terms)));
        // A longer publicity is a configuration: five days' minimum refuses four.
        Assert.Equal([AwardRules.PublicityDays], Codes(AwardRules.CheckPublish(At(LifecycleStep.EvaluationReport), Facts(), 4, 2, Terms with { MinPublicityDays = 5 })));
    }

    [Fact]
    public void An_objection_comes_from_a_bidder_during_the_publicity_only()
    {
        var f = Facts(Publicity(Now));
        Assert.Empty(AwardRules.CheckObjection(f, true, "第二名的报价计算有误。", Now.AddDays(1)));
        Assert.Equal([AwardRules.NotBidder], Codes(AwardRules.CheckObjection(f, false, "第二名的报价计算有误。", Now.AddDays(1))));
        Assert.Equal([AwardRules.OutsidePublicity], Codes(AwardRules.CheckObjection(f, true, "第二名的报价计算有误。", Now.AddDays(3))));
        Assert.Equal([AwardRules.OutsidePublicity], Codes(AwardRules.CheckObjection(f, true, "第二名的报价计算有误。", Now.AddMinutes(-1))));
        Assert.Equal([AwardRules.NoPublicity], Codes(AwardRules.CheckObjection(Facts(), true, "第二名的报价计算有误。", Now)));
        Assert.Equal([AwardRules.TextLength], Codes(AwardRules.CheckObjection(f, true, "短", Now.AddDays(1))));
        Assert.Equal(Now.AddDays(3), AwardRules.ObjectionAnswerDue(Now, Terms));
    }

    [Fact]
    public void An_objection_is_answered_once()
    {
        var o = new Objection();
        Assert.Empty(AwardRules.CheckAnswer(o, "经复核，报价计算无误。"));
        o.AnsweredAt = Now;
        Assert.Equal([AwardRules.ObjectionAnswered], Codes(AwardRules.CheckAnswer(o, "经复核，报价计算无误。")));
    }

    [Fact]
    public void A_complaint_within_ten_days_of_knowing_and_a_decision_due_thirty_working_days_later()
    {
        var today = new DateOnly(2026, 12, 1);
        Assert.Empty(AwardRules.CheckComplaint(true, today.AddDays(-10), today, "异议答复不能令人信服。", Terms));
        Assert.Equal([AwardRules.ComplaintLate], Codes(AwardRules.CheckComplaint(true, today.AddDays(-11), today, "异议答复不能令人信服。", Terms)));
        Assert.Equal([AwardRules.ComplaintKnewInFuture], Codes(AwardRules.CheckComplaint(true, today.AddDays(1), today, "异议答复不能令人信服。", Terms)));
        Assert.Equal([AwardRules.NotBidder], Codes(AwardRules.CheckComplaint(false, today, today, "异议答复不能令人信服。", Terms)));
        // Lodged Tue 1 Dec 2026: 30 working days skip weekends and the New Year holiday (1-3 Jan 2027 per the calendar file).
        var cal = WorkingCalendar.Default();
        var due = AwardRules.ComplaintDecisionDue(today, cal, Terms);
        var count = 0;
        for (var d = today.AddDays(1); d <= due; d = d.AddDays(1)) if (cal.IsWorkingDay(d)) count++;
        Assert.Equal(30, count);
        Assert.True(cal.IsWorkingDay(due));
        Assert.True(due.DayNumber - today.DayNumber >= 42);
    }

    [Fact]
    public void Suspension_and_decision_follow_the_complaint()
    {
        var c = new Complaint();
        Assert.Empty(AwardRules.CheckSuspend(c, true));
        Assert.Equal([AwardRules.NotSuspended], Codes(AwardRules.CheckSuspend(c, false)));
        c.SuspendedAt = Now;
        Assert.True(c.Suspends);
        Assert.Equal([AwardRules.AlreadySuspended], Codes(AwardRules.CheckSuspend(c, true)));
        Assert.Equal([AwardRules.OutcomeMissing], Codes(AwardRules.CheckDecision(c, null, "投诉缺乏事实根据，驳回。")));
        Assert.Empty(AwardRules.CheckDecision(c, ComplaintOutcome.Dismissed, "投诉缺乏事实根据，驳回。"));
        c.DecidedAt = Now;
        Assert.Equal([AwardRules.ComplaintDecided], Codes(AwardRules.CheckDecision(c, ComplaintOutcome.Upheld, "投诉缺乏事实根据，驳回。")));
        Assert.Equal([AwardRules.ComplaintDecided], Codes(AwardRules.CheckSuspend(c, false)));
    }

    [Fact]
    public void No_award_during_publicity_with_an_objection_open_or_while_suspended()
    {
        var p = Publicity(Now);
        var first = p.Candidates[0];
        var second = p.Candidates[1];
        var after = p.EndsAt;
        var t = At(LifecycleStep.Objections);
        Assert.Empty(AwardRules.CheckAward(t, Facts(p), Lot, first, null, after));
        Assert.Equal([AwardRules.PublicityRunning], Codes(AwardRules.CheckAward(t, Facts(p), Lot, first, null, after.AddTicks(-1))));
        Assert.Equal([AwardRules.ObjectionOpen], Codes(AwardRules.CheckAward(t, Facts(p, o: [new Objection()]), Lot, first, null, after)));
        Assert.Empty(AwardRules.CheckAward(t, Facts(p, o: [new Objection { AnsweredAt = Now }]), Lot, first, null, after));
        Assert.Equal([AwardRules.Suspended], Codes(AwardRules.CheckAward(t, Facts(p, c: [new Complaint { SuspendedAt = Now }]), Lot, first, null, after)));
        Assert.Empty(AwardRules.CheckAward(t, Facts(p, c: [new Complaint { SuspendedAt = Now, ResumedAt = Now }]), Lot, first, null, after));
        Assert.Equal([AwardRules.ReasonRequired], Codes(AwardRules.CheckAward(t, Facts(p), Lot, second, null, after)));
        Assert.Empty(AwardRules.CheckAward(t, Facts(p), Lot, second, "第一中标候选人放弃中标（实施条例第五十五条）。", after));
        Assert.Equal([AwardRules.NotCandidate], Codes(AwardRules.CheckAward(t, Facts(p), Lot, null, null, after)));
        Assert.Equal([AwardRules.AlreadyAwarded], Codes(AwardRules.CheckAward(t, Facts(p, a: [new LotAward { LotId = Lot }]), Lot, first, null, after)));
    }

    [Fact]
    public void A_contract_for_an_awarded_lot_once_and_a_warning_when_terms_differ()
    {
        var award = new LotAward { LotId = Lot, PriceFen = 900_000_00, DurationDays = 180, AwardedAt = Now };
        var day = DateOnly.FromDateTime(Now);
        Assert.Empty(AwardRules.CheckContract(Facts(), award, 900_000_00, 180, day, day, day));
        Assert.Equal([AwardRules.NotAwarded], Codes(AwardRules.CheckContract(Facts(), null, 900_000_00, 180, day, day, day)));
        Assert.Equal([AwardRules.Suspended], Codes(AwardRules.CheckContract(Facts(c: [new Complaint { SuspendedAt = Now }]), award, 900_000_00, 180, day, day, day)));
        Assert.Equal([AwardRules.ContractExists], Codes(AwardRules.CheckContract(Facts(k: [new LotContract { LotId = Lot }]), award, 900_000_00, 180, day, day, day)));
        Assert.Equal([AwardRules.ContractTerms], Codes(AwardRules.CheckContract(Facts(), award, 0, 180, day, day, day)));
        Assert.Equal([AwardRules.ContractSignedOn], Codes(AwardRules.CheckContract(Facts(), award, 900_000_00, 180, day.AddDays(-1), day, day)));
        Assert.False(AwardRules.Differs(award, 900_000_00, 180));
        Assert.True(AwardRules.Differs(award, 900_000_01, 180));
        Assert.True(AwardRules.Differs(award, 900_000_00, 200));
    }

    [Fact]
    public void A_refund_is_the_bond_once_per_bid_after_the_contract()
    {
        var bid = Guid.NewGuid();
        var day = new DateOnly(2026, 12, 5);
        var contract = new LotContract { LotId = Lot, SignedOn = day.AddDays(-1) };
        var f = Facts(k: [contract]);
        Assert.Empty(AwardRules.CheckRefund(f, bid, Lot, 20_000_00, 20_000_00, 35_12, day, day));
        Assert.Equal([AwardRules.NoContract], Codes(AwardRules.CheckRefund(Facts(), bid, Lot, 20_000_00, 20_000_00, 0, day, day)));
        Assert.Equal([AwardRules.RefundAmount], Codes(AwardRules.CheckRefund(f, bid, Lot, 20_000_00, 19_000_00, 0, day, day)));
        Assert.Equal([AwardRules.RefundInterest], Codes(AwardRules.CheckRefund(f, bid, Lot, 20_000_00, 20_000_00, -1, day, day)));
        Assert.Equal([AwardRules.RefundDate], Codes(AwardRules.CheckRefund(f, bid, Lot, 20_000_00, 20_000_00, 0, day.AddDays(1), day)));
        Assert.Equal([AwardRules.RefundTwice], Codes(AwardRules.CheckRefund(Facts(k: [contract], r: [new BondRefund { BidId = bid }]), bid, Lot, 20_000_00, 20_000_00, 0, day, day)));
    }

    [Fact]
    public void The_steps_14_to_18_are_done_as_their_acts_are_recorded()
    {
        var p = Publicity(Now);
        var bids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        LifecycleStep[] Done(AwardFacts f, DateTime at) => AwardRules.Done(f, [Lot], bids, at).ToArray();
        Assert.Empty(Done(Facts(), Now));
        Assert.Equal([LifecycleStep.CandidatePublicity], Done(Facts(p), Now));
        Assert.Equal([LifecycleStep.CandidatePublicity], Done(Facts(p, o: [new Objection()]), p.EndsAt));
        Assert.Equal([LifecycleStep.CandidatePublicity, LifecycleStep.Objections], Done(Facts(p), p.EndsAt));
        var a = new[] { new LotAward { LotId = Lot } };
        var k = new[] { new LotContract { LotId = Lot } };
        Assert.Equal(3, Done(Facts(p, a: a), p.EndsAt).Length);
        Assert.Equal(4, Done(Facts(p, a: a, k: k), p.EndsAt).Length);
        Assert.Equal(4, Done(Facts(p, a: a, k: k, r: [new BondRefund { BidId = bids[0] }]), p.EndsAt).Length);
        Assert.Equal(LifecycleStep.BondRefundAndArchive,
            Done(Facts(p, a: a, k: k, r: [new BondRefund { BidId = bids[0] }, new BondRefund { BidId = bids[1] }]), p.EndsAt).Last());
    }
}
