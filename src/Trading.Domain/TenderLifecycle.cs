namespace Trading.Domain;

/// <summary>Facts about a tender that live outside the Tender row, gathered by the caller for a check.</summary>
public sealed record LifecycleContext(DateTime NowUtc, TenderRules Rules, int ValidBidCount = 0);

/// <summary>
/// The 18-step lifecycle as an explicit state machine. Every precondition of every step lives here,
/// in one table, so a refusal always names its rule. Steps 4 to 7 (obtaining documents, clarifications,
/// bid bond, submission) run side by side during the bidding period: a published tender stays at
/// step 3 until the deadline closes the period, and the UI shows 4 to 7 as running.
/// </summary>
public static class TenderLifecycle
{
    private sealed record Transition(LifecycleStep From, LifecycleStep To, Func<Tender, LifecycleContext, IEnumerable<RuleViolation>> Preconditions);

    private static readonly Transition[] Table =
    [
        new(LifecycleStep.ProjectRegistration, LifecycleStep.DocumentsFiled, (t, c) =>
            t.Documents.Any(d => !d.Superseded) ? TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)
                : [new RuleViolation(RuleCodes.NoDocuments), .. TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)]),
        new(LifecycleStep.DocumentsFiled, LifecycleStep.NoticePublished, (t, c) =>
            TenderValidation.ValidateTerms(t, c.NowUtc, c.Rules)),
        new(LifecycleStep.NoticePublished, LifecycleStep.BidDeadline, (t, c) =>
            c.NowUtc >= t.BidDeadline ? [] : [new RuleViolation(RuleCodes.DeadlineNotPassed, t.BidDeadline)]),
        new(LifecycleStep.BidDeadline, LifecycleStep.ExpertDraw, (_, _) => []),
        new(LifecycleStep.ExpertDraw, LifecycleStep.BidOpening, (t, c) =>
            c.ValidBidCount >= c.Rules.MinBidsToOpen ? [] : [new RuleViolation(RuleCodes.NotEnoughBids, c.ValidBidCount, c.Rules.MinBidsToOpen)]),
        .. Enumerable.Range((int)LifecycleStep.BidOpening, (int)LifecycleStep.BondRefundAndArchive - (int)LifecycleStep.BidOpening)
            .Select(s => new Transition((LifecycleStep)s, (LifecycleStep)(s + 1), (_, _) => [])),
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
            return [new RuleViolation(RuleCodes.StepLocked, t.LockedReason)];
        if (t.Failed)
            return [new RuleViolation(RuleCodes.WrongStep, (int)t.Step, (int)to)];
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

    /// <summary>Is this step running, done or still ahead for the tender? For the progress bar.</summary>
    public static StepState StateOf(Tender t, LifecycleStep step, DateTime nowUtc)
    {
        if (t.Step == LifecycleStep.NoticePublished && BiddingPeriodSteps.Contains(step))
            return nowUtc < t.BidDeadline ? StepState.Running : StepState.Done;
        if (step < t.Step) return StepState.Done;
        if (step == t.Step) return t.LockedReason is null ? StepState.Current : StepState.Locked;
        return StepState.Ahead;
    }
}

public enum StepState { Ahead, Current, Running, Done, Locked }
