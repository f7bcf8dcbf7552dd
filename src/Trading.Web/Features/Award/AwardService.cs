using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.Supervision;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>A bid of the tender as the award pages show it.</summary>
public sealed record AwardBid(Guid BidId, Guid LotId, Guid FirmId, string Firm, long? PriceFen, int? DurationDays, long BondFen);

/// <summary>Everything about one tender's steps 13-18 that the caller may see.</summary>
public sealed record AwardView(
    Tender Tender, AwardFacts Facts, IReadOnlyList<AwardBid> Bids, IReadOnlyList<AwardNotice> Notices, IReadOnlyList<string>? Committee,
    IReadOnlyDictionary<Guid, string> FirmNames, bool OwnerSide, bool Oversight, Guid? MyFirmId)
{
    public bool IsBidder => MyFirmId is { } f && Bids.Any(b => b.FirmId == f);
}

/// <summary>
/// Steps 13 to 18 of a tender: the owner side publishes the candidates, answers objections, awards each lot, uploads
/// the contract and records the bond refunds; bidders raise objections and lodge complaints; the supervision office
/// suspends, resumes and decides complaints. Every act is one transaction with its log entry (<see cref="PublicLogWriter.ActAsync"/>),
/// taken under the log's lock so the facts the rule reads cannot change before the commit, and the tender moves as
/// far as <see cref="AwardRules.Done"/> allows in the same transaction.
/// </summary>
public sealed class AwardService(
    TradingDbContext db, PublicLogWriter log, CentreTime time, TenderMoves moves, IOptions<AwardTerms> terms, SupervisionSettings supervision,
    Uploads uploads, IFileStore files, Notifier notifier, AwardNoticePdf pdf, Log.CentreKeys keys, Certificates.SealStamps stamps)
{
    public static readonly IReadOnlySet<SniffedType> ContractTypes = new HashSet<SniffedType> { SniffedType.Pdf };
    public const long MaxContractBytes = 20 * 1024 * 1024;

    private AwardTerms Terms => terms.Value;
    private DateTime Now => time.UtcNow;
    private DateOnly Today => DateOnly.FromDateTime(time.ToLocal(Now));

    // ---- reading ----

    /// <summary>The tender's award record as the caller may see it: the owner side, oversight and the tender's bidders.</summary>
    public async Task<AwardView> ViewAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).FirstOrDefaultAsync(t => t.Id == tenderId, ct) ?? throw new NotFoundException();
        var bids = await BidsAsync(tenderId, ct);
        var ownerSide = actor.IsOwnerSideOf(tender);
        var myFirm = actor.IsIn(Roles.Bidder) && bids.Any(b => b.FirmId == actor.OrganisationId) ? actor.OrganisationId : (Guid?)null;
        if (!ownerSide && !actor.IsOversight && myFirm is null) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        var notices = await db.Set<AwardNotice>().AsNoTracking().Where(n => n.TenderId == tenderId && (myFirm == null || n.FirmId == myFirm)).ToListAsync(ct);
        var names = await FirmNamesAsync(facts, bids, ct);
        return new AwardView(tender, facts, bids, notices, await CommitteeAsync(tender, facts, ct), names, ownerSide, actor.IsOversight, myFirm);
    }

    /// <summary>What the public portal shows: the publicity once published, the result once awarded; nothing before.</summary>
    public async Task<AwardView?> PublicAsync(Guid tenderId, CancellationToken ct)
    {
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).FirstOrDefaultAsync(t => t.Id == tenderId, ct);
        if (tender is null) return null;
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        if (facts.Publicity is null) return null;
        var bids = await BidsAsync(tenderId, ct);
        return new AwardView(tender, facts, bids, [], await CommitteeAsync(tender, facts, ct), await FirmNamesAsync(facts, bids, ct), false, false, null);
    }

    /// <summary>Tenders with a publicity, newest first, for the public list.</summary>
    public async Task<List<(Tender Tender, CandidatePublicity Publicity, int Awarded)>> PublishedAsync(CancellationToken ct)
    {
        var rows = await (from p in db.Set<CandidatePublicity>().AsNoTracking()
                          join t in db.Tenders.AsNoTracking() on p.TenderId equals t.Id
                          orderby p.PublishedAt descending
                          select new { t, p, Awarded = db.Set<LotAward>().Count(a => a.TenderId == t.Id) }).Take(200).ToListAsync(ct);
        return rows.Select(r => (r.t, r.p, r.Awarded)).ToList();
    }

    /// <summary>The tenders at steps 13-18 the caller works on: the owner side's, oversight's all, a bidder's own.</summary>
    public async Task<List<Tender>> MineAsync(Actor actor, CancellationToken ct)
    {
        var q = db.Tenders.AsNoTracking().Where(t => t.Step >= LifecycleStep.EvaluationReport && !t.Failed);
        if (actor.IsOversight) { }
        else if (actor.IsIn(Roles.Owner, Roles.Agent))
            q = q.Where(t => t.OwnerOrganisationId == actor.OrganisationId || t.AgentOrganisationId == actor.OrganisationId);
        else if (actor.IsIn(Roles.Bidder))
            q = q.Where(t => db.Set<Bid>().Any(b => b.TenderId == t.Id && b.FirmId == actor.OrganisationId && b.Status == BidStatus.Valid));
        else return [];
        return await q.OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(ct);
    }

    /// <summary>
    /// The committee's names, only once every open lot is awarded (Bidding Law art. 37 keeps them confidential until then;
    /// the result notice may publish them).
    /// </summary>
    private async Task<IReadOnlyList<string>?> CommitteeAsync(Tender t, AwardFacts facts, CancellationToken ct)
    {
        var open = t.Lots.Where(l => l.FailedReason is null).Select(l => l.Id).ToList();
        if (open.Count == 0 || !open.All(l => facts.Awards.Any(a => a.LotId == l))) return null;
        var names = await (from s in db.Set<EvaluationSession>().AsNoTracking()
                           join m in db.Set<CommitteeMember>().AsNoTracking() on s.Id equals m.SessionId
                           join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                           where s.TenderId == t.Id && s.VoidedAt == null && db.Set<EvaluationReport>().Any(r => r.SessionId == s.Id)
                                 && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                           select e.Name).ToListAsync(ct);
        return names.Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    private async Task<List<AwardBid>> BidsAsync(Guid tenderId, CancellationToken ct) =>
        await (from b in db.Set<Bid>().AsNoTracking()
               join o in db.Organisations.AsNoTracking() on b.FirmId equals o.Id
               join l in db.Lots.AsNoTracking() on b.LotId equals l.Id
               where b.TenderId == tenderId && b.Status == BidStatus.Valid && l.FailedReason == null
               orderby l.Number, b.PriceFen
               select new AwardBid(b.Id, b.LotId, b.FirmId, o.Name, b.PriceFen, b.DurationDays, l.BidBondFen)).ToListAsync(ct);

    private async Task<Dictionary<Guid, string>> FirmNamesAsync(AwardFacts f, List<AwardBid> bids, CancellationToken ct)
    {
        var ids = f.Objections.Select(o => o.FirmId).Concat(f.Complaints.Select(c => c.FirmId)).Concat(bids.Select(b => b.FirmId)).Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }

    // ---- acts ----

    /// <summary>Step 13 to 14: the owner side publishes each open lot's candidates from its signed evaluation report.</summary>
    public Task<CandidatePublicity> PublishAsync(Actor actor, Guid tenderId, int days, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var t = await OwnedAsync(actor, tenderId, ct);
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        var candidates = await CandidatesAsync(t, ct);
        Refuse(AwardRules.CheckPublish(t, facts, days, candidates.Count, Terms));
        var now = Now;
        var p = new CandidatePublicity
        {
            TenderId = t.Id, PublishedAt = now, EndsAt = AwardRules.PublicityEnd(now, days), PublishedByUserId = actor.UserId, Candidates = candidates,
        };
        foreach (var c in candidates) c.PublicityId = p.Id;
        db.Add(p);
        var entry = await log.AppendAsync("award.publicity.published", t.Id, new
        {
            code = t.Code, from = p.PublishedAt, until = p.EndsAt,
            candidates = candidates.Select(c => new { lot = t.Lots.First(l => l.Id == c.LotId).Number, rank = c.Rank, bid = c.BidId, firm = c.FirmName, price = Amount(c.PriceFen) }).ToArray(),
            by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        p.LogIndex = entry.Index;
        // The bidders' turn to read the result and object if they must, while the publicity runs.
        var firms = (await BidsAsync(t.Id, ct)).Select(b => b.FirmId);
        await notifier.RaiseOnceAsync(await notifier.FirmUsersAsync(firms, ct),
            u => new Notice(u, "award.publicity", "Award.Notice.PublicitySubject", "Award.Notice.PublicityBody", [t.Code, t.Title, time.Format(p.EndsAt)], $"/Award/Tender/{t.Id}", t.Id), ct);
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(t.Id, actor, ct);
        return p;
    }, ct);

    /// <summary>A bidder of the tender raises an objection while the publicity runs; the owner side is told.</summary>
    public Task<Objection> ObjectAsync(Actor actor, Guid tenderId, string? text, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var t = await db.Tenders.AsNoTracking().FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        var isBidder = await IsBidderAsync(actor, tenderId, ct);
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        Refuse(AwardRules.CheckObjection(facts, isBidder, text, Now));
        var o = new Objection
        {
            TenderId = tenderId, FirmId = actor.OrganisationId, RaisedByUserId = actor.UserId, Text = text!.Trim(), RaisedAt = Now,
            AnswerDueAt = AwardRules.ObjectionAnswerDue(Now, Terms),
        };
        db.Add(o);
        var entry = await log.AppendAsync("award.objection.raised", tenderId, new
        {
            code = t.Code, objection = o.Id, firm = log.Pseudonym("firm", o.FirmId.ToString()), text = Sha(o.Text), due = o.AnswerDueAt,
        }, ct);
        o.LogIndex = entry.Index;
        await NotifyOwnerSideAsync(t, "award.objection", "Award.Notice.ObjectionSubject", "Award.Notice.ObjectionBody", ct);
        return o;
    }, ct);

    /// <summary>The owner side answers an objection (once); the bidder is told. The last answer after the publicity lets the tender move to 15.</summary>
    public Task<Objection> AnswerAsync(Actor actor, Guid objectionId, string? answer, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var o = await db.Set<Objection>().FirstOrDefaultAsync(x => x.Id == objectionId, ct) ?? throw new NotFoundException();
        var t = await OwnedAsync(actor, o.TenderId, ct);
        Refuse(AwardRules.CheckAnswer(o, answer));
        o.Answer = answer!.Trim();
        o.AnsweredAt = Now;
        o.AnsweredByUserId = actor.UserId;
        var entry = await log.AppendAsync("award.objection.answered", t.Id, new { code = t.Code, objection = o.Id, answer = Sha(o.Answer), late = o.AnsweredAt > o.AnswerDueAt }, ct);
        o.AnswerLogIndex = entry.Index;
        await NotifyFirmAsync(o.FirmId, t, "award.objection.answered", "Award.Notice.AnsweredSubject", "Award.Notice.AnsweredBody", ct);
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(t.Id, actor, ct);
        return o;
    }, ct);

    /// <summary>A bidder lodges a complaint with the supervision office within the days after it knew; the office is told.</summary>
    public Task<Complaint> ComplainAsync(Actor actor, Guid tenderId, DateOnly knewOn, string? text, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var t = await db.Tenders.AsNoTracking().FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        var isBidder = await IsBidderAsync(actor, tenderId, ct) && t.Step >= LifecycleStep.EvaluationReport;
        Refuse(AwardRules.CheckComplaint(isBidder, knewOn, Today, text, Terms));
        var (calendar, _) = await supervision.CalendarAsync(ct);
        var dueDay = AwardRules.ComplaintDecisionDue(Today, calendar, Terms);
        var c = new Complaint
        {
            TenderId = tenderId, FirmId = actor.OrganisationId, LodgedByUserId = actor.UserId, Text = text!.Trim(), KnewOn = knewOn, LodgedAt = Now,
            DecisionDueAt = time.ToUtc(dueDay.AddDays(1).ToDateTime(TimeOnly.MinValue)),
        };
        db.Add(c);
        var entry = await log.AppendAsync("award.complaint.lodged", tenderId, new
        {
            code = t.Code, complaint = c.Id, firm = log.Pseudonym("firm", c.FirmId.ToString()), text = Sha(c.Text), knew = knewOn.ToString("yyyy-MM-dd"), due = c.DecisionDueAt,
        }, ct);
        c.LogIndex = entry.Index;
        await notifier.RaiseToRoleAsync(Roles.Supervisor, id => new Notice(id, "award.complaint", "Award.Notice.ComplaintSubject", "Award.Notice.ComplaintBody",
            [t.Code, t.Title], $"/Award/Tender/{t.Id}", t.Id), ct);
        return c;
    }, ct);

    /// <summary>The supervision office suspends the tender while it decides a complaint, or resumes it; the owner side is told.</summary>
    public Task<Complaint> SuspendAsync(Actor actor, Guid complaintId, bool suspend, CancellationToken ct) => log.ActAsync(async () =>
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        await log.LockAsync(ct);
        var c = await db.Set<Complaint>().FirstOrDefaultAsync(x => x.Id == complaintId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == c.TenderId, ct);
        Refuse(AwardRules.CheckSuspend(c, suspend));
        if (suspend) { c.SuspendedAt = Now; c.ResumedAt = null; }
        else c.ResumedAt = Now;
        await log.AppendAsync(suspend ? "award.tender.suspended" : "award.tender.resumed", t.Id,
            new { code = t.Code, complaint = c.Id, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        await NotifyOwnerSideAsync(t, "award.suspension", suspend ? "Award.Notice.SuspendedSubject" : "Award.Notice.ResumedSubject",
            suspend ? "Award.Notice.SuspendedBody" : "Award.Notice.ResumedBody", ct);
        await db.SaveChangesAsync(ct);
        if (!suspend) await moves.AdvanceAsync(t.Id, actor, ct);
        return c;
    }, ct);

    /// <summary>The supervision office decides a complaint; the decision is published and ends a suspension.</summary>
    public Task<Complaint> DecideAsync(Actor actor, Guid complaintId, ComplaintOutcome? outcome, string? decision, CancellationToken ct) => log.ActAsync(async () =>
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        await log.LockAsync(ct);
        var c = await db.Set<Complaint>().FirstOrDefaultAsync(x => x.Id == complaintId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == c.TenderId, ct);
        Refuse(AwardRules.CheckDecision(c, outcome, decision));
        c.Outcome = outcome;
        c.Decision = decision!.Trim();
        c.DecidedAt = Now;
        c.DecidedByUserId = actor.UserId;
        if (c.Suspends) c.ResumedAt = Now;
        // The decision is published in full: the office's reasons are public, the complainant is named only by pseudonym.
        var entry = await log.AppendAsync("award.complaint.decided", t.Id, new
        {
            code = t.Code, complaint = c.Id, outcome = outcome.ToString(), decision = c.Decision, late = c.DecidedAt > c.DecisionDueAt,
        }, ct);
        c.DecisionLogIndex = entry.Index;
        await NotifyFirmAsync(c.FirmId, t, "award.complaint.decided", "Award.Notice.DecidedSubject", "Award.Notice.DecidedBody", ct);
        await NotifyOwnerSideAsync(t, "award.complaint.decided", "Award.Notice.DecidedSubject", "Award.Notice.DecidedBody", ct);
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(t.Id, actor, ct);
        return c;
    }, ct);

    /// <summary>
    /// Step 15 to 16 for one lot: the owner side awards it to a candidate (the first unless a lawful reason is recorded).
    /// The award notice goes to the winner and a result notice to every other bidder of the lot, as PDFs.
    /// </summary>
    public Task<LotAward> AwardAsync(Actor actor, Guid tenderId, Guid lotId, Guid bidId, string? reason, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var t = await OwnedAsync(actor, tenderId, ct);
        var lot = t.Lots.FirstOrDefault(l => l.Id == lotId && l.FailedReason is null) ?? throw new NotFoundException();
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        var winner = facts.Publicity?.Candidates.FirstOrDefault(c => c.LotId == lotId && c.BidId == bidId);
        Refuse(AwardRules.CheckAward(t, facts, lotId, winner, reason, Now));
        var a = new LotAward
        {
            TenderId = t.Id, LotId = lotId, WinnerBidId = winner!.BidId, WinnerFirmId = winner.FirmId, WinnerName = winner.FirmName, WinnerRank = winner.Rank,
            PriceFen = winner.PriceFen, DurationDays = winner.DurationDays, Reason = winner.Rank == 1 ? null : reason!.Trim(), AwardedAt = Now, AwardedByUserId = actor.UserId,
        };
        db.Add(a);
        var entry = await log.AppendAsync("award.issued", t.Id, new
        {
            code = t.Code, lot = lot.Number, bid = a.WinnerBidId, firm = a.WinnerName, rank = a.WinnerRank, price = Amount(a.PriceFen),
            duration = a.DurationDays, reason = a.Reason, by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        a.LogIndex = entry.Index;
        var bids = (await BidsAsync(tenderId, ct)).Where(b => b.LotId == lotId).ToList();
        var issued = new List<AwardNotice>();
        foreach (var b in bids)
        {
            var kind = b.BidId == a.WinnerBidId ? NoticeKind.Award : NoticeKind.Result;
            var bytes = pdf.Render(kind, t, lot, a, b, Now);
            await using var stream = new MemoryStream(bytes);
            // Written before the commit: a rolled-back award leaves an unreferenced file, never a notice without its file.
            var stored = await files.SaveAsync(stream, bytes.Length, ct);
            var n = new AwardNotice
            {
                AwardId = a.Id, TenderId = t.Id, BidId = b.BidId, FirmId = b.FirmId, Kind = kind, StorageKey = stored.Key, Sha256 = stored.Sha256,
                Signature = SignNotice(kind, t.Code, stored.Sha256), IssuedAt = Now,
            };
            db.Add(n);
            stamps.Track(Domain.Certificates.SealStamp.AwardNotice, t.Id, n.Id, bytes, stored, n.IssuedAt);
            issued.Add(n);
            await NotifyFirmAsync(b.FirmId, t, "award.notice", kind == NoticeKind.Award ? "Award.Notice.WonSubject" : "Award.Notice.ResultSubject",
                kind == NoticeKind.Award ? "Award.Notice.WonBody" : "Award.Notice.ResultBody", ct);
        }
        await log.AppendAsync("award.notices.issued", t.Id, new
        {
            code = t.Code, lot = lot.Number, notices = issued.Select(n => new { bid = n.BidId, kind = n.Kind.ToString(), sha256 = n.Sha256 }).ToArray(),
        }, ct);
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(t.Id, actor, ct);
        return a;
    }, ct);

    /// <summary>
    /// Step 16 to 17 for one lot: the owner side uploads the signed contract (PDF) and its key terms; terms that differ
    /// from the award warn the supervision office.
    /// </summary>
    public async Task<LotContract> ContractAsync(Actor actor, Guid tenderId, Guid lotId, decimal priceYuan, int durationDays, DateOnly signedOn, IFormFile? file, CancellationToken ct)
    {
        // Ownership and the rules first, so a stranger's or a refused upload never reaches storage.
        await CheckContractAsync(actor, tenderId, lotId, priceYuan, durationDays, signedOn, ct);
        if (file is null) throw new RuleViolationException(new RuleViolation(RuleCodes.FileEmpty, ""));
        return await uploads.StoreAsync(file, ContractTypes, MaxContractBytes, (stored, _) => log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var (t, award, price) = await CheckContractAsync(actor, tenderId, lotId, priceYuan, durationDays, signedOn, ct);
            var c = new LotContract
            {
                TenderId = t.Id, LotId = lotId, AwardId = award.Id, FirmId = award.WinnerFirmId, PriceFen = price, DurationDays = durationDays, SignedOn = signedOn,
                FileName = Uploads.SafeFileName(file.FileName), StorageKey = stored.Key, Sha256 = stored.Sha256, Length = stored.Length,
                DiffersFromAward = AwardRules.Differs(award, price, durationDays), UploadedAt = Now, UploadedByUserId = actor.UserId,
            };
            db.Add(c);
            var lot = t.Lots.First(l => l.Id == lotId);
            var entry = await log.AppendAsync("award.contract.signed", t.Id, new
            {
                code = t.Code, lot = lot.Number, firm = award.WinnerName, price = Amount(price), duration = durationDays, signed = signedOn.ToString("yyyy-MM-dd"),
                sha256 = c.Sha256, differs = c.DiffersFromAward,
            }, ct);
            c.LogIndex = entry.Index;
            if (c.DiffersFromAward)
            {
                await log.AppendAsync("award.contract.differs", t.Id, new
                {
                    code = t.Code, lot = lot.Number, awardPrice = Amount(award.PriceFen), contractPrice = Amount(price), awardDuration = award.DurationDays, contractDuration = durationDays,
                }, ct);
                await notifier.RaiseToRoleAsync(Roles.Supervisor, id => new Notice(id, "award.contract.differs", "Award.Notice.DiffersSubject", "Award.Notice.DiffersBody",
                    [t.Code, t.Title], $"/Award/Tender/{t.Id}", t.Id), ct);
            }
            await db.SaveChangesAsync(ct);
            await moves.AdvanceAsync(t.Id, actor, ct);
            return c;
        }, ct), ct);
    }

    private async Task<(Tender, LotAward, long)> CheckContractAsync(Actor actor, Guid tenderId, Guid lotId, decimal priceYuan, int durationDays, DateOnly signedOn, CancellationToken ct)
    {
        var t = await OwnedAsync(actor, tenderId, ct);
        if (t.Lots.All(l => l.Id != lotId)) throw new NotFoundException();
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        var award = facts.Awards.FirstOrDefault(a => a.LotId == lotId);
        var price = Money.Fen(priceYuan) ?? 0;
        Refuse(AwardRules.CheckContract(facts, award, price, durationDays, signedOn, award is null ? Today : DateOnly.FromDateTime(time.ToLocal(award.AwardedAt)), Today));
        return (t, award!, price);
    }

    /// <summary>Step 17 to 18 per bid: the owner side or the centre (which may hold the bonds) records a bidder's bond refund, once.</summary>
    public Task<BondRefund> RefundAsync(Actor actor, Guid tenderId, Guid bidId, decimal amountYuan, decimal interestYuan, DateOnly refundedOn, CancellationToken ct) => log.ActAsync(async () =>
    {
        await log.LockAsync(ct);
        var t = await db.Tenders.Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        if (!actor.IsOwnerSideOf(t) && !actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        var bid = (await BidsAsync(tenderId, ct)).FirstOrDefault(b => b.BidId == bidId);
        if (bid is null) throw new RuleViolationException(new RuleViolation(AwardRules.NotRefundable));
        var facts = await AwardFactsReader.ReadAsync(db, tenderId, ct);
        var amount = Money.Fen(amountYuan) ?? -1;
        var interest = Money.Fen(interestYuan) ?? -1;
        Refuse(AwardRules.CheckRefund(facts, bidId, bid.LotId, bid.BondFen, amount, interest, refundedOn, Today));
        var r = new BondRefund
        {
            TenderId = t.Id, BidId = bidId, FirmId = bid.FirmId, AmountFen = amount, InterestFen = interest, RefundedOn = refundedOn, RecordedAt = Now, RecordedByUserId = actor.UserId,
        };
        db.Add(r);
        var entry = await log.AppendAsync("award.bond.refunded", t.Id, new
        {
            code = t.Code, bid = bidId, firm = bid.Firm, amount = Amount(amount), interest = Amount(interest), on = refundedOn.ToString("yyyy-MM-dd"),
        }, ct);
        r.LogIndex = entry.Index;
        await NotifyFirmAsync(bid.FirmId, t, "award.bond.refunded", "Award.Notice.RefundSubject", "Award.Notice.RefundBody", ct);
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(t.Id, actor, ct);
        // The last refund brings step 18: the owner side and the centre (either may archive) are told the tender can be archived.
        if (await db.Tenders.Where(x => x.Id == t.Id).Select(x => x.Step).FirstAsync(ct) == LifecycleStep.BondRefundAndArchive)
        {
            var archivists = (await notifier.OwnerSideAsync(t.OwnerOrganisationId, t.AgentOrganisationId, ct)).Concat(await notifier.UsersWithRoleAsync(Roles.CentreStaff, ct));
            await notifier.RaiseOnceAsync(archivists, u => new Notice(u, "archive.due", "Archive.Notice.DueSubject", "Archive.Notice.DueBody", [t.Code, t.Title], $"/Archive/{t.Id}", t.Id), ct);
        }
        return r;
    }, ct);

    /// <summary>A notice PDF: to the bidder it is addressed to, the tender's owner side and oversight.</summary>
    public async Task<(AwardNotice Notice, Stream Pdf)> NoticeAsync(Actor actor, Guid noticeId, CancellationToken ct)
    {
        var n = await db.Set<AwardNotice>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == noticeId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == n.TenderId, ct);
        MayRead(actor, t, n.FirmId);
        // Once the seal's late time-stamp has come (SealStamps), the stamped copy; the issued file stays as signed and logged.
        return (n, files.OpenRead((await stamps.StampedAsync(n.Id, ct))?.Key ?? n.StorageKey));
    }

    /// <summary>A contract's file: the owner side, oversight and the winner.</summary>
    public async Task<(LotContract Contract, Stream Pdf)> ContractFileAsync(Actor actor, Guid contractId, CancellationToken ct)
    {
        var c = await db.Set<LotContract>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == contractId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == c.TenderId, ct);
        MayRead(actor, t, c.FirmId);
        return (c, files.OpenRead(c.StorageKey));
    }

    /// <summary>A notice or contract is read by the tender's owner side, oversight, and the firm it concerns.</summary>
    private static void MayRead(Actor actor, Tender t, Guid firmId)
    {
        if (!actor.IsOwnerSideOf(t) && !actor.IsOversight && !(actor.IsIn(Roles.Bidder) && actor.OrganisationId == firmId))
            throw new ForbiddenException(RuleCodes.NotOwner);
    }

    // ---- helpers ----

    /// <summary>
    /// Each open lot's candidates in rank order, from its report's log entry ("evaluation.report.issued" lists them): the
    /// candidates are what the committee signed, read from the public record rather than recomputed.
    /// </summary>
    private async Task<List<PublicityCandidate>> CandidatesAsync(Tender t, CancellationToken ct)
    {
        var reports = await (from r in db.Set<EvaluationReport>().AsNoTracking()
                             join s in db.Set<EvaluationSession>().AsNoTracking() on r.SessionId equals s.Id
                             where r.TenderId == t.Id && s.VoidedAt == null
                             select new { s.LotId, r.LogIndex }).ToListAsync(ct);
        var indexes = reports.Select(r => r.LogIndex).ToList();
        var entries = await db.LogEntries.AsNoTracking().Where(e => indexes.Contains(e.Index)).ToDictionaryAsync(e => e.Index, e => e.Payload, ct);
        var bids = await BidsAsync(t.Id, ct);
        var list = new List<PublicityCandidate>();
        foreach (var r in reports.Where(r => t.Lots.Any(l => l.Id == r.LotId && l.FailedReason is null)))
        {
            if (!entries.TryGetValue(r.LogIndex, out var payload)) continue;
            var root = JsonNode.Parse(payload);
            var ids = (root?["data"]?["candidates"] ?? root?["candidates"])?.AsArray().Select(x => Guid.Parse(x!.GetValue<string>())).ToList() ?? [];
            var rank = 0;
            foreach (var id in ids)
                if (bids.FirstOrDefault(b => b.BidId == id) is { PriceFen: { } price } b)
                    list.Add(new PublicityCandidate { LotId = r.LotId, Rank = ++rank, BidId = b.BidId, FirmId = b.FirmId, FirmName = b.Firm, PriceFen = price, DurationDays = b.DurationDays });
        }
        return list;
    }

    private async Task<Tender> OwnedAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await db.Tenders.AsNoTracking().Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        if (!actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        return t;
    }

    private Task<bool> IsBidderAsync(Actor actor, Guid tenderId, CancellationToken ct) =>
        actor.IsIn(Roles.Bidder)
            ? db.Set<Bid>().AnyAsync(b => b.TenderId == tenderId && b.FirmId == actor.OrganisationId && b.Status == BidStatus.Valid, ct)
            : Task.FromResult(false);

    private async Task NotifyOwnerSideAsync(Tender t, string kind, string subject, string body, CancellationToken ct)
    {
        foreach (var role in new[] { Roles.Owner, Roles.Agent })
            foreach (var org in new[] { t.OwnerOrganisationId, t.AgentOrganisationId }.OfType<Guid>())
                await notifier.RaiseToRoleAsync(role, id => new Notice(id, kind, subject, body, [t.Code, t.Title], $"/Award/Tender/{t.Id}", t.Id), ct, org);
    }

    private Task NotifyFirmAsync(Guid firmId, Tender t, string kind, string subject, string body, CancellationToken ct) =>
        notifier.RaiseToRoleAsync(Roles.Bidder, id => new Notice(id, kind, subject, body, [t.Code, t.Title], $"/Award/Tender/{t.Id}", t.Id), ct, firmId);

    /// <summary>The centre's log-signing key signs a note naming the notice and its PDF's hash: anyone with the centre's certificate checks it.</summary>
    private string SignNotice(NoticeKind kind, string code, string sha256) =>
        keys.LogSigner.Sign($"{keys.Origin}/award-notice\n{kind.ToString().ToLowerInvariant()} {code}\n{sha256}\n");

    private static void Refuse(List<RuleViolation> errors)
    {
        if (errors.Count == 1) throw new RuleViolationException(errors[0]);
        if (errors.Count > 1) throw new RuleViolationsException(errors);
    }

    /// <summary>Amounts go into the log as strings of yuan ("900000.00"): its canonical JSON holds integers only.</summary>
    private static string Amount(long fen) => Money.Yuan(fen).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
