using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Notifications;

/// <summary>
/// The turns that come with time rather than with somebody's act: the bid deadline drawing near (told to each firm
/// that took the documents, a day before by default), the evaluation session drawing near (told to each expert who
/// accepted a seat, a day before by default) and the end of the candidates' publicity (told to the owner side,
/// which may then award). Each notice goes once (<see cref="Notifier.RaiseOnceAsync(Notice, CancellationToken)"/>):
/// the job runs every minute and a run that finds nothing new raises nothing.
/// </summary>
public sealed class TurnWatcher(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<TurnWatcher> logger)
    : ScheduledJob(config, logger)
{
    protected override TimeSpan Period => TimeSpan.FromMinutes(1);

    /// <summary>How long before the bid deadline firms that took the documents are reminded (Notifications:DeadlineReminderHours).</summary>
    public TimeSpan DeadlineLead { get; } = TimeSpan.FromHours(Math.Clamp(config.GetValue("Notifications:DeadlineReminderHours", 24), 1, 24 * 7));

    /// <summary>How long before an evaluation session its accepted experts are reminded (Notifications:SessionReminderHours).</summary>
    public TimeSpan SessionLead { get; } = TimeSpan.FromHours(Math.Clamp(config.GetValue("Notifications:SessionReminderHours", 24), 1, 24 * 7));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var notifier = sp.GetRequiredService<Notifier>();
        var time = sp.GetRequiredService<CentreTime>();
        var now = clock.GetUtcNow().UtcDateTime;
        var raised = 0;

        // Step 7: the deadline is near. Each firm hears of its own copy of the documents only, so the notice tells nobody
        // who else took them or how many did (the count stays sealed until the deadline).
        var soon = now + DeadlineLead;
        var closing = await db.Tenders.AsNoTracking()
            .Where(t => t.Step == LifecycleStep.NoticePublished && !t.Failed && t.LockedReason == null && t.BidDeadline > now && t.BidDeadline <= soon)
            .Select(t => new { t.Id, t.Code, t.Title, t.BidDeadline }).ToListAsync(ct);
        foreach (var t in closing)
            raised += await notifier.RaiseOnceAsync(await notifier.DocumentTakersAsync(t.Id, ct),
                u => new Notice(u, "tender.deadline.near", "Tender.Notice.DeadlineSubject", "Tender.Notice.DeadlineBody", [t.Code, t.Title, time.Format(t.BidDeadline)],
                    $"/Tenders/Details/{t.Id}", t.Id), ct);

        // Step 11: the evaluation session is near. Each expert who accepted a seat hears of their own session only: where,
        // when, and that the kiosk checks them in (a seat still unanswered has its invitation, and may yet go to a reserve).
        var starting = await (from s in db.Set<EvaluationSession>().AsNoTracking()
                              join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                              where s.DrawnAt != null && s.VoidedAt == null && s.StartsAt > now && s.StartsAt <= now + SessionLead && t.LockedReason == null
                              select new { s.Id, t.Code, TenderId = t.Id, s.EvaluationRoom, s.StartsAt }).ToListAsync(ct);
        foreach (var s in starting)
        {
            var experts = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                                 join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                                 where m.SessionId == s.Id && m.Status == CommitteeMemberStatus.Accepted
                                 select e.UserId).ToListAsync(ct);
            raised += await notifier.RaiseOnceAsync(experts,
                u => new Notice(u, "evaluation.session.near", "Evaluation.Notice.SessionSubject", "Evaluation.Notice.SessionBody",
                    [s.Code, s.EvaluationRoom, time.Format(s.StartsAt)], "/Evaluation", s.TenderId), ct);
        }

        // Step 14 to 16: the publicity has ended and a lot is still to be awarded: the owner side's turn.
        var ended = await (from p in db.Set<CandidatePublicity>().AsNoTracking()
                           join t in db.Tenders.AsNoTracking() on p.TenderId equals t.Id
                           where p.EndsAt <= now && t.Step >= LifecycleStep.CandidatePublicity && t.Step < LifecycleStep.AwardNotice && t.LockedReason == null
                           select new { t.Id, t.Code, t.Title, t.OwnerOrganisationId, t.AgentOrganisationId, p.EndsAt }).ToListAsync(ct);
        foreach (var t in ended)
            raised += await notifier.RaiseOnceAsync(await notifier.OwnerSideAsync(t.OwnerOrganisationId, t.AgentOrganisationId, ct),
                u => new Notice(u, "award.due", "Award.Notice.DueSubject", "Award.Notice.DueBody", [t.Code, t.Title, time.Format(t.EndsAt)], $"/Award/Tender/{t.Id}", t.Id), ct);

        if (raised > 0) await db.SaveChangesAsync(ct);
        return raised;
    }
}
