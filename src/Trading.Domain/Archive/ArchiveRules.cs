namespace Trading.Domain.Archive;

/// <summary>
/// When a tender may be archived (电子档案, step 18) and who may take its package: the rules of docs/archive-format.md
/// and docs/design/EVALUATION.md "Award, contract, refund, archive" in one place. Pure.
/// </summary>
public static class ArchiveRules
{
    public const string NotFinished = "Rule.Archive.NotFinished";
    public const string AlreadyArchived = "Rule.Archive.AlreadyArchived";
    public const string NotArchived = "Rule.Archive.NotArchived";
    public const string AwaitingCosignature = "Rule.Archive.AwaitingCosignature";
    public const string NotAllowed = "Rule.Archive.NotAllowed";
    public const string RefundsOutstanding = "Rule.Archive.RefundsOutstanding";
    /// <summary>Open data asked for a tender that is not published (or does not exist: the same answer).</summary>
    public const string OcdsNotPublished = "Rule.OpenData.NotPublished";

    /// <summary>Default years to keep a package (configuration <c>Archive:RetentionYears</c>).</summary>
    public const int DefaultRetentionYears = 30;

    /// <summary>
    /// Why the tender may not be archived now; null when it may. A failed tender (流标) is archived once it has failed;
    /// one that ran its course only at step 18 with every bond refund recorded. A locked tender waits for the supervisor.
    /// </summary>
    public static RuleViolation? CheckArchive(Tender t, bool alreadyArchived, bool refundsComplete)
    {
        if (alreadyArchived) return new RuleViolation(AlreadyArchived, t.Code);
        if (t.LockedReason is not null) return BiddingPeriod.Locked(t);
        if (t.Failed) return null;
        if (t.Step != LifecycleStep.BondRefundAndArchive) return new RuleViolation(NotFinished, (int)t.Step);
        return refundsComplete ? null : new RuleViolation(RefundsOutstanding);
    }

    /// <summary>Who may take the package: the tender's owner side and the oversight offices (the centre, supervision).</summary>
    public static bool MayDownload(bool ownerSide, bool oversight) => ownerSide || oversight;

    /// <summary>
    /// OCDS and the public portal may say how many bid only once the bids are opened, or the tender failed (the deadline's
    /// log entry already states the count then): before it nothing may tell who or how many bid (Bidding Law art. 22).
    /// </summary>
    public static bool MayShowBidCount(Tender t, DateTime nowUtc, bool opened) =>
        nowUtc >= t.BidDeadline && (opened || t.Failed);
}
