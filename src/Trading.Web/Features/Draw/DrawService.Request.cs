using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Experts;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>The draw, steps 1-2: the request, the screened pool and the committed eligible list.</summary>
public sealed partial class DrawService
{
    /// <summary>Tenders the actor may request a draw for: centre staff any ready tender, the owner side their own.</summary>
    public async Task<IReadOnlyList<Tender>> RequestableTendersAsync(Actor actor, CancellationToken ct)
    {
        if (!IsStaff(actor) && !actor.IsIn(Roles.Owner, Roles.Agent)) return [];
        var q = db.Tenders.AsNoTracking().Include(t => t.Lots)
            .Where(t => !t.Failed && t.Step >= LifecycleStep.NoticePublished && t.Step < LifecycleStep.Evaluation);
        if (!IsStaff(actor)) q = q.Where(t => t.OwnerOrganisationId == actor.OrganisationId || t.AgentOrganisationId == actor.OrganisationId);
        return await q.OrderBy(t => t.Code).ToListAsync(ct);
    }

    public async Task<Tender> TenderForRequestAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await db.Tenders.AsNoTracking().Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        if (!IsStaff(actor) && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        return t;
    }

    public async Task<EvaluationSession> RequestAsync(Actor actor, DrawRequestInput input, CancellationToken ct)
    {
        var t = await db.Tenders.Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == input.TenderId, ct) ?? throw new NotFoundException();
        if (!IsStaff(actor) && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        var lot = t.Lots.FirstOrDefault(l => l.Id == input.LotId) ?? throw new NotFoundException();
        if (t.Failed || t.Step < LifecycleStep.NoticePublished || t.Step >= LifecycleStep.Evaluation)
            throw new RuleViolationException(new RuleViolation(DrawRules.TenderNotReady, (int)t.Step));
        var starts = time.ToUtc(input.StartsAtLocal);
        var ends = time.ToUtc(input.EndsAtLocal);
        if (starts <= NowUtc || ends <= starts || time.ToLocal(starts).Date != time.ToLocal(ends).Date)
            throw new RuleViolationException(new RuleViolation(DrawRules.TimesInvalid));
        if (string.IsNullOrWhiteSpace(input.EvaluationRoom) || input.EvaluationRoom.Length > 100)
            throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "evaluationRoom"));
        var window = input.ResponseWindowHours ?? options.Value.ResponseWindowHours;
        if (window is < 1 or > 72) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "responseWindowHours"));
        if (input.BeaconRound is { Length: > 100 }) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "beaconRound"));
        var strata = new List<StratumQuota>();
        foreach (var si in input.Strata.Where(x => !string.IsNullOrWhiteSpace(x.Stratum) || !string.IsNullOrWhiteSpace(x.Specialties) || x.Count > 0))
        {
            if (strata.Count >= 20) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "strata"));
            var patterns = Split(si.Specialties);
            var regions = Split(si.Regions);
            if (si.Stratum is null || si.Stratum.Length > 40 || patterns.Count > 50 || regions.Count > 50 || !Enum.IsDefined(si.Kind))
                throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "strata"));
            strata.Add(new StratumQuota(si.Stratum.Trim(), si.Kind, patterns, si.Count,
                si.RegionMode is { } mode && regions.Count > 0 ? new RegionRule(mode, regions) : null));
        }

        return await log.ActAsync(async () =>
        {
            // The log lock serialises requests, so two at once cannot both pass the second-draw check.
            await log.LockAsync(ct);
            var existing = await db.Set<EvaluationSession>().Where(x => x.TenderId == t.Id && x.LotId == lot.Id).ToListAsync(ct);
            var day = DateOnly.FromDateTime(time.ToLocal(starts));
            var request = new DrawRequest
            {
                DrawId = $"{t.Code}-L{lot.Number}-{existing.Count + 1}",
                TenderId = t.Code,
                LotId = lot.Number.ToString(CultureInfo.InvariantCulture),
                OwnerId = t.OwnerOrganisationId.ToString(),
                AgentId = t.AgentOrganisationId?.ToString(),
                BidderIds = (await bidders.BidderOrganisationsAsync(t.Id, lot.Id, ct)).Select(b => b.ToString()).ToList(),
                EvaluationDate = day,
                EvaluationPlace = input.EvaluationRoom.Trim(),
                CommitteeSize = input.CommitteeSize,
                OwnerRepresentativeSeats = input.OwnerRepresentativeSeats,
                Strata = strata,
                BeaconRound = string.IsNullOrWhiteSpace(input.BeaconRound) ? null : input.BeaconRound.Trim(),
                Rules = options.Value.Rules,
            };
            DrawPreparation prep;
            try
            {
                ExpertDraw.EnsureNoStandingDraw(request.TenderId, request.LotId, existing.Select(x => DrawRecordJson.Deserialize(x.RecordJson)));
                ExpertDraw.Validate(request);
                var pool = await PoolAsync(t.OwnerOrganisationId, day, ct);
                prep = ExpertDraw.Prepare(request, pool, key.Bytes, Now);
            }
            catch (DrawInfeasibleException e)
            {
                throw DrawCulture.Infeasible(e, texts);
            }
            catch (ExpertDrawException e)
            {
                throw DrawCulture.Wrap(e);
            }
            var s = new EvaluationSession
            {
                DrawId = request.DrawId, TenderId = t.Id, LotId = lot.Id, EvaluationRoom = request.EvaluationPlace, StartsAt = starts, EndsAt = ends,
                CommitteeSize = request.CommitteeSize, OwnerRepresentativeSeats = request.OwnerRepresentativeSeats, BeaconRound = request.BeaconRound,
                ResponseWindowHours = window, Phase = prep.Record.Phase, RequestedByUserId = actor.UserId, RequestedAt = NowUtc,
                RecordJson = DrawRecordJson.Serialize(prep.Record),
                ScreeningJson = JsonSerializer.Serialize(new StoredScreening(
                    prep.Eligibility.Eligible.Select(e => new StoredEligible(e.ExpertId, e.Strata)).ToList(),
                    prep.Eligibility.Excluded.Select(x => new StoredExclusion(x.ExpertId, x.Reasons.Select(r => new StoredReason(r.Code, r.Args.ToDictionary(kv => kv.Key, kv => kv.Value))).ToList())).ToList(),
                    prep.Eligibility.Counts.Select(c => new StoredCount(c.Stratum, c.Needed, c.Eligible)).ToList())),
                PseudonymMapJson = JsonSerializer.Serialize(prep.ExpertIdByPseudonym),
                Requirements = strata.Select(q => new SessionRequirement
                {
                    Stratum = q.Id, Kind = q.Kind, Specialties = q.Specialties.ToList(), Count = q.Count,
                    RegionMode = q.Region?.Mode, Regions = q.Region?.Regions.ToList() ?? [],
                }).ToList(),
            };
            db.Add(s);
            await AppendEventsAsync(s, [prep.Event], ct, new { excluded = prep.Eligibility.Excluded.Count });
            // The three offices' turn: each commits its random value on the draw's page (then reveals it).
            string[] args = [t.Code, lot.Number.ToString(CultureInfo.InvariantCulture), s.EvaluationRoom, time.Format(s.StartsAt)];
            await notifier.RaiseOnceAsync(await OfficeUsersAsync(t, DrawAlgorithm.Offices, ct),
                u => new Notice(u, "draw.requested", "Draw.Notice.RequestedSubject", "Draw.Notice.RequestedBody", args, $"/Draw/Details/{s.Id}", t.Id), ct);
            return s;
        }, ct);
    }

    private static List<string> Split(string? s) =>
        string.IsNullOrWhiteSpace(s) ? [] : s.Split([',', '，', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    /// <summary>The whole pool in the library's terms, with each expert's nearest service for this owner.</summary>
    private async Task<List<Trading.ExpertPool.Expert>> PoolAsync(Guid ownerOrganisationId, DateOnly day, CancellationToken ct)
    {
        var experts = await db.Set<PoolExpert>().AsNoTracking().AsSplitQuery()
            .Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks).Include(e => e.Unavailable)
            .ToListAsync(ct);
        var served = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                            join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                            join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                            where t.OwnerOrganisationId == ownerOrganisationId && s.VoidedAt == null
                                  && (m.Status == CommitteeMemberStatus.Accepted || m.Status == CommitteeMemberStatus.Invited)
                            select new { m.ExpertId, s.StartsAt }).ToListAsync(ct);
        var owner = ownerOrganisationId.ToString();
        var nearest = served.GroupBy(x => x.ExpertId).ToDictionary(g => g.Key,
            g => g.Select(x => DateOnly.FromDateTime(time.ToLocal(x.StartsAt))).MinBy(d => Math.Abs(d.DayNumber - day.DayNumber)));
        var now = NowUtc;
        return experts.Select(e => ExpertPoolService.ToLibrary(e, now,
            nearest.TryGetValue(e.Id, out var d) ? new Dictionary<string, DateOnly> { [owner] = d } : null)).ToList();
    }
}
