using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;

namespace Trading.Web.Features.Supervision;

/// <summary>When an event happened to a subject ("tender.step.14" to a tender, "firm.registered" to a firm).</summary>
public sealed record LimitEventTime(string SubjectKind, Guid SubjectId, string Event, DateTime At, Guid? TenderId = null);

/// <summary>
/// Where limit events come from. Tender steps and firm filing are built in; a feature that adds events
/// (objections received and answered, for example) registers its own source with
/// <c>services.AddScoped&lt;ILimitEventSource, X&gt;()</c>, and a limit configured on those events starts counting.
/// </summary>
public interface ILimitEventSource
{
    Task<IReadOnlyList<LimitEventTime>> GetAsync(IReadOnlySet<string> events, CancellationToken ct);
}

/// <summary>"tender.step.N": the latest move of each tender into step N (a re-run counts from the new move).</summary>
public sealed class TenderStepEvents(TradingDbContext db) : ILimitEventSource
{
    public const string Prefix = "tender.step.";

    public async Task<IReadOnlyList<LimitEventTime>> GetAsync(IReadOnlySet<string> events, CancellationToken ct)
    {
        var steps = events.Where(e => e.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(e => int.TryParse(e.AsSpan(Prefix.Length), out var n) ? n : 0).Where(n => n is >= 1 and <= 18)
            .Select(n => (LifecycleStep)n).ToList();
        if (steps.Count == 0) return [];
        var rows = await db.StepTransitions.AsNoTracking().Where(x => steps.Contains(x.To))
            .GroupBy(x => new { x.TenderId, x.To }).Select(g => new { g.Key.TenderId, g.Key.To, At = g.Max(x => x.At) }).ToListAsync(ct);
        return rows.Select(r => new LimitEventTime("tender", r.TenderId, Prefix + (int)r.To, r.At, r.TenderId)).ToList();
    }
}

/// <summary>Dual filing of bidder firms: registered, approved by the centre, by the supervision office, by both.</summary>
public sealed class FirmFilingEvents(TradingDbContext db) : ILimitEventSource
{
    public async Task<IReadOnlyList<LimitEventTime>> GetAsync(IReadOnlySet<string> events, CancellationToken ct)
    {
        if (!events.Any(e => e.StartsWith("firm.", StringComparison.Ordinal))) return [];
        var firms = await db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.BidderFirm)
            .Select(o => new { o.Id, o.RegisteredAt, o.CentreApprovedAt, o.SupervisionApprovedAt, o.Status }).ToListAsync(ct);
        var list = new List<LimitEventTime>();
        foreach (var f in firms)
        {
            list.Add(new("firm", f.Id, "firm.registered", f.RegisteredAt));
            if (f.CentreApprovedAt is { } c) list.Add(new("firm", f.Id, "firm.centre-approved", c));
            if (f.SupervisionApprovedAt is { } s) list.Add(new("firm", f.Id, "firm.supervision-approved", s));
            if (f.CentreApprovedAt is { } c2 && f.SupervisionApprovedAt is { } s2) list.Add(new("firm", f.Id, "firm.approved", c2 > s2 ? c2 : s2));
        }
        return list;
    }
}

/// <summary>One limit of one subject, with what the dashboard shows beside it.</summary>
public sealed record LimitRow(
    TimeLimitDefinition Limit, string SubjectKind, Guid SubjectId, string Label, Guid? TenderId, string? TenderCode, LifecycleStep? Step,
    Guid? OwnerId, string? OwnerName, Guid? AgentId, string? AgentName, Guid? ResponsibleId, string ResponsibleName, LimitStatus Status);

/// <summary>Evaluates every configured limit whose start event exists, on the calendar and thresholds in force.</summary>
public sealed class LimitMonitor(TradingDbContext db, SupervisionSettings settings, IEnumerable<ILimitEventSource> sources)
{
    public async Task<List<LimitRow>> EvaluateAsync(DateTime nowUtc, CancellationToken ct)
    {
        var evaluator = await settings.EvaluatorAsync(ct);
        var limits = settings.Config.Limits;
        var wanted = limits.SelectMany(l => new[] { l.Start, l.End }).ToHashSet(StringComparer.Ordinal);
        var events = new List<LimitEventTime>();
        foreach (var s in sources) events.AddRange(await s.GetAsync(wanted, ct));
        var bySubject = events.GroupBy(e => (e.SubjectKind, e.SubjectId))
            .ToDictionary(g => g.Key, g => g.GroupBy(e => e.Event).ToDictionary(x => x.Key, x => x.MaxBy(e => e.At)!));

        var tenderIds = events.Where(e => e.TenderId is not null).Select(e => e.TenderId!.Value).Distinct().ToList();
        var tenders = await db.Tenders.AsNoTracking().Where(t => tenderIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Code, t.Title, t.Step, t.Failed, t.OwnerOrganisationId, t.AgentOrganisationId }).ToDictionaryAsync(t => t.Id, ct);
        var orgs = await db.Organisations.AsNoTracking()
            .Select(o => new { o.Id, o.Name, o.Kind, o.Status }).ToDictionaryAsync(o => o.Id, ct);
        var centre = orgs.Values.FirstOrDefault(o => o.Kind == OrganisationKind.TradingCentre);
        var office = orgs.Values.FirstOrDefault(o => o.Kind == OrganisationKind.SupervisionOffice);

        var rows = new List<LimitRow>();
        foreach (var ((kind, id), evs) in bySubject)
        {
            foreach (var limit in limits)
            {
                if (!evs.TryGetValue(limit.Start, out var start)) continue;
                var end = evs.TryGetValue(limit.End, out var e) && e.At >= start.At ? e.At : (DateTime?)null;
                var tenderId = start.TenderId;
                var tender = tenderId is { } tid && tenders.TryGetValue(tid, out var t) ? t : null;
                // A failed tender or a rejected firm stops its running limits; finished ones keep their colour.
                if (end is null && (tender?.Failed == true || (kind == "firm" && orgs.TryGetValue(id, out var f) && f.Status == FirmStatus.Rejected)))
                    continue;
                var status = evaluator.Evaluate(limit, start.At, end, nowUtc);
                var owner = tender is null ? null : orgs.GetValueOrDefault(tender.OwnerOrganisationId);
                var agent = tender?.AgentOrganisationId is { } ag ? orgs.GetValueOrDefault(ag) : null;
                var responsible = limit.Responsible switch
                {
                    ResponsibleParty.Centre => centre,
                    ResponsibleParty.Supervision => office,
                    _ => owner,
                };
                var label = tender is not null ? $"{tender.Code} {tender.Title}" : orgs.TryGetValue(id, out var so) ? so.Name : id.ToString();
                rows.Add(new LimitRow(limit, kind, id, label, tenderId, tender?.Code, tender?.Step, owner?.Id, owner?.Name, agent?.Id, agent?.Name,
                    responsible?.Id, responsible?.Name ?? "", status));
            }
        }
        return rows.OrderByDescending(r => r.Status.Colour).ThenBy(r => r.Status.Schedule.DueUtc).ToList();
    }
}
