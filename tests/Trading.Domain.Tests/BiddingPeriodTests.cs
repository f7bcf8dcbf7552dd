using Trading.Domain;

namespace Trading.Domain.Tests;

/// <summary>The bidding period's one set of checks, and the moves from the deadline on.</summary>
public class BiddingPeriodTests
{
    private static readonly DateTime Deadline = new(2026, 12, 20, 1, 30, 0, DateTimeKind.Utc);

    private static Tender Published(int lots = 1)
    {
        var t = new Tender { Title = "T", Step = LifecycleStep.NoticePublished, BidDeadline = Deadline, OpeningTime = Deadline };
        for (var i = 1; i <= lots; i++) t.Lots.Add(new Lot { Number = i, EstimatedPriceFen = 1_000_000, BidBondFen = 10_000 });
        return t;
    }

    private static Organisation Firm(FirmStatus status = FirmStatus.Approved) => new() { Kind = OrganisationKind.BidderFirm, Status = status };

    [Fact]
    public void Bidding_is_open_until_the_deadline_instant_whether_or_not_the_move_has_run()
    {
        var t = Published();
        Assert.Null(BiddingPeriod.Open(t, Deadline.AddTicks(-1)));
        Assert.Equal(RuleCodes.DeadlinePassed, BiddingPeriod.Open(t, Deadline)!.Code);
        t.Step = LifecycleStep.BidDeadline;
        Assert.Equal(RuleCodes.DeadlinePassed, BiddingPeriod.Open(t, Deadline.AddDays(-1))!.Code);
    }

    [Fact]
    public void May_bid_asks_in_order_period_suspension_approval_documents_and_key()
    {
        var t = Published();
        var before = Deadline.AddHours(-1);
        var suspended = new RuleViolation(RuleCodes.FirmSuspended, "2026-001", Deadline.AddDays(30), "2026-001");
        Assert.Null(BiddingPeriod.MayBid(t, Firm(), null, true, true, before));
        Assert.Equal(RuleCodes.FirmSuspended, BiddingPeriod.MayBid(t, Firm(), suspended, true, true, before)!.Code);
        Assert.Equal(RuleCodes.FirmNotApproved, BiddingPeriod.MayBid(t, Firm(FirmStatus.Pending), null, true, true, before)!.Code);
        Assert.Equal(RuleCodes.DocumentsNotObtained, BiddingPeriod.MayBid(t, Firm(), null, false, true, before)!.Code);
        Assert.Equal(RuleCodes.CeremonyNotComplete, BiddingPeriod.MayBid(t, Firm(), null, true, false, before)!.Code);
        Assert.Equal(RuleCodes.DeadlinePassed, BiddingPeriod.MayBid(t, Firm(), suspended, true, true, Deadline)!.Code);
    }

    [Fact]
    public void The_copy_of_a_suspension_on_the_firm_is_not_a_second_source_of_truth()
    {
        var firm = Firm();
        firm.SuspendedUntil = Deadline.AddDays(10);
        firm.SuspensionReason = "stale copy";
        Assert.Null(BiddingPeriod.MayObtainDocuments(Published(), firm, null, Deadline.AddHours(-1)));
    }

    [Fact]
    public void No_postponement_at_or_after_the_deadline_and_never_earlier()
    {
        var t = Published();
        Assert.Null(BiddingPeriod.MayPostpone(t, Deadline.AddDays(7), Deadline.AddMilliseconds(-1)));
        Assert.Equal(RuleCodes.DeadlinePassed, BiddingPeriod.MayPostpone(t, Deadline.AddDays(7), Deadline)!.Code);
        Assert.Equal(RuleCodes.DeadlinePassed, BiddingPeriod.MayPostpone(t, Deadline.AddDays(7), Deadline.AddMilliseconds(100))!.Code);
        Assert.Equal(RuleCodes.PostponeEarlier, BiddingPeriod.MayPostpone(t, Deadline, Deadline.AddDays(-1))!.Code);
    }

    [Fact]
    public void Minimum_bids_apply_per_lot_and_the_tender_fails_only_when_every_lot_does()
    {
        var t = Published(lots: 2);
        var counts = new Dictionary<Guid, int> { [t.Lots[0].Id] = 3, [t.Lots[1].Id] = 2 };
        var failed = BiddingPeriod.ApplyMinimumBids(t, counts, TenderRules.Default);
        Assert.Equal([2], failed.Select(l => l.Number));
        Assert.False(t.Failed);
        Assert.Null(t.Lots[0].FailedReason);
        Assert.Equal(new RuleViolation(RuleCodes.NotEnoughBids, "2", "3").ToString(), BiddingPeriod.Decode(t.Lots[1].FailedReason)!.ToString());

        var all = Published(lots: 2);
        BiddingPeriod.ApplyMinimumBids(all, new Dictionary<Guid, int> { [all.Lots[0].Id] = 1 }, TenderRules.Default);
        Assert.True(all.Failed);
        Assert.Equal(RuleCodes.NotEnoughBidsLots, BiddingPeriod.Decode(all.FailedReason)!.Code);

        var one = Published();
        BiddingPeriod.ApplyMinimumBids(one, new Dictionary<Guid, int> { [one.Lots[0].Id] = 1 }, TenderRules.Default);
        Assert.True(one.Failed);
        Assert.Equal(["1", "3"], BiddingPeriod.Decode(one.FailedReason)!.Args.Cast<string>());
    }

    [Fact]
    public void A_configured_minimum_is_the_one_applied()
    {
        var t = Published();
        BiddingPeriod.ApplyMinimumBids(t, new Dictionary<Guid, int> { [t.Lots[0].Id] = 2 }, TenderRules.Default with { MinBidsToOpen = 2 });
        Assert.False(t.Failed);
    }

    [Fact]
    public void From_the_deadline_the_tender_moves_only_as_far_as_the_acts_done_in_order()
    {
        var t = Published();
        t.Step = LifecycleStep.BidDeadline;
        var ctx = new LifecycleContext(Deadline.AddHours(1), TenderRules.Default, 3) { Done = new HashSet<LifecycleStep> { LifecycleStep.BidOpening } };
        // Opened but not drawn: stays at the deadline step.
        Assert.Empty(TenderLifecycle.Advance(t, ctx, Guid.Empty, "system", null));
        Assert.Equal(LifecycleStep.BidDeadline, t.Step);
        ctx = ctx with { Done = new HashSet<LifecycleStep> { LifecycleStep.BidOpening, LifecycleStep.ExpertDraw } };
        var moves = TenderLifecycle.Advance(t, ctx, Guid.Empty, "system", null);
        Assert.Equal([LifecycleStep.ExpertDraw, LifecycleStep.BidOpening], moves.Select(m => m.To));
        Assert.Equal(LifecycleStep.BidOpening, t.Step);
        // Nothing beyond: evaluation is its own act.
        Assert.Empty(TenderLifecycle.Advance(t, ctx with { Done = new HashSet<LifecycleStep> { LifecycleStep.ExpertDraw, LifecycleStep.BidOpening, LifecycleStep.Evaluation } }, Guid.Empty, "system", null));
    }

    [Fact]
    public void Failed_and_locked_tenders_do_not_move_and_only_a_supervisor_unlocks_with_a_reason()
    {
        var ctx = new LifecycleContext(Deadline.AddHours(1), TenderRules.Default, 3) { Done = new HashSet<LifecycleStep> { LifecycleStep.ExpertDraw } };
        var failed = Published();
        failed.Step = LifecycleStep.BidDeadline;
        failed.Failed = true;
        failed.FailedReason = BiddingPeriod.Encode(new RuleViolation(RuleCodes.NotEnoughBids, 1, 3));
        Assert.Empty(TenderLifecycle.Advance(failed, ctx, Guid.Empty, "system", null));
        Assert.Equal(RuleCodes.TenderFailed, TenderLifecycle.Check(failed, LifecycleStep.ExpertDraw, ctx).Single().Code);

        var t = Published();
        t.Step = LifecycleStep.BidDeadline;
        TenderLifecycle.Lock(t, new RuleViolation("Regulations art. 40"), "identical files", Deadline);
        Assert.Empty(TenderLifecycle.Advance(t, ctx, Guid.Empty, "system", null));
        Assert.Equal(StepState.Locked, TenderLifecycle.StateOf(t, LifecycleStep.BidDeadline, Deadline));
        Assert.Equal(RuleCodes.AlreadyLocked, Assert.Throws<RuleViolationException>(() => TenderLifecycle.Lock(t, new RuleViolation("x"), "y", Deadline)).Violation.Code);
        Assert.Equal(RuleCodes.LockOnlySupervisor, Assert.Throws<RuleViolationException>(() => TenderLifecycle.Unlock(t, false, "fine")).Violation.Code);
        Assert.Equal(RuleCodes.LockReasonRequired, Assert.Throws<RuleViolationException>(() => TenderLifecycle.Unlock(t, true, " ")).Violation.Code);
        TenderLifecycle.Unlock(t, true, "checked: same template from the centre");
        Assert.Null(t.LockedReason);
        Assert.Equal([LifecycleStep.ExpertDraw], TenderLifecycle.Advance(t, ctx, Guid.Empty, "system", null).Select(m => m.To));
    }
}
