using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>The draw, steps 3-4: commitments, reveals, the beacon, the draw itself, and voiding.</summary>
public sealed partial class DrawService
{
    public Task CommitAsync(Actor actor, Guid sessionId, string commitment, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            var office = OfficeOf(actor, t) ?? throw new RuleViolationException(new RuleViolation(DrawRules.NotYourOffice));
            return DrawProcess.Commit(r, office, (commitment ?? "").Trim().ToLowerInvariant(), Now);
        }, ct);

    public Task CloseCommitmentsAsync(Actor actor, Guid sessionId, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(RuleCodes.CentreStaffOnly);
            return DrawProcess.CloseCommitments(r, Now);
        }, ct);

    public Task RevealAsync(Actor actor, Guid sessionId, string value, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            var office = OfficeOf(actor, t) ?? throw new RuleViolationException(new RuleViolation(DrawRules.NotYourOffice));
            if ((value ?? "").Length > 1024) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "value"));
            return DrawProcess.Reveal(r, office, DrawProcess.ParseOfficeValue(office, value ?? ""), Now);
        }, ct);

    /// <summary>Sets the beacon value from a registered source (by name) or typed in by staff (source null).</summary>
    public async Task SetBeaconAsync(Actor actor, Guid sessionId, string? sourceName, string? round, string? valueHex, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        var s = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        var expected = s.BeaconRound ?? "";
        var source = sourceName is null
            ? BeaconSources.Manual((round ?? "").Trim(), (valueHex ?? "").Trim(), log.Pseudonym("user", actor.UserId.ToString()))
            : beacons.Find(sourceName) ?? throw new NotFoundException();
        BeaconValue value;
        try
        {
            value = await source.GetAsync(expected, ct);
        }
        catch (ExpertDrawException e)
        {
            throw DrawCulture.Wrap(e);
        }
        await StepAsync(actor, sessionId, (_, _, r) => DrawProcess.SetBeacon(r, value, Now), ct);
    }

    public Task DrawAsync(Actor actor, Guid sessionId, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(RuleCodes.CentreStaffOnly);
            return DrawProcess.Draw(r, Now);
        }, ct);

    public Task VoidAsync(Actor actor, Guid sessionId, string reason, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
            if ((reason ?? "").Length > 1000) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "reason"));
            var next = DrawProcess.Void(r, "supervisor:" + log.Pseudonym("user", actor.UserId.ToString()), (reason ?? "").Trim(), Now);
            s.VoidedAt = NowUtc;
            s.VoidedByUserId = actor.UserId;
            s.VoidReason = reason!.Trim();
            return next;
        }, ct);
}
