using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>A clarification as the bidder's page lists it: the tender and lot, never the committee's seats.</summary>
public sealed record MyClarification(BidClarification Clarification, string TenderCode, string TenderTitle, int LotNumber, string LotName);

/// <summary>
/// Clarifications during evaluation (评标澄清): the chair asks one bidder a written question with a deadline inside the
/// session; the bidder's users are notified and answer once on their own page; the room shows questions and answers.
/// The log gets the question's and the answer's SHA-256 only: the texts stay with the committee and the bidder, as the
/// report is not public either.
/// </summary>
public sealed class BidClarifications(TradingDbContext db, EvaluationService evaluation, PublicLogWriter log, CentreTime time, Notifier notifier)
{
    /// <summary>The session's clarifications, for a seated, checked-in member (the room's own admission check).</summary>
    public async Task<IReadOnlyList<BidClarification>> ForRoomAsync(Actor actor, Guid sessionId, CancellationToken ct) =>
        await OfAsync(await evaluation.RoomAsync(actor, sessionId, ct), ct);

    /// <summary>The clarifications of a room the caller has already been admitted to (the room page has its view).</summary>
    public async Task<IReadOnlyList<BidClarification>> OfAsync(RoomView room, CancellationToken ct) =>
        await db.Set<BidClarification>().AsNoTracking().Where(c => c.SessionId == room.Session.Id).OrderBy(c => c.AskedAt).ToListAsync(ct);

    public async Task<BidClarification> AskAsync(Actor actor, Guid sessionId, Guid bidId, string? question, int minutes, CancellationToken ct)
    {
        var room = await evaluation.RoomAsync(actor, sessionId, ct);
        if (room.ChairId is null) throw Refuse(EvaluationRules.ChairNotElected);
        if (!room.IAmChair) throw Refuse(EvaluationRules.NotChair);
        if (!room.Bids.Any(b => b.BidId == bidId)) throw Refuse(EvaluationRules.ClarificationUnknownBid);
        var now = time.UtcNow;
        if (ClarificationRules.CheckQuestion(question, minutes, now, room.Session.EndsAt) is { } v) throw new RuleViolationException(v);
        var firmId = await db.Set<Bid>().Where(b => b.Id == bidId).Select(b => b.FirmId).SingleAsync(ct);
        var c = new BidClarification { SessionId = sessionId, BidId = bidId, Question = question!.Trim(), AskedAt = now, AnswerBy = now.AddMinutes(minutes) };
        await log.ActAsync(async () =>
        {
            db.Add(c);
            await log.AppendAsync("evaluation.clarification.asked", room.Tender.Id, new
            {
                draw = room.Session.DrawId, clarification = c.Id, bid = bidId, answerBy = c.AnswerBy, question = Sha256(c.Question),
            }, ct);
            var bidderUsers = await db.Users.Where(u => u.OrganisationId == firmId).Select(u => u.Id).ToListAsync(ct);
            foreach (var id in bidderUsers)
                notifier.Raise(new Notice(id, "evaluation.clarification", "Evaluation.Clarify.NoticeSubject", "Evaluation.Clarify.NoticeBody",
                    [room.Tender.Code, time.Format(c.AnswerBy)], "/Evaluation/Clarifications", room.Tender.Id));
        }, ct);
        return c;
    }

    /// <summary>The caller's firm's clarifications, newest first.</summary>
    public async Task<IReadOnlyList<MyClarification>> MineAsync(Actor actor, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Bidder)) throw new ForbiddenException(EvaluationRules.ClarificationNotYourBid);
        var firm = actor.OrganisationId;
        var rows = await (from c in db.Set<BidClarification>().AsNoTracking()
                          join b in db.Set<Bid>().AsNoTracking() on c.BidId equals b.Id
                          join t in db.Tenders.AsNoTracking() on b.TenderId equals t.Id
                          join l in db.Lots.AsNoTracking() on b.LotId equals l.Id
                          where b.FirmId == firm
                          select new { c, t.Code, t.Title, l.Number, l.Name }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.c.AskedAt).Select(r => new MyClarification(r.c, r.Code, r.Title, r.Number, r.Name)).ToList();
    }

    public async Task<BidClarification> AnswerAsync(Actor actor, Guid clarificationId, string? answer, CancellationToken ct)
    {
        var c = await db.Set<BidClarification>().FirstOrDefaultAsync(x => x.Id == clarificationId, ct) ?? throw new NotFoundException();
        var bid = await db.Set<Bid>().AsNoTracking().SingleAsync(b => b.Id == c.BidId, ct);
        // Another firm learns nothing, not even that the question exists.
        if (!actor.IsIn(Roles.Bidder) || actor.OrganisationId != bid.FirmId) throw new NotFoundException();
        if (ClarificationRules.CheckAnswer(c, answer, time.UtcNow) is { } v) throw new RuleViolationException(v);
        c.Answer = answer!.Trim();
        c.AnsweredAt = time.UtcNow;
        c.AnsweredByUserId = actor.UserId;
        try
        {
            await log.RecordAsync("evaluation.clarification.answered", bid.TenderId, new { clarification = c.Id, bid = bid.Id, answer = Sha256(c.Answer) }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Two answers at once: the first stands, the second is told it is closed.
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.ClarificationClosed, c.AnswerBy);
        }
        return c;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static RuleViolationException Refuse(string code, params object[] args) => new(new RuleViolation(code, args));
}
