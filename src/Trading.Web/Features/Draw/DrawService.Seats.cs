using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>The draw, step 5: the experts' answers, conflicts, answer windows and replacements from the reserve.</summary>
public sealed partial class DrawService
{
    /// <summary>The expert's own seats (any session, any status), newest first.</summary>
    public async Task<IReadOnlyList<(CommitteeMember Member, EvaluationSession Session, Tender Tender, Lot Lot, IReadOnlyList<string> DeclineReasons)>> InvitationsAsync(Actor actor, CancellationToken ct)
    {
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                          join l in db.Lots.AsNoTracking() on s.LotId equals l.Id
                          where e.UserId == actor.UserId
                          select new { m, s, t, l }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.m.InvitedAt)
            .Select(r => (r.m, r.s, r.t, r.l, DrawRecordJson.Deserialize(r.s.RecordJson).Request.DeclineReasons)).ToList();
    }

    /// <summary>The expert accepts, declines (a declared reason) or, after accepting, withdraws (a declared reason).</summary>
    public async Task RespondAsync(Actor actor, Guid memberId, bool accept, string? declineReason, CancellationToken ct)
    {
        var m = await db.Set<CommitteeMember>().FirstOrDefaultAsync(x => x.Id == memberId, ct) ?? throw new NotFoundException();
        var expert = await db.Set<PoolExpert>().AsNoTracking().FirstAsync(x => x.Id == m.ExpertId, ct);
        if (expert.UserId != actor.UserId) throw new ForbiddenException(RuleCodes.OtherExpert);
        if (!m.Serving) throw new RuleViolationException(new RuleViolation(DrawRules.NotServing));
        if (m.Status == CommitteeMemberStatus.Invited && m.RespondBy <= NowUtc)
            throw new RuleViolationException(new RuleViolation(DrawRules.ResponseWindowClosed, m.RespondBy));
        if (accept)
        {
            if (m.Status == CommitteeMemberStatus.Accepted) return;
            await StepAsync(actor, m.SessionId, (s, t, r) =>
            {
                var tracked = s.Members.First(x => x.Id == memberId);
                tracked.Status = CommitteeMemberStatus.Accepted;
                tracked.RespondedAt = NowUtc;
                return new DrawTransition(r, [new DrawEvent(r.DrawId, r.Phase, Reason.Of("draw.event.accepted", ("pseudonym", tracked.Pseudonym)), Now)]);
            }, ct);
            return;
        }
        var status = m.Status == CommitteeMemberStatus.Accepted ? CommitteeMemberStatus.Replaced : CommitteeMemberStatus.Declined;
        await ReplaceAsync(actor, memberId, ReplacementReason.Declined, status, declineReason, ct);
    }

    /// <summary>A conflict of interest found after the draw (centre or supervision): the seat goes to the next reserve.</summary>
    public Task ReportConflictAsync(Actor actor, Guid memberId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        return ReplaceAsync(actor, memberId, ReplacementReason.ConflictFound, CommitteeMemberStatus.Conflict, null, ct);
    }

    /// <summary>Replaces every invited expert whose answer window has passed; returns how many.</summary>
    public async Task<int> ExpireNoAnswersAsync(CancellationToken ct)
    {
        var now = NowUtc;
        var due = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                         join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                         where m.Status == CommitteeMemberStatus.Invited && m.RespondBy <= now && s.VoidedAt == null
                         orderby m.RespondBy
                         select m.Id).ToListAsync(ct);
        var done = 0;
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            await ReplaceAsync(null, id, ReplacementReason.NoAnswer, CommitteeMemberStatus.NoAnswer, null, ct);
            done++;
        }
        return done;
    }

    private Task ReplaceAsync(Actor? actor, Guid memberId, ReplacementReason reason, CommitteeMemberStatus status, string? declineReason, CancellationToken ct) =>
        StepAsync(actor, null, (s, t, r) =>
        {
            var m = s.Members.First(x => x.Id == memberId);
            if (!m.Serving) throw new RuleViolationException(new RuleViolation(DrawRules.NotServing));
            var next = DrawProcess.Replace(r, m.Pseudonym, reason, reason == ReplacementReason.Declined ? declineReason : null, Now);
            m.Status = status;
            m.RespondedAt = NowUtc;
            m.DeclineReason = reason == ReplacementReason.Declined ? declineReason : null;
            var incoming = next.Record.Replacements[^1].In;
            if (incoming is not null)
            {
                var member = NewMember(s, incoming, next.Record.Replacements[^1].Stratum);
                m.ReplacedByMemberId = member.Id;
            }
            return next;
        }, ct, memberId);
}
