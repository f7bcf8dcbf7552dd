using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>
/// The expert draw in the web app. Every step goes through <c>Trading.ExpertPool</c> (the record is the
/// state), is saved with its log entries in one transaction, and is refused with the library's reason when
/// the library refuses. Identities of the drawn experts are shown only to the centre and supervision
/// office, and to everyone once the tender has reached the award notice (Bidding Law art. 37).
/// </summary>
public sealed partial class DrawService(
    TradingDbContext db, PublicLogWriter log, Notifier notifier, TimeProvider clock, CentreTime time, ILotBidders bidders,
    DrawPseudonymKey key, IOptions<ExpertDrawOptions> options, BeaconSources beacons, Texts texts, Tenders.TenderMoves moves, IOptions<PlatformOptions> platform)
{
    public const string Supervision = "supervision";
    public const string Centre = "centre";
    public const string OwnerOffice = "owner";

    private DateTimeOffset Now => clock.GetUtcNow();
    private DateTime NowUtc => Now.UtcDateTime;

    public static bool IsStaff(Actor a) => a.IsIn(Roles.CentreStaff, Roles.Admin);

    /// <summary>Centre, supervision and admins see who was drawn; everyone once the award is decided.</summary>
    public static bool CanSeeIdentities(Actor? a, Tender t) =>
        t.Step >= LifecycleStep.AwardNotice || (a is not null && a.IsIn(Roles.CentreStaff, Roles.Supervisor, Roles.Admin));

    /// <summary>The office (of the three that commit to the seed) the actor acts for on this tender, if any.</summary>
    public static string? OfficeOf(Actor a, Tender t) =>
        a.IsIn(Roles.Supervisor) ? Supervision : a.IsIn(Roles.CentreStaff) ? Centre : a.IsOwnerSideOf(t) ? OwnerOffice : null;

    // Reading: DrawService.Reading.cs; the request and the eligible list: DrawService.Request.cs; commit, reveal,
    // beacon, draw and void: DrawService.Seed.cs; answers and replacements: DrawService.Seats.cs. Here: what every step shares.

    private readonly List<(CommitteeMember Member, Guid UserId)> _invited = [];
    private Dictionary<string, PoolExpert>? _expertsByRegistration;

    private CommitteeMember NewMember(EvaluationSession s, string pseudonym, string stratum)
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(s.PseudonymMapJson)!;
        var expert = _expertsByRegistration![map[pseudonym]];
        var m = new CommitteeMember
        {
            SessionId = s.Id, ExpertId = expert.Id, Pseudonym = pseudonym, Stratum = stratum, Status = CommitteeMemberStatus.Invited,
            InvitedAt = NowUtc, RespondBy = NowUtc.AddHours(s.ResponseWindowHours),
        };
        db.Add(m);
        _invited.Add((m, expert.UserId));
        return m;
    }

    /// <summary>The people who act for the given offices on this tender's draw: supervisors, centre staff, the owner side.</summary>
    private async Task<List<Guid>> OfficeUsersAsync(Tender t, IEnumerable<string> offices, CancellationToken ct)
    {
        var users = new List<Guid>();
        foreach (var office in offices.Distinct())
            users.AddRange(office switch
            {
                Supervision => await notifier.UsersInRolesAsync(await OrganisationsAsync(OrganisationKind.SupervisionOffice), [Roles.Supervisor], ct),
                Centre => await notifier.UsersInRolesAsync(await OrganisationsAsync(OrganisationKind.TradingCentre), [Roles.CentreStaff], ct),
                _ => await notifier.OwnerSideAsync(t.OwnerOrganisationId, t.AgentOrganisationId, ct),
            });
        return users;

        Task<List<Guid>> OrganisationsAsync(OrganisationKind kind) => db.Organisations.Where(o => o.Kind == kind).Select(o => o.Id).ToListAsync(ct);
    }

    /// <summary>
    /// One step of a draw: load the session (tracked) with its tender, let <paramref name="step"/> produce the
    /// next record from the library, then save the record, the members it makes and its log entries in one
    /// transaction. The session's version makes two concurrent steps on one draw conflict instead of both landing.
    /// </summary>
    private async Task StepAsync(Actor? actor, Guid? sessionId, Func<EvaluationSession, Tender, DrawRecord, DrawTransition> step, CancellationToken ct, Guid? memberId = null)
    {
        _invited.Clear();
        var id = sessionId ?? await db.Set<CommitteeMember>().Where(m => m.Id == memberId).Select(m => m.SessionId).FirstOrDefaultAsync(ct);
        var s = await db.Set<EvaluationSession>().Include(x => x.Members).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == s.TenderId, ct);
        if (actor is not null && OfficeOf(actor, t) is null && !actor.IsIn(Roles.Admin, Roles.Expert))
            throw new ForbiddenException(RuleCodes.NotOwnerSide);
        _expertsByRegistration = await db.Set<PoolExpert>().AsNoTracking().ToDictionaryAsync(e => e.RegistrationNumber, ct);
        var before = DrawRecordJson.Deserialize(s.RecordJson);
        DrawTransition next;
        try
        {
            next = step(s, t, before);
        }
        catch (ExpertDrawException e)
        {
            throw DrawCulture.Wrap(e);
        }
        if (before.Phase != DrawPhase.Drawn && next.Record.Phase == DrawPhase.Drawn)
        {
            s.DrawnAt = NowUtc;
            foreach (var seat in DrawProcess.Committee(next.Record))
                NewMember(s, seat.Pseudonym, seat.Stratum);
        }
        s.RecordJson = DrawRecordJson.Serialize(next.Record);
        s.Phase = next.Record.Phase;

        foreach (var (m, userId) in _invited)
        {
            notifier.Raise(new Notice(userId, "draw.invited", "Draw.Notice.InvitedSubject", "Draw.Notice.InvitedBody",
                [t.Code, s.EvaluationRoom, time.Format(s.StartsAt), time.Format(m.RespondBy)], "/Draw/Invitations", t.Id));
        }
        if (next.Events.Any(e => e.Reason.Code == ReasonCodes.EventReserveExhausted))
            await notifier.RaiseToRoleAsync(Roles.CentreStaff, u => new Notice(u, "draw.reserve-exhausted", "Draw.Notice.ExhaustedSubject", "Draw.Notice.ExhaustedBody", [t.Code, s.DrawId], $"/Draw/Details/{s.Id}", t.Id), ct);
        // The offices' next turns: once commitments close, each office that committed reveals its value; once every
        // committed value (and a named beacon) is in, the centre draws.
        if (before.Phase == DrawPhase.Committing && next.Record.Phase == DrawPhase.Revealing)
            await notifier.RaiseOnceAsync(await OfficeUsersAsync(t, next.Record.Commitments.Select(c => c.Office), ct),
                u => new Notice(u, "draw.reveal", "Draw.Notice.RevealSubject", "Draw.Notice.RevealBody", [t.Code, s.DrawId], $"/Draw/Details/{s.Id}", t.Id), ct);
        if (DrawProcess.AwaitsOnlyTheDraw(next.Record) && !DrawProcess.AwaitsOnlyTheDraw(before))
            await notifier.RaiseOnceAsync(await OfficeUsersAsync(t, [Centre], ct),
                u => new Notice(u, "draw.ready", "Draw.Notice.ReadySubject", "Draw.Notice.ReadyBody", [t.Code, s.DrawId], $"/Draw/Details/{s.Id}", t.Id), ct);
        if (next.Record.Phase == DrawPhase.Voided && before.Phase != DrawPhase.Voided)
        {
            var serving = s.Members.Where(m => m.Serving).Select(m => m.ExpertId).ToList();
            foreach (var u in _expertsByRegistration.Values.Where(e => serving.Contains(e.Id)).Select(e => e.UserId))
                notifier.Raise(new Notice(u, "draw.voided", "Draw.Notice.VoidedSubject", "Draw.Notice.VoidedBody", [t.Code, s.EvaluationRoom], "/Draw/Invitations", t.Id));
        }

        await log.ActAsync(async () =>
        {
            await AppendEventsAsync(s, next.Events, ct);
            await db.SaveChangesAsync(ct);
            // A committee drawn (or a draw voided) changes what step 9 needs: the tender moves with the draw, in its transaction.
            if (before.Phase != next.Record.Phase) await moves.AdvanceAsync(t.Id, actor, ct);
        }, ct);
    }

    /// <summary>
    /// Each library event becomes a log entry "draw.&lt;event&gt;" with the draw id, the phase after it and the
    /// event's arguments: hashes, offices and per-draw pseudonyms only, never a name.
    /// </summary>
    private async Task AppendEventsAsync(EvaluationSession s, IEnumerable<DrawEvent> events, CancellationToken ct, object? extra = null)
    {
        foreach (var e in events)
        {
            var type = "draw." + e.Reason.Code.Replace("draw.event.", "", StringComparison.Ordinal);
            await log.AppendAsync(type, s.TenderId, new
            {
                drawId = e.DrawId,
                phase = DrawCulture.Name(e.Phase),
                args = e.Reason.Args.ToDictionary(kv => kv.Key, kv => kv.Value),
                extra,
            }, ct);
        }
    }
}
