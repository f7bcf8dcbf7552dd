namespace Trading.Domain;

/// <summary>
/// The bidding period's rules, written once: who may act on a tender while it is open for bids, what the deadline
/// freezes, and what failing the minimum-bids rule means per lot. Every service, page and view asks here instead of
/// comparing the clock with the deadline itself, so a page never offers what the service would refuse.
/// </summary>
public static class BiddingPeriod
{
    /// <summary>
    /// Is the tender open for bidder acts (obtaining documents, submitting, withdrawing) at this instant? Closed from the
    /// deadline on, whether or not the deadline move has run yet: the server clock decides, never a job's timing.
    /// </summary>
    public static RuleViolation? Open(Tender t, DateTime nowUtc)
    {
        if (t.Step < LifecycleStep.NoticePublished) return new RuleViolation(RuleCodes.NotPublished);
        // A failed tender failed at its deadline, so this also answers for it.
        if (t.Step != LifecycleStep.NoticePublished || nowUtc >= t.BidDeadline) return new RuleViolation(RuleCodes.DeadlinePassed, t.BidDeadline);
        if (t.LockedReason is not null) return Locked(t);
        return null;
    }

    /// <summary>
    /// May this firm obtain the documents of the tender now? The period is open, the firm is approved (dual filing)
    /// and not suspended. <paramref name="suspension"/> is the refusal the bad-behaviour records give (the one source
    /// of truth for suspensions), or null when none is in force.
    /// </summary>
    public static RuleViolation? MayObtainDocuments(Tender t, Organisation firm, RuleViolation? suspension, DateTime nowUtc) =>
        Open(t, nowUtc) ?? suspension ?? firm.CheckApproved();

    /// <summary>May this firm submit (or replace, or withdraw) a bid now? As for the documents, and it must have obtained them.</summary>
    public static RuleViolation? MayBid(Tender t, Organisation firm, RuleViolation? suspension, bool obtainedDocuments, bool keyCeremonyComplete, DateTime nowUtc) =>
        MayObtainDocuments(t, firm, suspension, nowUtc)
        ?? (obtainedDocuments ? null : new RuleViolation(RuleCodes.DocumentsNotObtained))
        ?? (keyCeremonyComplete ? null : new RuleViolation(RuleCodes.CeremonyNotComplete));

    /// <summary>Postponing the deadline: only by the owner side, only while the period is open (never at or after the deadline), only later.</summary>
    public static RuleViolation? MayPostpone(Tender t, DateTime newDeadlineUtc, DateTime nowUtc)
    {
        if (Open(t, nowUtc) is { } closed) return closed;
        if (newDeadlineUtc <= t.BidDeadline) return new RuleViolation(RuleCodes.PostponeEarlier, t.BidDeadline);
        return null;
    }

    /// <summary>
    /// Regulations art. 44 per lot: a lot with fewer valid bids than the minimum fails and is re-tendered; the tender
    /// fails when every lot has failed. Applies the outcome to the tender and its lots and returns the failed lots.
    /// </summary>
    public static IReadOnlyList<Lot> ApplyMinimumBids(Tender t, IReadOnlyDictionary<Guid, int> validBidsPerLot, TenderRules rules)
    {
        var failed = new List<Lot>();
        foreach (var lot in t.Lots.OrderBy(l => l.Number))
        {
            var count = validBidsPerLot.TryGetValue(lot.Id, out var n) ? n : 0;
            if (count >= rules.MinBidsToOpen) continue;
            lot.FailedReason = Encode(new RuleViolation(RuleCodes.NotEnoughBids, count, rules.MinBidsToOpen));
            failed.Add(lot);
        }
        if (t.Lots.Count > 0 && failed.Count == t.Lots.Count)
        {
            t.Failed = true;
            // One lot: its own counts; several: the rule with the lot numbers.
            t.FailedReason = failed.Count == 1 ? failed[0].FailedReason
                : Encode(new RuleViolation(RuleCodes.NotEnoughBidsLots, string.Join(", ", failed.Select(l => l.Number)), rules.MinBidsToOpen));
        }
        return failed;
    }

    /// <summary>The opening may start: the deadline move has run, the tender has not failed, and at least one lot is still open.</summary>
    public static RuleViolation? ReadyToOpen(Tender t, DateTime nowUtc)
    {
        if (t.Failed) return Failed(t);
        if (t.LockedReason is not null) return Locked(t);
        if (t.Step < LifecycleStep.BidDeadline || nowUtc < t.BidDeadline) return new RuleViolation(RuleCodes.OpeningBeforeDeadline, t.BidDeadline);
        return null;
    }

    /// <summary>A violation stored in one text column: the code and its arguments separated by |.</summary>
    public static string Encode(RuleViolation v) =>
        string.Join('|', [v.Code, .. v.Args.Select(a => a is DateTime d ? d.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")]);

    /// <summary>The stored form back as a violation (arguments as text).</summary>
    public static RuleViolation? Decode(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        var parts = stored.Split('|');
        return new RuleViolation(parts[0], parts.Skip(1).Cast<object>().ToArray());
    }

    /// <summary>The refusal a failed tender gives: its own rule, read as a sentence inside this one.</summary>
    public static RuleViolation Failed(Tender t) => new(RuleCodes.TenderFailed, Decode(t.FailedReason) ?? new RuleViolation(RuleCodes.NotEnoughBids, "?", "?"));

    /// <summary>The refusal a locked step gives: the rule broken and the reason written when it was locked.</summary>
    public static RuleViolation Locked(Tender t) => new(RuleCodes.StepLocked, Decode(t.LockedReason) ?? new RuleViolation(RuleCodes.StepLocked, "", ""), t.LockNote ?? "");
}
