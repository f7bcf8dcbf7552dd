using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Engagements;

public sealed record EngagementInput(Guid AgentOrganisationId, string Scope);

public sealed record EndEngagementInput(string Reason);

/// <summary>One engagement as pages and the API show it.</summary>
public sealed record EngagementView(Guid Id, Guid OwnerId, string Owner, Guid AgentId, string Agent, string Scope, DateTime StartedAt, DateTime? EndedAt, string? EndReason);

/// <summary>
/// Owners record and end their engagements of tendering agencies; an agency acts for an owner only under one that
/// runs (the probe found any agent could register and publish tenders in any owner's name).
/// </summary>
public sealed class EngagementService(TradingDbContext db, PublicLogWriter log, TimeProvider clock)
{
    public const int MaxText = 500;

    /// <summary>Whether the agency acts for the owner now.</summary>
    public Task<bool> IsEngagedAsync(Guid ownerId, Guid agentId, CancellationToken ct) =>
        db.AgentEngagements.AnyAsync(e => e.OwnerOrganisationId == ownerId && e.AgentOrganisationId == agentId && e.EndedAt == null, ct);

    /// <summary>The owners an agency acts for now, for its "new tender" form.</summary>
    public async Task<List<(Guid Id, string Name)>> OwnersOfAsync(Guid agentId, CancellationToken ct) =>
        (await (from e in db.AgentEngagements
                join o in db.Organisations on e.OwnerOrganisationId equals o.Id
                where e.AgentOrganisationId == agentId && e.EndedAt == null
                orderby o.Name
                select new { o.Id, o.Name }).Distinct().ToListAsync(ct)).Select(x => (x.Id, x.Name)).ToList();

    /// <summary>An owner sees its engagements, an agency those naming it, the oversight offices all.</summary>
    public async Task<List<EngagementView>> ListAsync(Actor actor, CancellationToken ct)
    {
        var q = db.AgentEngagements.AsNoTracking();
        if (actor.IsIn(Roles.Owner)) q = q.Where(e => e.OwnerOrganisationId == actor.OrganisationId);
        else if (actor.IsIn(Roles.Agent)) q = q.Where(e => e.AgentOrganisationId == actor.OrganisationId);
        else if (!actor.IsOversight) throw new ForbiddenException(RuleCodes.OwnerOrAgentOnly);
        return (await (from e in q
                       join o in db.Organisations on e.OwnerOrganisationId equals o.Id
                       join a in db.Organisations on e.AgentOrganisationId equals a.Id
                       select new EngagementView(e.Id, o.Id, o.Name, a.Id, a.Name, e.Scope, e.StartedAt, e.EndedAt, e.EndReason)).ToListAsync(ct))
            .OrderBy(e => e.EndedAt is not null).ThenByDescending(e => e.StartedAt).ToList();
    }

    /// <summary>The agencies an owner may engage.</summary>
    public Task<List<Organisation>> AgenciesAsync(CancellationToken ct) =>
        db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.Agency).OrderBy(o => o.Name).ToListAsync(ct);

    public async Task<AgentEngagement> RecordAsync(Actor actor, EngagementInput input, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Owner)) throw new ForbiddenException(RuleCodes.OwnerOnly);
        var scope = (input.Scope ?? "").Trim();
        if (scope.Length == 0) throw new RuleViolationException(new RuleViolation("Rule.Engagement.ScopeRequired"));
        if (scope.Length > MaxText) throw new RuleViolationException(new RuleViolation("Rule.Engagement.TooLong", MaxText));
        if (!await db.Organisations.AnyAsync(o => o.Id == input.AgentOrganisationId && o.Kind == OrganisationKind.Agency, ct))
            throw new RuleViolationException(new RuleViolation("Rule.Engagement.NotAnAgency"));
        return await log.ActAsync(async () =>
        {
            // Under the log's lock, so two clicks cannot record the same engagement twice.
            await log.LockAsync(ct);
            if (await IsEngagedAsync(actor.OrganisationId, input.AgentOrganisationId, ct))
                throw new RuleViolationException(new RuleViolation("Rule.Engagement.AlreadyActive"));
            var e = new AgentEngagement
            {
                OwnerOrganisationId = actor.OrganisationId, AgentOrganisationId = input.AgentOrganisationId, Scope = scope,
                StartedAt = clock.GetUtcNow().UtcDateTime, RecordedByUserId = actor.UserId,
            };
            db.AgentEngagements.Add(e);
            // Who acts for whom is public: agencies' engagements are announced with the tender notice anyway.
            await log.AppendAsync("agent.engaged", null, new { engagement = e.Id, owner = e.OwnerOrganisationId, agent = e.AgentOrganisationId, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
            return e;
        }, ct);
    }

    /// <summary>
    /// The owner ends an engagement: the agency stops acting on the owner's tenders at once (their agent is cleared, so
    /// every ownership check refuses it) and registers none in the owner's name.
    /// </summary>
    public async Task EndAsync(Actor actor, Guid id, EndEngagementInput input, CancellationToken ct)
    {
        var reason = (input.Reason ?? "").Trim();
        var e = await db.AgentEngagements.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        if (!actor.IsIn(Roles.Owner) || e.OwnerOrganisationId != actor.OrganisationId) throw new ForbiddenException(RuleCodes.OwnerOnly);
        if (reason.Length == 0) throw new RuleViolationException(new RuleViolation("Rule.Engagement.ReasonRequired"));
        if (reason.Length > MaxText) throw new RuleViolationException(new RuleViolation("Rule.Engagement.TooLong", MaxText));
        if (!e.IsActive) throw new RuleViolationException(new RuleViolation("Rule.Engagement.AlreadyEnded"));
        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            e.EndedAt = clock.GetUtcNow().UtcDateTime;
            e.EndedByUserId = actor.UserId;
            e.EndReason = reason;
            var tenders = await db.Tenders.Where(t => t.OwnerOrganisationId == e.OwnerOrganisationId && t.AgentOrganisationId == e.AgentOrganisationId).ToListAsync(ct);
            foreach (var t in tenders) t.AgentOrganisationId = null;
            await log.AppendAsync("agent.engagement.ended", null, new { engagement = e.Id, owner = e.OwnerOrganisationId, agent = e.AgentOrganisationId, tenders = tenders.Select(t => t.Code).ToArray(), by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        }, ct);
    }
}
