using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain.Experts;

namespace Trading.Web.Features.Draw;

/// <summary>A drawn expert of a session, with the account they sign in with (for check-in).</summary>
public sealed record DrawnExpert(Guid MemberId, Guid ExpertId, Guid UserId, string RegistrationNumber, string Name, string Stratum, CommitteeMemberStatus Status, string Pseudonym);

/// <summary>A session an expert sits on: where and when, and their seat.</summary>
public sealed record ExpertSession(Guid SessionId, string DrawId, Guid TenderId, Guid LotId, string EvaluationRoom, DateTime StartsAt, DateTime EndsAt, Guid MemberId, CommitteeMemberStatus Status);

/// <summary>
/// Read side of evaluation sessions for other features (the check-in kiosk, evaluation). It answers with
/// identities, so callers must already be entitled to them (centre staff, supervisors, the expert
/// themselves); owners and bidders see drawn experts only through <see cref="DrawService"/>, which seals them.
/// </summary>
public sealed class EvaluationSessions(TradingDbContext db)
{
    public Task<EvaluationSession?> FindAsync(Guid sessionId, CancellationToken ct = default) =>
        db.Set<EvaluationSession>().AsNoTracking().Include(s => s.Requirements).FirstOrDefaultAsync(s => s.Id == sessionId, ct);

    /// <summary>Every expert drawn for the session, including those who left (their status says so), in seat order.</summary>
    public async Task<IReadOnlyList<DrawnExpert>> DrawnExpertsAsync(Guid sessionId, CancellationToken ct = default)
    {
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          where m.SessionId == sessionId
                          select new { m, e.UserId, e.RegistrationNumber, e.Name }).ToListAsync(ct);
        return rows.OrderBy(r => r.m.InvitedAt).ThenBy(r => r.m.Stratum, StringComparer.Ordinal).ThenBy(r => r.m.Pseudonym, StringComparer.Ordinal)
            .Select(r => new DrawnExpert(r.m.Id, r.m.ExpertId, r.UserId, r.RegistrationNumber, r.Name, r.m.Stratum, r.m.Status, r.m.Pseudonym))
            .ToList();
    }

    /// <summary>
    /// Sessions of a non-voided draw where the expert (by their user id) holds a seat (invited or accepted)
    /// and <paramref name="atUtc"/> falls between <paramref name="opensBefore"/> (default two hours) before the
    /// start and the end.
    /// </summary>
    public async Task<IReadOnlyList<ExpertSession>> SessionsForExpertAsync(Guid expertUserId, DateTime atUtc, TimeSpan? opensBefore = null, CancellationToken ct = default)
    {
        var early = opensBefore ?? TimeSpan.FromHours(2);
        var latestStart = atUtc + early;
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          where e.UserId == expertUserId
                                && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                                && s.VoidedAt == null && s.StartsAt <= latestStart && s.EndsAt >= atUtc
                          select new ExpertSession(s.Id, s.DrawId, s.TenderId, s.LotId, s.EvaluationRoom, s.StartsAt, s.EndsAt, m.Id, m.Status))
            .ToListAsync(ct);
        return rows.OrderBy(r => r.StartsAt).ToList();
    }

    /// <summary>The pool profile of a user, or null if they have none.</summary>
    public Task<PoolExpert?> ExpertForUserAsync(Guid userId, CancellationToken ct = default) =>
        db.Set<PoolExpert>().AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, ct);
}
