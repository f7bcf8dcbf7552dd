using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.CheckIn;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>An opened bid the committee evaluates, with its computed price score (comprehensive scoring).</summary>
public sealed record EvaluatedBid(Guid BidId, string FirmName, long PriceFen, decimal? PriceScore, bool AbnormallyLow);

/// <summary>A revealed sheet, by the seat's pseudonym: the committee sees marks, never names.</summary>
public sealed record RevealedSheet(Guid MemberId, string Pseudonym, string Commitment, ScoreSheetContent Sheet);

/// <summary>A flagged mark and its reason, if the member has given one.</summary>
public sealed record FlaggedMark(Deviation Deviation, string Pseudonym, string? Reason);

/// <summary>What one member sees in the evaluation room now.</summary>
public sealed record RoomView(
    EvaluationSession Session, Tender Tender, ScoringScheme Scheme, Guid MemberId, string Pseudonym,
    IReadOnlyList<EvaluatedBid> Bids, ScoreSheet? MySheet, int Committed, int Serving,
    IReadOnlyList<RevealedSheet>? Sheets, IReadOnlyList<FlaggedMark>? Flags, IReadOnlyList<RankedBid>? Ranking);

/// <summary>
/// The evaluation room (评标, step 12): only for a seated member of the session's committee who checked in for
/// it, inside the session window. Each member commits their own sheet (its hash goes to the public log), sees
/// the others' only when every seat has committed, explains each flagged mark, and only then gets the ranking.
/// </summary>
public sealed class EvaluationService(TradingDbContext db, PublicLogWriter log, CentreTime time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<RoomView> RoomAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        var bids = await BidsAsync(session, scheme, ct);
        var serving = await db.Set<CommitteeMember>().AsNoTracking().Where(m => m.SessionId == sessionId).ToListAsync(ct);
        serving = serving.Where(m => m.Serving).ToList();
        var sheets = await db.Set<ScoreSheet>().AsNoTracking().Where(s => s.SessionId == sessionId).ToListAsync(ct);
        var mine = sheets.FirstOrDefault(s => s.MemberId == member.Id);
        var all = serving.Count > 0 && serving.All(m => sheets.Any(s => s.MemberId == m.Id));
        if (!all)
            return new RoomView(session, tender, scheme, member.Id, member.Pseudonym, bids, mine, sheets.Count(s => serving.Any(m => m.Id == s.MemberId)), serving.Count, null, null, null);

        var revealed = Reveal(sheets, serving);
        var flags = await FlagsAsync(sessionId, scheme, revealed, ct);
        var ranking = flags.All(f => f.Reason is not null)
            ? Scoring.Rank(scheme, bids.Select(b => new ValidBid(b.BidId, b.PriceFen)).ToList(), revealed.Select(r => r.Sheet).ToList())
            : null;
        return new RoomView(session, tender, scheme, member.Id, member.Pseudonym, bids, mine, revealed.Count, serving.Count, revealed, flags, ranking);
    }

    /// <summary>
    /// Commits the caller's own sheet: checked against the scheme and the valid bids, stored with a fresh nonce,
    /// its commitment in the log, all in one transaction. A second sheet from the same seat is refused.
    /// </summary>
    public async Task<ScoreSheet> CommitAsync(Actor actor, Guid sessionId, ScoreSheetContent sheet, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        if (sheet.MemberId != member.Id)
            throw Refuse(EvaluationRules.NotYourSheet);
        if (await db.Set<ScoreSheet>().AnyAsync(s => s.SessionId == sessionId && s.MemberId == member.Id, ct))
            throw Refuse(EvaluationRules.SheetCommitted);
        var bids = await BidsAsync(session, scheme, ct);
        var errors = Scoring.CheckSheet(scheme, bids.Select(b => new ValidBid(b.BidId, b.PriceFen)).ToList(), sheet);
        if (errors.Count > 0) throw new RuleViolationsException(errors);

        var nonce = ScoreSheetContent.NewNonce();
        var row = new ScoreSheet
        {
            SessionId = sessionId, MemberId = member.Id, SheetJson = JsonSerializer.Serialize(sheet, Json), Nonce = nonce,
            Commitment = sheet.Commitment(nonce), CommittedAt = time.UtcNow,
        };
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The first commitment starts step 12 when the tender stands at the check-in.
            if (tender.Step == LifecycleStep.ExpertCheckIn)
            {
                var tracked = await db.Tenders.FirstAsync(t => t.Id == tender.Id, ct);
                TenderLifecycle.Apply(tracked, LifecycleStep.Evaluation, new LifecycleContext(time.UtcNow, TenderRules.Default), actor.UserId, member.Pseudonym, actor.IpAddress, "evaluation.sheet.committed");
            }
            db.Add(row);
            var entry = await log.AppendAsync("evaluation.sheet.committed", tender.Id, new { draw = session.DrawId, seat = member.Pseudonym, commitment = row.Commitment }, ct);
            row.LogIndex = entry.Index;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same seat submitted twice at once: the unique index kept the first.
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.SheetCommitted);
        }
        return row;
    }

    /// <summary>The committee's sheets, only once every seat has committed (a member reads them in the room).</summary>
    public async Task<IReadOnlyList<RevealedSheet>> SheetsAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        return room.Sheets ?? throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
    }

    /// <summary>The caller's written reason for one of their own flagged marks; logged (its hash, not its text).</summary>
    public async Task ExplainAsync(Actor actor, Guid sessionId, Guid bidId, string itemCode, string? reason, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        if (room.Flags is null) throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
        var text = reason?.Trim() ?? "";
        if (text.Length is < 5 or > 2000) throw Refuse(EvaluationRules.ReasonLength, 5, 2000);
        var flag = room.Flags.FirstOrDefault(f => f.Deviation.MemberId == room.MemberId && f.Deviation.BidId == bidId && f.Deviation.ItemCode == itemCode)
            ?? throw Refuse(EvaluationRules.NoSuchDeviation);
        if (flag.Reason is not null) throw Refuse(EvaluationRules.ReasonGiven);
        db.Add(new DeviationReason { SessionId = sessionId, MemberId = room.MemberId, BidId = bidId, ItemCode = itemCode, Reason = text, At = time.UtcNow });
        try
        {
            await log.RecordAsync("evaluation.deviation.explained", room.Tender.Id, new
            {
                draw = room.Session.DrawId, seat = room.Pseudonym, item = itemCode,
                reason = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))),
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.ReasonGiven);
        }
    }

    /// <summary>The ranking, refused until every seat has committed and every flagged mark has its reason.</summary>
    public async Task<IReadOnlyList<RankedBid>> ResultsAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        if (room.Flags is null) throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
        return room.Ranking ?? throw Refuse(EvaluationRules.DeviationReasonMissing, room.Flags.Count(f => f.Reason is null));
    }

    private async Task<(EvaluationSession, CommitteeMember, Tender, ScoringScheme)> EnterAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var session = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct) ?? throw new NotFoundException();
        // Anyone but a seated member learns nothing, not even that the session exists.
        var member = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                            join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                            where m.SessionId == sessionId && e.UserId == actor.UserId
                                  && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                            select m).FirstOrDefaultAsync(ct) ?? throw new ForbiddenException(EvaluationRules.NotMember);
        var now = time.UtcNow;
        if (session.VoidedAt is not null || now < session.StartsAt || now > session.EndsAt)
            throw Refuse(EvaluationRules.SessionClosed, time.Format(session.StartsAt), time.Format(session.EndsAt));
        var checkedIn = await db.Set<CheckInAttempt>().AsNoTracking().AnyAsync(a => a.SessionId == sessionId && a.ClaimedExpertId == member.ExpertId
            && (a.Decision == CheckInDecision.Accepted || a.Decision == CheckInDecision.Overridden), ct);
        if (!checkedIn) throw Refuse(EvaluationRules.NotCheckedIn, session.EvaluationRoom);
        var tender = await db.Tenders.AsNoTracking().FirstAsync(t => t.Id == session.TenderId, ct);
        var scheme = ScoringScheme.FromJson(tender.ScoringSchemeJson) ?? ScoringScheme.Template(tender.EvaluationMethod);
        return (session, member, tender, scheme);
    }

    private async Task<List<EvaluatedBid>> BidsAsync(EvaluationSession session, ScoringScheme scheme, CancellationToken ct)
    {
        var rows = await (from b in db.Set<Bid>().AsNoTracking()
                          join o in db.Organisations.AsNoTracking() on b.FirmId equals o.Id
                          where b.TenderId == session.TenderId && b.LotId == session.LotId && b.Status == BidStatus.Valid
                                && b.OpeningStatus == BidOpeningStatus.Opened && b.PriceFen != null
                          select new { b.Id, o.Name, Price = b.PriceFen!.Value }).ToListAsync(ct);
        var valid = rows.Select(r => new ValidBid(r.Id, r.Price)).ToList();
        var prices = scheme.Method == EvaluationMethod.ComprehensiveScoring ? Scoring.PriceScores(scheme, valid) : new Dictionary<Guid, decimal>();
        var low = Scoring.AbnormallyLow(scheme, valid).ToHashSet();
        return rows.OrderBy(r => r.Price).ThenBy(r => r.Id)
            .Select(r => new EvaluatedBid(r.Id, r.Name, r.Price, prices.TryGetValue(r.Id, out var p) ? p : null, low.Contains(r.Id))).ToList();
    }

    private static List<RevealedSheet> Reveal(List<ScoreSheet> sheets, List<CommitteeMember> serving) =>
        serving.Select(m => (m, s: sheets.First(s => s.MemberId == m.Id)))
            .Select(x => new RevealedSheet(x.m.Id, x.m.Pseudonym, x.s.Commitment, JsonSerializer.Deserialize<ScoreSheetContent>(x.s.SheetJson, Json)!))
            .OrderBy(r => r.Pseudonym, StringComparer.Ordinal).ToList();

    private async Task<List<FlaggedMark>> FlagsAsync(Guid sessionId, ScoringScheme scheme, List<RevealedSheet> sheets, CancellationToken ct)
    {
        var reasons = await db.Set<DeviationReason>().AsNoTracking().Where(r => r.SessionId == sessionId).ToListAsync(ct);
        return Scoring.Deviations(scheme, sheets.Select(s => s.Sheet).ToList())
            .Select(d => new FlaggedMark(d, sheets.First(s => s.MemberId == d.MemberId).Pseudonym,
                reasons.FirstOrDefault(r => r.MemberId == d.MemberId && r.BidId == d.BidId && r.ItemCode == d.ItemCode)?.Reason))
            .ToList();
    }

    private static RuleViolationException Refuse(string code, params object[] args) => new(new RuleViolation(code, args));
}
