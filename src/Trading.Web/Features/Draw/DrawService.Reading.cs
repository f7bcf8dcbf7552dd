using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>The draw: lists, one draw as a reader may see it, the public record.</summary>
public sealed partial class DrawService
{
    public async Task<IReadOnlyList<(EvaluationSession Session, Tender Tender, Lot Lot)>> ListAsync(Actor actor, Guid? tenderId, CancellationToken ct)
    {
        var q = from s in db.Set<EvaluationSession>().AsNoTracking()
                join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                join l in db.Lots.AsNoTracking() on s.LotId equals l.Id
                where tenderId == null || s.TenderId == tenderId
                select new { s, t, l };
        var rows = await q.ToListAsync(ct);
        return rows.OrderByDescending(r => r.s.RequestedAt).Select(r => (r.s, r.t, r.l)).ToList();
    }

    public async Task<DrawView> GetAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var s = await db.Set<EvaluationSession>().AsNoTracking().Include(x => x.Members).Include(x => x.Requirements)
            .FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().Include(x => x.Lots).FirstAsync(x => x.Id == s.TenderId, ct);
        var lot = t.Lots.First(l => l.Id == s.LotId);
        var record = DrawRecordJson.Deserialize(s.RecordJson);
        var identities = CanSeeIdentities(actor, t);
        var screeningAllowed = actor.IsIn(Roles.CentreStaff, Roles.Supervisor, Roles.Admin);
        var experts = identities || screeningAllowed
            ? await db.Set<PoolExpert>().AsNoTracking().Select(e => new { e.Id, e.RegistrationNumber, e.Name, e.UserId }).ToListAsync(ct)
            : [];
        // Only a demo deployment reads the sign-ins: a real one makes no extra query for them.
        var seatedUsers = identities && platform.Value.Demo
            ? experts.Where(e => s.Members.Any(m => m.ExpertId == e.Id)).Select(e => e.UserId).ToList()
            : [];
        var demoSignIns = seatedUsers.Count == 0 ? []
            : await db.Users.AsNoTracking().Where(u => seatedUsers.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
        var byId = experts.ToDictionary(e => e.Id);
        var seats = new List<SeatView>();
        if (record.Phase is DrawPhase.Drawn or DrawPhase.Voided && record.Seed is not null)
        {
            foreach (var m in s.Members.OrderBy(m => m.Stratum, StringComparer.Ordinal).ThenBy(m => m.InvitedAt))
            {
                var e = identities && byId.TryGetValue(m.ExpertId, out var x) ? x : null;
                seats.Add(new SeatView(m.Stratum, m.Pseudonym, m.Status, e?.Name, e?.RegistrationNumber, m.RespondBy,
                    identities ? m.DeclineReason : null, identities ? m.Id : null, e is not null ? demoSignIns.GetValueOrDefault(e.UserId) : null));
            }
        }
        IReadOnlyList<ExclusionView>? exclusions = null;
        var counts = new List<(string, int, int)>();
        if (s.ScreeningJson.Length > 2)
        {
            var screening = JsonSerializer.Deserialize<StoredScreening>(s.ScreeningJson)!;
            counts = screening.Counts.Select(c => (c.Stratum, c.Needed, c.Eligible)).ToList();
            if (screeningAllowed)
            {
                var byReg = experts.ToDictionary(e => e.RegistrationNumber);
                var parties = await PartyNamesAsync(screening, ct);
                exclusions = screening.Excluded.Select(x => new ExclusionView(x.ExpertId, byReg.TryGetValue(x.ExpertId, out var e) ? e.Name : "",
                    x.Reasons.Select(r => DrawMessages.Format(ToReason(Named(r, parties)), DrawCulture.Current)).ToList(), x.Reasons.Select(r => r.Code).ToList())).ToList();
            }
        }
        return new DrawView(s, t, lot, record, OfficeOf(actor, t), identities, screeningAllowed, seats, exclusions, counts);
    }

    /// <summary>The public record (pseudonyms only), exactly as the verifier reads it.</summary>
    public async Task<(string Json, EvaluationSession Session)> RecordJsonAsync(Guid sessionId, CancellationToken ct)
    {
        var s = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        return (s.RecordJson, s);
    }

    /// <summary>
    /// The record keeps parties by organisation id (what the verifier needs); staff reading an exclusion want the name.
    /// </summary>
    private async Task<Dictionary<string, string>> PartyNamesAsync(StoredScreening screening, CancellationToken ct)
    {
        var ids = screening.Excluded.SelectMany(x => x.Reasons).Select(r => r.Args.GetValueOrDefault("party"))
            .Select(v => Guid.TryParse(v, out var g) ? g : (Guid?)null).OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id.ToString(), o => o.Name, ct);
    }

    private static StoredReason Named(StoredReason r, Dictionary<string, string> parties) =>
        r.Args.TryGetValue("party", out var id) && parties.TryGetValue(id, out var name)
            ? r with { Args = new Dictionary<string, string>(r.Args) { ["party"] = name } }
            : r;

    private static Reason ToReason(StoredReason r) => Reason.Of(r.Code, r.Args.Select(kv => (kv.Key, (object?)kv.Value)).ToArray());
}
