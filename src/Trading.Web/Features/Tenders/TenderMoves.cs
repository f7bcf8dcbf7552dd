using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

/// <summary>
/// The tender's moves after publication, each one transaction with its log entries: the deadline move, the moves
/// the draw, the opening and the check-in cause (<see cref="AdvanceAsync"/>), and locks. The rules are
/// <see cref="TenderLifecycle"/>'s and <see cref="BiddingPeriod"/>'s; this class gathers the facts they need and
/// stores the outcome.
/// </summary>
public sealed class TenderMoves(TradingDbContext db, PublicLogWriter log, TimeProvider clock, IOptions<TenderRules> rules, Log.Checkpoints checkpoints, ILogger<TenderMoves> logger,
    Notifications.Notifier notifier, CentreTime time)
{
    public static readonly Guid SystemUserId = Guid.Empty;
    public static Actor System { get; } = new(SystemUserId, "system", Guid.Empty, new HashSet<string> { Roles.Admin }, null);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The deadline move (step 3 to 8), the same whoever triggers it (the job, the API, a page): in one transaction it
    /// closes bidding, freezes the list of valid bids in the log, applies Regulations art. 44 per lot (a lot with too
    /// few bids fails; the tender fails when all do), checkpoints the log, and moves on as far as acts already done
    /// allow (a committee drawn before the deadline). Two moves at once: the log lock serialises them and the second
    /// finds the tender closed and is refused. A failure (a lost connection, a conflict) rolls everything back; the
    /// move is retried here, and the job tries again on its next run, so it is never half-done.
    /// </summary>
    public async Task<Tender> CloseBiddingAsync(Actor actor, Guid id, CancellationToken ct)
    {
        if (actor.UserId != SystemUserId && !actor.IsOversight && !await IsOwnerSideAsync(actor, id, ct))
            throw new ForbiddenException(RuleCodes.NotOwner);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CloseOnceAsync(actor, id, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Another act changed the tender between our read and our write: read again and re-check from the start.
                db.ChangeTracker.Clear();
                logger.LogInformation("Deadline move of {Tender} conflicted; retrying ({Attempt})", id, attempt);
            }
        }
    }

    private async Task<Tender> CloseOnceAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Every completion and withdrawal holds the tender's bidding lock shared: taken exclusively, it waits for those under
        // way and keeps new ones out until the commit. The log lock after it numbers every queued entry (the bids' among
        // them) before this move's own entries, so the list frozen below is every bid, each with its index.
        await Submission.BiddingLock.EnterAsync(db, id, exclusive: true, ct);
        await log.LockAsync(ct);
        var t = await FreshAsync(id, ct);
        if (t.Step >= LifecycleStep.BidDeadline)
            throw new RuleViolationException(new RuleViolation(RuleCodes.AlreadyClosed, t.BidDeadline));
        var now = Now;
        var transition = TenderLifecycle.Apply(t, LifecycleStep.BidDeadline, new LifecycleContext(now, rules.Value), actor.UserId, actor.Name, actor.IpAddress);
        db.StepTransitions.Add(transition);

        var bids = await db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).ToListAsync(ct);
        var perLot = bids.GroupBy(b => b.LotId).ToDictionary(g => g.Key, g => g.Count());
        var failedLots = BiddingPeriod.ApplyMinimumBids(t, perLot, rules.Value);

        await log.AppendAsync("tender.deadline", t.Id, new
        {
            from = (int)LifecycleStep.NoticePublished, to = (int)LifecycleStep.BidDeadline, code = t.Code, deadline = t.BidDeadline,
            documents = t.Documents.Where(d => !d.Superseded).Select(d => d.Sha256).ToArray(),
            by = log.Pseudonym("user", actor.UserId.ToString()), ip = actor.IpAddress is null ? null : log.Pseudonym("ip", actor.IpAddress),
        }, ct);
        // Every sealed act of the tender opened (documents obtained, bids, withdrawals, refusals): from the deadline on, the
        // count and the envelope hashes are public and every earlier commitment can be checked; names come with the award.
        await log.RevealAsync(t.Id, ct);
        // The list the opening must open, no more and no less; counts per lot are public from the deadline on.
        // Each bid's R is listed so a holder checks, before any partial, that every point it is asked to decrypt is a
        // frozen bid's (`trading keyholder partial-decrypt --frozen`): the server cannot use a holder as an oracle.
        await log.AppendAsync("bids.frozen", t.Id, new
        {
            count = bids.Count, bids = bids.Select(b => new { bid = b.Id, envelopeSha256 = b.EnvelopeSha256, logIndex = b.LogIndex, r = Convert.ToHexStringLower(b.EphemeralPoint) }).ToArray(),
            lots = t.Lots.OrderBy(l => l.Number).Select(l => new { lot = l.Number, count = perLot.GetValueOrDefault(l.Id), failed = l.FailedReason is not null }).ToArray(),
            failed = t.Failed, minimum = rules.Value.MinBidsToOpen,
        }, ct);
        if (t.Failed)
            await log.AppendAsync("tender.failed", t.Id, new { code = t.Code, rule = t.FailedReason, step = (int)t.Step }, ct);
        else if (failedLots.Count > 0)
            await log.AppendAsync("tender.lots.failed", t.Id, new { code = t.Code, lots = failedLots.Select(l => new { lot = l.Number, rule = l.FailedReason }).ToArray() }, ct);
        await db.SaveChangesAsync(ct);
        await AdvanceLoadedAsync(t, actor, ct);
        await NotifyDeadlineAsync(t, bids, ct);
        await checkpoints.CheckpointNowAsync("deadline", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return t;
    }

    /// <summary>
    /// Whose turn the deadline makes it, told in the deadline's transaction (so once): the holders' officers to open, the
    /// bidders to follow the opening (or that their lot failed), the owner side to request the draw when no committee is
    /// drawn yet, or that the tender failed. Counts are public from the deadline on; each notice still names only the
    /// reader's own tender and firm.
    /// </summary>
    private async Task NotifyDeadlineAsync(Tender t, List<Bid> bids, CancellationToken ct)
    {
        var failedLots = t.Lots.Where(l => l.FailedReason is not null).Select(l => l.Id).ToHashSet();
        var link = $"/Submission/Opening/{t.Id}";
        var failedFirms = bids.Where(b => t.Failed || failedLots.Contains(b.LotId)).Select(b => b.FirmId).ToHashSet();
        var openFirms = bids.Where(b => !t.Failed && !failedLots.Contains(b.LotId)).Select(b => b.FirmId).Where(f => !failedFirms.Contains(f)).ToHashSet();
        string[] args = [t.Code, t.Title, time.Format(t.OpeningTime), t.OpeningPlace, rules.Value.MinBidsToOpen.ToString(global::System.Globalization.CultureInfo.InvariantCulture)];
        var owners = await notifier.OwnerSideAsync(t.OwnerOrganisationId, t.AgentOrganisationId, ct);
        await notifier.RaiseOnceAsync(await notifier.FirmUsersAsync(failedFirms, ct),
            u => new Notifications.Notice(u, "tender.failed", "Tender.Notice.FailedSubject", t.Failed ? "Tender.Notice.FailedBody" : "Tender.Notice.LotFailedBody", args, $"/Tenders/Details/{t.Id}", t.Id), ct);
        if (t.Failed)
        {
            await notifier.RaiseOnceAsync(owners,
                u => new Notifications.Notice(u, "tender.failed", "Tender.Notice.FailedSubject", "Tender.Notice.FailedOwnerBody", args, $"/Tenders/Details/{t.Id}", t.Id), ct);
            return;
        }
        await notifier.RaiseOnceAsync(await notifier.FirmUsersAsync(openFirms, ct),
            u => new Notifications.Notice(u, "opening.due", "Bid.Notice.OpeningSubject", "Bid.Notice.OpeningBody", args, link, t.Id), ct);
        var holders = await db.Set<KeyCeremony>().Where(c => c.TenderId == t.Id).SelectMany(c => c.Holders.Select(h => h.OrganisationId)).ToListAsync(ct);
        var officers = await db.Set<HolderOfficer>().Where(o => holders.Contains(o.OrganisationId) && o.AddedAt != null && o.RemovedAt == null)
            .Select(o => o.UserId).Distinct().ToListAsync(ct);
        await notifier.RaiseOnceAsync(officers,
            u => new Notifications.Notice(u, "opening.turn", "Bid.Notice.OpenTurnSubject", "Bid.Notice.OpenTurnBody", args, link, t.Id), ct);
        var openLots = t.Lots.Where(l => l.FailedReason is null).Select(l => l.Id).ToList();
        var drawn = await db.Set<EvaluationSession>().Where(s => s.TenderId == t.Id && s.VoidedAt == null).Select(s => s.LotId).ToListAsync(ct);
        if (!openLots.All(drawn.Contains))
            await notifier.RaiseOnceAsync(owners,
                u => new Notifications.Notice(u, "draw.due", "Draw.Notice.DueSubject", "Draw.Notice.DueBody", args, $"/Draw/Request?tenderId={t.Id}", t.Id), ct);
    }

    /// <summary>
    /// Moves the tender from step 8 on as far as the acts recorded allow (committee drawn, bids opened, members checked
    /// in). Runs inside the caller's transaction, after the caller has saved its act, so the act and the move commit
    /// together; the draw, the opening and the check-in call it.
    /// </summary>
    public async Task AdvanceAsync(Guid tenderId, Actor? actor, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A tender moves inside the transaction of the act that moves it.");
        await log.LockAsync(ct);
        var t = await FreshAsync(tenderId, ct);
        await AdvanceLoadedAsync(t, actor ?? System, ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task AdvanceLoadedAsync(Tender t, Actor actor, CancellationToken ct)
    {
        if (t.Step < LifecycleStep.BidDeadline || t.Failed || t.LockedReason is not null) return;
        var ctx = await ContextAsync(t, ct);
        foreach (var move in TenderLifecycle.Advance(t, ctx, actor.UserId, actor.Name, actor.IpAddress))
        {
            db.StepTransitions.Add(move);
            await log.AppendAsync("tender.step", t.Id, new
            {
                from = (int)move.From, to = (int)move.To, code = t.Code, by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
        }
    }

    /// <summary>The facts the table needs from the draw, the opening and the check-in.</summary>
    public async Task<LifecycleContext> ContextAsync(Tender t, CancellationToken ct)
    {
        var openLots = t.Lots.Where(l => l.FailedReason is null).Select(l => l.Id).ToList();
        var done = new HashSet<LifecycleStep>();
        var drawn = await db.Set<EvaluationSession>().AsNoTracking().Include(s => s.Members)
            .Where(s => s.TenderId == t.Id && s.Phase == DrawPhase.Drawn).ToListAsync(ct);
        if (openLots.Count > 0 && openLots.All(l => drawn.Any(s => s.LotId == l)))
            done.Add(LifecycleStep.ExpertDraw);
        if (await db.Set<KeyCeremony>().AnyAsync(c => c.TenderId == t.Id && c.OpenedAt != null, ct))
            done.Add(LifecycleStep.BidOpening);
        if (done.Contains(LifecycleStep.ExpertDraw))
        {
            var sessionIds = drawn.Select(s => s.Id).ToList();
            var admitted = await db.Set<CheckInAttempt>().AsNoTracking()
                .Where(a => a.SessionId != null && sessionIds.Contains(a.SessionId.Value) && (a.Decision == CheckInDecision.Accepted || a.Decision == CheckInDecision.Overridden))
                .Select(a => new { a.SessionId, a.ClaimedExpertId }).ToListAsync(ct);
            if (drawn.All(s => s.Members.Where(m => m.Serving).All(m => admitted.Any(a => a.SessionId == s.Id && a.ClaimedExpertId == m.ExpertId))))
                done.Add(LifecycleStep.ExpertCheckIn);
        }
        // 12: the committee has acted in its room (a chair vote or a committed sheet); 13: every open lot's report is issued.
        var ids = drawn.Where(s => s.VoidedAt == null).Select(s => s.Id).ToList();
        if (await db.Set<Trading.Domain.Evaluation.ChairVote>().AnyAsync(v => ids.Contains(v.SessionId), ct)
            || await db.Set<Trading.Domain.Evaluation.ScoreSheet>().AnyAsync(v => ids.Contains(v.SessionId), ct))
            done.Add(LifecycleStep.Evaluation);
        var reported = await db.Set<Trading.Domain.Evaluation.EvaluationReport>().AsNoTracking().Where(r => ids.Contains(r.SessionId)).Select(r => r.SessionId).ToListAsync(ct);
        if (openLots.Count > 0 && openLots.All(l => drawn.Any(s => s.LotId == l && reported.Contains(s.Id))))
            done.Add(LifecycleStep.EvaluationReport);
        // 14-18: publicity, objections settled, award, contract, refunds (Award.AwardRules.Done says which).
        if (done.Contains(LifecycleStep.EvaluationReport) || t.Step >= LifecycleStep.EvaluationReport)
        {
            var facts = await Award.AwardFactsReader.ReadAsync(db, t.Id, ct);
            var refundable = await Award.AwardFactsReader.RefundableAsync(db, t.Id, openLots, ct);
            done.UnionWith(Trading.Domain.Award.AwardRules.Done(facts, openLots, refundable, Now));
        }
        var valid = await db.Set<Bid>().CountAsync(b => b.TenderId == t.Id && b.Status == BidStatus.Valid && openLots.Contains(b.LotId), ct);
        return new LifecycleContext(Now, rules.Value, valid) { Done = done };
    }

    /// <summary>A supervisor locks the tender's current step for a broken rule, with the reason everyone on the tender will read.</summary>
    public async Task<Tender> LockAsync(Actor actor, Guid id, string rule, string reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new RuleViolationException(new RuleViolation(RuleCodes.LockOnlySupervisor));
        if (string.IsNullOrWhiteSpace(rule) || rule.Length > 200 || reason is null || reason.Length > 2000)
            throw new RuleViolationException(new RuleViolation(RuleCodes.LockReasonRequired));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await log.LockAsync(ct);
        var t = await FreshAsync(id, ct);
        TenderLifecycle.Lock(t, new RuleViolation(rule.Trim()), reason, Now);
        await log.AppendAsync("tender.locked", t.Id, new { code = t.Code, step = (int)t.Step, rule = t.LockedReason, reason = t.LockNote, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return t;
    }

    /// <summary>Locks the step for a rule a check found broken, inside the caller's transaction (the check's own act).</summary>
    public async Task LockForRuleAsync(Guid id, RuleViolation rule, string reason, CancellationToken ct)
    {
        await log.LockAsync(ct);
        var t = await FreshAsync(id, ct);
        if (t.LockedReason is not null) return;
        TenderLifecycle.Lock(t, rule, reason, Now);
        await log.AppendAsync("tender.locked", t.Id, new { code = t.Code, step = (int)t.Step, rule = t.LockedReason, reason = t.LockNote, by = "system" }, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Only a supervisor unlocks, with a reason in the log; then the tender moves on if its acts are done.</summary>
    public async Task<Tender> UnlockAsync(Actor actor, Guid id, string? reason, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await log.LockAsync(ct);
        var t = await FreshAsync(id, ct);
        var was = t.LockedReason;
        TenderLifecycle.Unlock(t, actor.IsIn(Roles.Supervisor), reason);
        await log.AppendAsync("tender.unlocked", t.Id, new { code = t.Code, step = (int)t.Step, rule = was, reason = reason!.Trim(), by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        await db.SaveChangesAsync(ct);
        await AdvanceLoadedAsync(t, actor, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return t;
    }

    /// <summary>The tender as stored now (read after the log lock, so no other move can slip in before our commit).</summary>
    private async Task<Tender> FreshAsync(Guid id, CancellationToken ct)
    {
        var t = await db.Tenders.Include(x => x.Lots).Include(x => x.Documents).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException();
        var entry = db.Entry(t);
        if (entry.State == EntityState.Unchanged) await entry.ReloadAsync(ct);
        return t;
    }

    private async Task<bool> IsOwnerSideAsync(Actor actor, Guid id, CancellationToken ct) =>
        await db.Tenders.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.OwnerOrganisationId, t.AgentOrganisationId }).FirstOrDefaultAsync(ct) is { } o
        && actor.IsOwnerSideOf(o.OwnerOrganisationId, o.AgentOrganisationId);
}
