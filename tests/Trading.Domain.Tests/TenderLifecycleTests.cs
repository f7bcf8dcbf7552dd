using Trading.Domain;

namespace Trading.Domain.Tests;

public class TenderLifecycleTests
{
    private static readonly DateTime Now = new(2026, 11, 22, 2, 0, 0, DateTimeKind.Utc);
    private static LifecycleContext Ctx(DateTime? now = null, int bids = 0) => new(now ?? Now, TenderRules.Default, bids);

    private static Tender Registered() => new()
    {
        Title = "T", BidDeadline = Now.AddDays(25), OpeningTime = Now.AddDays(25),
        Lots = [new Lot { Number = 1, EstimatedPriceFen = 1_000_000, BidBondFen = 10_000 }],
    };

    [Fact]
    public void Filing_needs_a_document_and_changes_nothing_when_refused()
    {
        var t = Registered();
        var version = t.Version;
        var e = Assert.Throws<RuleViolationException>(() => TenderLifecycle.Apply(t, LifecycleStep.DocumentsFiled, Ctx(), Guid.NewGuid(), "u", null));
        Assert.Equal(RuleCodes.NoDocuments, e.Violation.Code);
        Assert.Equal(LifecycleStep.ProjectRegistration, t.Step);
        Assert.Equal(version, t.Version);
        Assert.Empty(t.Transitions);
    }

    [Fact]
    public void The_happy_path_records_every_transition_with_actor_time_and_ip()
    {
        var t = Registered();
        t.Documents.Add(new TenderDocument { FileName = "a.pdf" });
        var actor = Guid.NewGuid();
        TenderLifecycle.Apply(t, LifecycleStep.DocumentsFiled, Ctx(), actor, "owner", "10.0.0.1");
        TenderLifecycle.Apply(t, LifecycleStep.NoticePublished, Ctx(), actor, "owner", "10.0.0.1");
        Assert.Equal(LifecycleStep.NoticePublished, t.Step);
        Assert.Equal(2, t.Transitions.Count);
        Assert.All(t.Transitions, x => { Assert.Equal(actor, x.ActorUserId); Assert.Equal("10.0.0.1", x.IpAddress); Assert.Equal(Now, x.At); });
    }

    [Fact]
    public void Skipping_a_step_is_refused_naming_both_steps()
    {
        var t = Registered();
        var v = TenderLifecycle.Check(t, LifecycleStep.NoticePublished, Ctx());
        Assert.Equal(RuleCodes.WrongStep, v.Single().Code);
        Assert.Equal([1, 3], v.Single().Args.Cast<int>());
    }

    [Fact]
    public void Bidding_closes_only_after_the_deadline()
    {
        var t = Registered();
        t.Step = LifecycleStep.NoticePublished;
        Assert.Equal(RuleCodes.DeadlineNotPassed, TenderLifecycle.Check(t, LifecycleStep.BidDeadline, Ctx(t.BidDeadline.AddSeconds(-1))).Single().Code);
        Assert.Empty(TenderLifecycle.Check(t, LifecycleStep.BidDeadline, Ctx(t.BidDeadline)));
    }

    [Fact]
    public void Opening_needs_three_valid_bids()
    {
        var t = Registered();
        t.Step = LifecycleStep.ExpertDraw;
        Assert.Equal(RuleCodes.NotEnoughBids, TenderLifecycle.Check(t, LifecycleStep.BidOpening, Ctx(bids: 2)).Single().Code);
        Assert.Equal(RuleCodes.BidsNotOpened, TenderLifecycle.Check(t, LifecycleStep.BidOpening, Ctx(bids: 3)).Single().Code);
        Assert.Empty(TenderLifecycle.Check(t, LifecycleStep.BidOpening, Ctx(bids: 3) with { Done = new HashSet<LifecycleStep> { LifecycleStep.BidOpening } }));
    }

    [Fact]
    public void A_locked_step_refuses_every_move_with_its_reason()
    {
        var t = Registered();
        t.Documents.Add(new TenderDocument());
        TenderLifecycle.Lock(t, new RuleViolation("Regulations art. 26"), "bond over limit", Now);
        var v = TenderLifecycle.Check(t, LifecycleStep.DocumentsFiled, Ctx()).Single();
        Assert.Equal(RuleCodes.StepLocked, v.Code);
        Assert.Equal("Regulations art. 26", ((RuleViolation)v.Args[0]).Code);
        Assert.Equal("bond over limit", v.Args[1]);
    }

    [Fact]
    public void Every_step_but_the_last_has_a_next_step_in_order()
    {
        foreach (var s in Enum.GetValues<LifecycleStep>().Where(s => s < LifecycleStep.BondRefundAndArchive && !TenderLifecycle.BiddingPeriodSteps.Contains(s)))
        {
            var next = TenderLifecycle.Next(s);
            Assert.NotNull(next);
            Assert.True(next > s);
        }
        Assert.Null(TenderLifecycle.Next(LifecycleStep.BondRefundAndArchive));
    }

    [Fact]
    public void Bidding_period_steps_run_while_published_and_before_the_deadline()
    {
        var t = Registered();
        t.Step = LifecycleStep.NoticePublished;
        Assert.Equal(StepState.Running, TenderLifecycle.StateOf(t, LifecycleStep.BidSubmission, Now));
        Assert.Equal(StepState.Done, TenderLifecycle.StateOf(t, LifecycleStep.BidSubmission, t.BidDeadline));
        Assert.Equal(StepState.Ahead, TenderLifecycle.StateOf(t, LifecycleStep.BidOpening, Now));
        Assert.Equal(StepState.Current, TenderLifecycle.StateOf(t, LifecycleStep.NoticePublished, Now));
    }
}
