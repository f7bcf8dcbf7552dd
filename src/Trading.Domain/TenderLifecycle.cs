namespace Trading.Domain;

/// <summary>
/// Facts about a tender that live outside the Tender row, gathered by the caller for a check.
/// <see cref="Done"/> holds the steps whose act has been recorded (the committee drawn, the bids opened, every member
/// checked in, ...): a step is reached only when its own act is done, whatever order the acts happened in.
/// </summary>
public sealed record LifecycleContext(DateTime NowUtc, TenderRules Rules, int ValidBidCount = 0)
{
    public IReadOnlySet<LifecycleStep> Done { get; init; } = new HashSet<LifecycleStep>();
}

/// <summary>
/// The 18-step lifecycle as an explicit state machine. Every precondition of every step lives here,
/// in one table, so a refusal always names its rule. Steps 4 to 7 (obtaining documents, clarifications,
/// bid bond, submission) run side by side during the bidding period: a published tender stays at
/// step 3 until the deadline closes the period, and the UI shows 4 to 7 as running.
/// From step 8 on the tender moves when the act of the next step is done (<see cref="Advance"/>): the draw may
/// happen before the deadline and the opening before the draw is complete, yet the step shown is always the
/// furthest one reached in order.
/// </summary>
public static class TenderLifecycle
{
    private sealed record Transition(LifecycleStep From, LifecycleStep To, Func<Tender, LifecycleContext, IEnumerable<RuleViolation>> Preconditions);

    private static IEnumerable<RuleViolation> Needs(LifecycleContext c, LifecycleStep step, string rule) =>
        c.Done.Contains(step) ? [] : [new RuleViolation(rule, (int)step)];

    private static readonly Transition[] Table =
    [
        new(LifecycleStep.ProjectRegistration, LifecycleStep.DocumentsFiled, (t, c) =>
            t.Documents.Any(d => !d.Superseded) ? TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)
                : [new RuleViolation(RuleCodes.NoDocuments), .. TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)]),
        new(LifecycleStep.DocumentsFiled, LifecycleStep.NoticePublished, (t, c) =>
            TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)),
        // The deadline move (closes bidding, freezes the bids, applies Regulations art. 44 per lot): only at or after the deadline.
        new(LifecycleStep.NoticePublished, LifecycleStep.BidDeadline, (t, c) =>
            c.NowUtc >= t.BidDeadline ? [] : [new RuleViolation(RuleCodes.DeadlineNotPassed, t.BidDeadline)]),
        new(LifecycleStep.BidDeadline, LifecycleStep.ExpertDraw, (_, c) => Needs(c, LifecycleStep.ExpertDraw, RuleCodes.CommitteeNotDrawn)),
        new(LifecycleStep.ExpertDraw, LifecycleStep.BidOpening, (_, c) =>
            c.ValidBidCount < c.Rules.MinBidsToOpen ? [new RuleViolation(RuleCodes.NotEnoughBids, c.ValidBidCount, c.Rules.MinBidsToOpen)]
                : Needs(c, LifecycleStep.BidOpening, RuleCodes.BidsNotOpened)),
        new(LifecycleStep.BidOpening, LifecycleStep.ExpertCheckIn, (_, c) => Needs(c, LifecycleStep.ExpertCheckIn, RuleCodes.NotCheckedIn)),
        // Steps 12 to 18: each reached when its own act is recorded (evaluation, report, publicity, ...).
        .. Enumerable.Range((int)LifecycleStep.ExpertCheckIn, (int)LifecycleStep.BondRefundAndArchive - (int)LifecycleStep.ExpertCheckIn)
            .Select(s => new Transition((LifecycleStep)s, (LifecycleStep)(s + 1), (_, c) => Needs(c, (LifecycleStep)(s + 1), RuleCodes.StepNotDone))),
    ];

    /// <summary>Steps that run during the bidding period while the tender is at step 3.</summary>
    public static readonly LifecycleStep[] BiddingPeriodSteps =
        [LifecycleStep.DocumentsObtained, LifecycleStep.Clarifications, LifecycleStep.BidBond, LifecycleStep.BidSubmission];

    /// <summary>The step the tender may move to next, if any.</summary>
    public static LifecycleStep? Next(LifecycleStep from) => Table.FirstOrDefault(x => x.From == from)?.To;

    /// <summary>All reasons the move is refused; empty when it is allowed.</summary>
    public static IReadOnlyList<RuleViolation> Check(Tender t, LifecycleStep to, LifecycleContext ctx)
    {
        if (t.LockedReason is not null)
            return [BiddingPeriod.Locked(t)];
        if (t.Failed)
            return [BiddingPeriod.Failed(t)];
        var tr = Table.FirstOrDefault(x => x.From == t.Step && x.To == to);
        if (tr is null)
            return [new RuleViolation(RuleCodes.WrongStep, (int)t.Step, (int)to)];
        return tr.Preconditions(t, ctx).ToList();
    }

    /// <summary>Checks and applies the move; throws with the first violation and leaves the tender unchanged when refused.</summary>
    public static StepTransition Apply(Tender t, LifecycleStep to, LifecycleContext ctx, Guid actorId, string actorName, string? ip, string? note = null)
    {
        var errors = Check(t, to, ctx);
        if (errors.Count > 0)
            throw new RuleViolationException(errors[0]);
        var transition = new StepTransition
        {
            TenderId = t.Id, From = t.Step, To = to, ActorUserId = actorId, ActorName = actorName,
            At = ctx.NowUtc, IpAddress = ip, Note = note,
        };
        t.Step = to;
        t.Transitions.Add(transition);
        return transition;
    }

    /// <summary>
    /// Moves the tender from step 8 on as far as the recorded acts allow, one step at a time through the table; stops
    /// at the first step whose act is not done yet (that is not a refusal: the step is simply still running).
    /// Never moves a locked or failed tender, nor one still in its bidding period (the deadline move does that).
    /// </summary>
    public static IReadOnlyList<StepTransition> Advance(Tender t, LifecycleContext ctx, Guid actorId, string actorName, string? ip)
    {
        var moves = new List<StepTransition>();
        while (t.Step >= LifecycleStep.BidDeadline && Next(t.Step) is { } next && Check(t, next, ctx).Count == 0)
            moves.Add(Apply(t, next, ctx, actorId, actorName, ip));
        return moves;
    }

    /// <summary>
    /// A broken rule locks the current step: nothing moves the tender until a supervisor unlocks it. The rule and the
    /// reason are kept on the tender and shown to everyone who works on it.
    /// </summary>
    public static void Lock(Tender t, RuleViolation rule, string reason, DateTime nowUtc)
    {
        if (t.LockedReason is not null) throw new RuleViolationException(new RuleViolation(RuleCodes.AlreadyLocked, BiddingPeriod.Decode(t.LockedReason)!));
        if (string.IsNullOrWhiteSpace(reason)) throw new RuleViolationException(new RuleViolation(RuleCodes.LockReasonRequired));
        t.LockedReason = BiddingPeriod.Encode(rule);
        t.LockNote = reason.Trim();
        t.LockedAt = nowUtc;
    }

    /// <summary>Only a supervisor unlocks, with a written reason (the caller logs it in the same transaction).</summary>
    public static void Unlock(Tender t, bool bySupervisor, string? reason)
    {
        if (!bySupervisor) throw new RuleViolationException(new RuleViolation(RuleCodes.LockOnlySupervisor));
        if (t.LockedReason is null) throw new RuleViolationException(new RuleViolation(RuleCodes.NotLocked));
        if (string.IsNullOrWhiteSpace(reason)) throw new RuleViolationException(new RuleViolation(RuleCodes.LockReasonRequired));
        t.LockedReason = null;
        t.LockNote = null;
        t.LockedAt = null;
    }

    /// <summary>Is this step running, done or still ahead for the tender? For the progress bar.</summary>
    public static StepState StateOf(Tender t, LifecycleStep step, DateTime nowUtc)
    {
        if (t.Step == LifecycleStep.NoticePublished && BiddingPeriodSteps.Contains(step))
            return nowUtc < t.BidDeadline && !t.Failed && t.LockedReason is null ? StepState.Running : StepState.Done;
        if (step < t.Step) return StepState.Done;
        if (step == t.Step) return t.Failed ? StepState.Failed : t.LockedReason is null ? StepState.Current : StepState.Locked;
        return StepState.Ahead;
    }
}

public enum StepState { Ahead, Current, Running, Done, Locked, Failed }
