using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>What a supervisor types into the record form. Times are UTC (pages convert from centre dates).</summary>
public sealed record RecordInput(
    SanctionSubjectKind SubjectKind, Guid SubjectId, string Facts, string RuleBroken, string? EvidenceText, string? CollusionFindingRef,
    SanctionKind Sanction, DateTime? SuspensionStartUtc, DateTime? SuspensionEndUtc, string? SuspensionReason);

public sealed record AppealInput(DateTime LodgedAtUtc, string Grounds, AppealDecision? Decision, string? DecisionReason, DateTime? ReducedEndUtc);

/// <summary>
/// Bad-behaviour records, suspensions and appeals; and the one check every trading action makes.
/// The records are the truth. <see cref="Organisation.SuspendedUntil"/> and <see cref="Organisation.SuspensionReason"/>
/// stay as a copy of the suspension in force, refreshed on every change and by the supervision job, so pages
/// that show a firm keep working; suspensions entered there before records existed are adopted as records.
/// </summary>
public sealed class Sanctions(
    TradingDbContext db, PublicLogWriter log, CentreTime time, Uploads uploads, Texts texts, IOptions<SupervisionOptions> options)
{
    public static readonly IReadOnlySet<SniffedType> EvidenceTypes = new HashSet<SniffedType> { SniffedType.Pdf, SniffedType.Png, SniffedType.Jpeg, SniffedType.Zip };

    /// <summary>
    /// Refuses any trading action of a suspended firm or agent, naming the record. Call it from every action a firm
    /// takes on a tender (obtaining documents, paying the bond, submitting a bid) with the server clock's now.
    /// </summary>
    public async Task EnsureMayTradeAsync(Guid organisationId, DateTime nowUtc, CancellationToken ct)
    {
        if (await SuspensionAsync(organisationId, nowUtc, ct) is { } refusal) throw new RuleViolationException(refusal);
    }

    /// <summary>
    /// The refusal a suspension in force gives (naming its record), or null: the one source of truth for suspensions,
    /// which <see cref="BiddingPeriod"/> takes as an input to its checks.
    /// </summary>
    public async Task<RuleViolation?> SuspensionAsync(Guid organisationId, DateTime nowUtc, CancellationToken ct)
    {
        var record = await ActiveSuspensionAsync([SanctionSubjectKind.Firm, SanctionSubjectKind.Agent], organisationId, nowUtc, ct);
        if (record is not null)
        {
            var why = texts["Supervision.SuspendedBy", record.Number, record.SuspensionReason ?? ""];
            return record.SubjectKind == SanctionSubjectKind.Agent
                ? new RuleViolation(SupervisionRules.AgentSuspended, why, record.EffectiveEnd!.Value, record.Number)
                : new RuleViolation(RuleCodes.FirmSuspended, why, record.EffectiveEnd!.Value, record.Number);
        }
        // A suspension set on the firm before records existed, not yet adopted by the job.
        var org = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => new { o.SuspendedUntil, o.SuspensionReason }).FirstOrDefaultAsync(ct);
        if (org?.SuspendedUntil is { } until && until > nowUtc && !await db.Set<BadBehaviourRecord>().AnyAsync(r => r.SubjectId == organisationId, ct))
            return new RuleViolation(RuleCodes.FirmSuspended, org.SuspensionReason ?? "", until, "");
        return null;
    }

    /// <summary>Is the firm, agent or expert (by the expert's user id) suspended at that instant? Draws exclude suspended experts.</summary>
    public async Task<bool> IsSuspendedAsync(SanctionSubjectKind kind, Guid id, DateTime atUtc, CancellationToken ct = default) =>
        await ActiveSuspensionAsync([kind], id, atUtc, ct) is not null;

    /// <summary>The ids of every subject of a kind suspended at that instant (for filtering a whole pool at once).</summary>
    public async Task<IReadOnlySet<Guid>> SuspendedAsync(SanctionSubjectKind kind, DateTime atUtc, CancellationToken ct = default)
    {
        var candidates = await db.Set<BadBehaviourRecord>().AsNoTracking().Include(r => r.Appeals)
            .Where(r => r.SubjectKind == kind && r.Sanction == SanctionKind.Suspension && r.SuspensionStart <= atUtc).ToListAsync(ct);
        return candidates.Where(r => r.SuspendsAt(atUtc)).Select(r => r.SubjectId).ToHashSet();
    }

    public async Task<BadBehaviourRecord?> ActiveSuspensionAsync(SanctionSubjectKind[] kinds, Guid id, DateTime atUtc, CancellationToken ct)
    {
        var candidates = await db.Set<BadBehaviourRecord>().AsNoTracking().Include(r => r.Appeals)
            .Where(r => r.SubjectId == id && kinds.Contains(r.SubjectKind) && r.Sanction == SanctionKind.Suspension && r.SuspensionStart <= atUtc)
            .ToListAsync(ct);
        return candidates.Where(r => r.SuspendsAt(atUtc)).OrderByDescending(r => r.EffectiveEnd).FirstOrDefault();
    }

    /// <summary>A supervisor records bad behaviour, with an optional evidence file; numbered, logged, and the subject told.</summary>
    public async Task<BadBehaviourRecord> RecordAsync(Actor actor, RecordInput input, IFormFile? evidence, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        var now = time.UtcNow;
        var record = new BadBehaviourRecord
        {
            SubjectKind = input.SubjectKind, SubjectId = input.SubjectId, Facts = input.Facts?.Trim() ?? "", RuleBroken = input.RuleBroken?.Trim() ?? "",
            EvidenceText = Blank(input.EvidenceText), CollusionFindingRef = Blank(input.CollusionFindingRef), Sanction = input.Sanction,
            SuspensionStart = input.Sanction == SanctionKind.Suspension ? input.SuspensionStartUtc : null,
            SuspensionEnd = input.Sanction == SanctionKind.Suspension ? input.SuspensionEndUtc : null,
            SuspensionReason = input.Sanction == SanctionKind.Suspension ? Blank(input.SuspensionReason) : null,
            RecordedAt = now, RecordedByUserId = actor.UserId, RecordedByName = actor.Name,
        };
        var errors = record.Validate().ToList();
        record.SubjectName = await SubjectNameAsync(input.SubjectKind, input.SubjectId, ct) ?? "";
        if (record.SubjectName.Length == 0 && !errors.Any(e => e.Code == SupervisionRules.RecordSubject))
            errors.Insert(0, new RuleViolation(SupervisionRules.RecordSubject));
        if (errors.Count > 0) throw new RuleViolationsException(errors);

        async Task<BadBehaviourRecord> Save()
        {
            return await log.ActAsync(async () =>
            {
                await log.LockAsync(ct);
                record.Year = time.ToLocal(now).Year;
                record.Sequence = await db.Set<BadBehaviourRecord>().Where(r => r.Year == record.Year).Select(r => (int?)r.Sequence).MaxAsync(ct) is { } max ? max + 1 : 1;
                record.Number = $"{record.Year}-{record.Sequence:000}";
                db.Set<BadBehaviourRecord>().Add(record);
                await AppendAboutAsync(record, "supervision.record.created", new
                {
                    record = record.Id, number = record.Number, subject = record.SubjectKind.ToString(),
                    // An expert is a person: the log carries the same pseudonym as every other entry about that user; firms and agencies are public.
                    id = record.SubjectKind == SanctionSubjectKind.Expert ? log.Pseudonym("user", record.SubjectId.ToString()) : record.SubjectId.ToString(),
                    rule = record.RuleBroken, sanction = record.Sanction.ToString(), start = record.SuspensionStart, end = record.SuspensionEnd,
                    evidenceSha256 = record.EvidenceSha256, finding = record.CollusionFindingRef,
                    by = log.Pseudonym("user", actor.UserId.ToString()),
                }, ct);
                await db.SaveChangesAsync(ct);
                await SyncOrganisationAsync(record.SubjectId, now, ct);
                return record;
            }, ct);
        }

        if (evidence is null || evidence.Length == 0) return await Save();
        return await uploads.StoreAsync(evidence, EvidenceTypes, options.Value.MaxEvidenceBytes, async (stored, contentType) =>
        {
            record.EvidenceFileName = Uploads.SafeFileName(evidence.FileName);
            record.EvidenceContentType = contentType;
            record.EvidenceLength = stored.Length;
            record.EvidenceSha256 = stored.Sha256;
            record.EvidenceStorageKey = stored.Key;
            return await Save();
        }, ct);
    }

    /// <summary>Records an appeal and, when known, its outcome. Overturned lifts the suspension; reduced shortens it.</summary>
    public async Task<SanctionAppeal> AppealAsync(Actor actor, Guid recordId, AppealInput input, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        var record = await db.Set<BadBehaviourRecord>().Include(r => r.Appeals).FirstOrDefaultAsync(r => r.Id == recordId, ct) ?? throw new NotFoundException();
        var now = time.UtcNow;
        if (string.IsNullOrWhiteSpace(input.Grounds) || input.Grounds.Length > BadBehaviourRecord.MaxText)
            throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealDecision));
        if (input.Decision is { } d && !Enum.IsDefined(d))
            throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealDecision));
        if (input.Decision == AppealDecision.Reduced)
        {
            if (record.Sanction != SanctionKind.Suspension || input.ReducedEndUtc is not { } re || re <= record.SuspensionStart || re >= record.EffectiveEnd)
                throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealReducedEnd, record.EffectiveEnd ?? record.RecordedAt));
        }
        var appeal = new SanctionAppeal
        {
            RecordId = record.Id, LodgedAt = input.LodgedAtUtc, Grounds = input.Grounds.Trim(), Decision = input.Decision,
            DecidedAt = input.Decision is null ? null : now, DecisionReason = Blank(input.DecisionReason),
            ReducedEnd = input.Decision == AppealDecision.Reduced ? input.ReducedEndUtc : null,
            RecordedByUserId = actor.UserId, RecordedByName = actor.Name,
        };
        record.Appeals.Add(appeal);
        db.Set<SanctionAppeal>().Add(appeal);
        await SyncOrganisationAsync(record, now, ct);
        await log.ActAsync(() => AppendAboutAsync(record, "supervision.record.appeal", new
        {
            record = record.Id, number = record.Number, decision = input.Decision?.ToString(), reducedEnd = appeal.ReducedEnd,
            effectiveEnd = record.EffectiveEnd, by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct), ct);
        return appeal;
    }

    /// <summary>Decides an appeal recorded earlier without an outcome.</summary>
    public async Task<SanctionAppeal> DecideAsync(Actor actor, Guid recordId, Guid appealId, AppealDecision decision, string? reason, DateTime? reducedEndUtc, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        var record = await db.Set<BadBehaviourRecord>().Include(r => r.Appeals).FirstOrDefaultAsync(r => r.Id == recordId, ct) ?? throw new NotFoundException();
        var appeal = record.Appeals.FirstOrDefault(a => a.Id == appealId) ?? throw new NotFoundException();
        if (appeal.Decision is not null) throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealAlreadyDecided));
        if (!Enum.IsDefined(decision)) throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealDecision));
        if (decision == AppealDecision.Reduced &&
            (record.Sanction != SanctionKind.Suspension || reducedEndUtc is not { } re || re <= record.SuspensionStart || re >= record.EffectiveEnd))
            throw new RuleViolationException(new RuleViolation(SupervisionRules.AppealReducedEnd, record.EffectiveEnd ?? record.RecordedAt));
        var now = time.UtcNow;
        appeal.Decision = decision;
        appeal.DecidedAt = now;
        appeal.DecisionReason = Blank(reason);
        appeal.ReducedEnd = decision == AppealDecision.Reduced ? reducedEndUtc : null;
        await SyncOrganisationAsync(record, now, ct);
        await log.ActAsync(() => AppendAboutAsync(record, "supervision.record.appeal", new
        {
            record = record.Id, number = record.Number, appeal = appeal.Id, decision = decision.ToString(), reducedEnd = appeal.ReducedEnd,
            effectiveEnd = record.EffectiveEnd, by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct), ct);
        return appeal;
    }

    /// <summary>Oversight sees every record; anyone else only those about their own organisation (or themselves, for experts).</summary>
    public async Task<List<BadBehaviourRecord>> ListAsync(Actor actor, SanctionSubjectKind? kind, Guid? subject, CancellationToken ct)
    {
        var q = db.Set<BadBehaviourRecord>().AsNoTracking().Include(r => r.Appeals).AsQueryable();
        if (!actor.IsOversight)
            q = q.Where(r => r.SubjectId == actor.OrganisationId || r.SubjectId == actor.UserId);
        if (kind is { } k) q = q.Where(r => r.SubjectKind == k);
        if (subject is { } s) q = q.Where(r => r.SubjectId == s);
        return (await q.ToListAsync(ct)).OrderByDescending(r => r.RecordedAt).ToList();
    }

    public async Task<BadBehaviourRecord> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var r = await db.Set<BadBehaviourRecord>().AsNoTracking().Include(x => x.Appeals).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        if (actor.IsOversight || r.SubjectId == actor.OrganisationId || r.SubjectId == actor.UserId) return r;
        throw new NotFoundException();
    }

    public async Task<(BadBehaviourRecord Record, Stream Content)> OpenEvidenceAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var r = await GetAsync(actor, id, ct);
        if (r.EvidenceStorageKey is null) throw new NotFoundException();
        return (r, uploads.Open(r.EvidenceStorageKey));
    }

    /// <summary>
    /// Whether the centre publishes this kind of record (Supervision:PublishSanctions, PublishWarnings). The public page
    /// shows only these, and the public log carries only these in the clear: a record the centre keeps to itself is logged
    /// as a sealed commitment (no subject, no rule, no number), fixed in time and provable later, unreadable now.
    /// </summary>
    public bool IsPublished(BadBehaviourRecord r) =>
        options.Value.PublishSanctions && (r.Sanction == SanctionKind.Suspension || options.Value.PublishWarnings);

    private async Task AppendAboutAsync(BadBehaviourRecord record, string type, object data, CancellationToken ct)
    {
        if (IsPublished(record)) await log.AppendAsync(type, null, data, ct);
        else await log.AppendSealedRecordAsync(type, data, ct);
    }

    /// <summary>What the public page shows, as the centre configures: suspensions, and warnings if it chooses.</summary>
    public async Task<List<BadBehaviourRecord>> PublishedAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (!o.PublishSanctions) return [];
        var q = db.Set<BadBehaviourRecord>().AsNoTracking().Include(r => r.Appeals).Where(r => r.SubjectKind != SanctionSubjectKind.Expert);
        if (!o.PublishWarnings) q = q.Where(r => r.Sanction == SanctionKind.Suspension);
        // An overturned record is withdrawn from publication.
        return (await q.ToListAsync(ct)).Where(r => !r.Overturned).OrderByDescending(r => r.RecordedAt).ToList();
    }

    /// <summary>Firms, agencies and experts a supervisor can pick on the form.</summary>
    public async Task<List<(SanctionSubjectKind Kind, Guid Id, string Name)>> SubjectsAsync(CancellationToken ct)
    {
        var orgs = await db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.BidderFirm || o.Kind == OrganisationKind.Agency)
            .OrderBy(o => o.Name).Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(ct);
        var expertRole = await db.Roles.Where(r => r.Name == Roles.Expert).Select(r => r.Id).FirstOrDefaultAsync(ct);
        var experts = await (from ur in db.UserRoles join u in db.Users on ur.UserId equals u.Id where ur.RoleId == expertRole orderby u.UserName select new { u.Id, u.DisplayName, u.UserName }).ToListAsync(ct);
        return [.. orgs.Select(o => (o.Kind == OrganisationKind.Agency ? SanctionSubjectKind.Agent : SanctionSubjectKind.Firm, o.Id, o.Name)),
                .. experts.Select(e => (SanctionSubjectKind.Expert, e.Id, $"{e.DisplayName} ({e.UserName})"))];
    }

    /// <summary>Adopts suspensions set directly on organisations, and refreshes every organisation's copy of the suspension in force.</summary>
    public async Task RefreshAllAsync(DateTime nowUtc, CancellationToken ct)
    {
        var legacy = await db.Organisations.Where(o => o.SuspendedUntil != null && o.SuspendedUntil > nowUtc
            && !db.Set<BadBehaviourRecord>().Any(r => r.SubjectId == o.Id)).ToListAsync(ct);
        foreach (var o in legacy)
            await AdoptAsync(o, nowUtc, ct);
        var subjects = await db.Set<BadBehaviourRecord>().Select(r => r.SubjectId).Distinct().ToListAsync(ct);
        foreach (var id in subjects) await SyncOrganisationAsync(id, nowUtc, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Turns a suspension entered on the organisation itself into a record (number in the year it is adopted).</summary>
    public async Task<BadBehaviourRecord> AdoptAsync(Organisation o, DateTime nowUtc, CancellationToken ct)
    {
        // Joins the caller's transaction when there is one, else is a unit of work of its own.
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var year = time.ToLocal(nowUtc).Year;
            var seq = await db.Set<BadBehaviourRecord>().Where(r => r.Year == year).Select(r => (int?)r.Sequence).MaxAsync(ct) is { } max ? max + 1 : 1;
            var record = new BadBehaviourRecord
            {
                Year = year, Sequence = seq, Number = $"{year}-{seq:000}",
                SubjectKind = o.Kind == OrganisationKind.Agency ? SanctionSubjectKind.Agent : SanctionSubjectKind.Firm, SubjectId = o.Id, SubjectName = o.Name,
                Facts = o.SuspensionReason ?? "", RuleBroken = o.SuspensionReason ?? "", Sanction = SanctionKind.Suspension,
                SuspensionStart = nowUtc, SuspensionEnd = o.SuspendedUntil, SuspensionReason = o.SuspensionReason ?? "",
                RecordedAt = nowUtc, RecordedByName = "system",
            };
            db.Set<BadBehaviourRecord>().Add(record);
            // Logged like any record: in the clear only where the centre publishes suspensions.
            await AppendAboutAsync(record, "supervision.record.adopted", new { record = record.Id, number = record.Number, id = o.Id, end = record.SuspensionEnd }, ct);
            return record;
        }, ct);
    }

    private async Task SyncOrganisationAsync(Guid organisationId, DateTime nowUtc, CancellationToken ct)
    {
        var records = await db.Set<BadBehaviourRecord>().Include(r => r.Appeals).Where(r => r.SubjectId == organisationId).ToListAsync(ct);
        if (records.Count > 0 && records.All(r => r.SubjectKind == SanctionSubjectKind.Expert))
        {
            await SyncExpertAsync(organisationId, records, nowUtc, ct);
            return;
        }
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisationId, ct);
        if (org is null) return;
        Apply(org, records, nowUtc);
    }

    /// <summary>
    /// The expert pool (PoolExpert, keyed by the expert's user id) keeps its own status, which the draw reads: a suspension
    /// from a record sets it, and lifting one that a record set makes the expert active again. Statuses staff set by hand stay.
    /// </summary>
    private async Task SyncExpertAsync(Guid userId, IReadOnlyCollection<BadBehaviourRecord> records, DateTime nowUtc, CancellationToken ct)
    {
        var expert = await db.Set<Trading.Domain.Experts.PoolExpert>().FirstOrDefaultAsync(e => e.UserId == userId, ct);
        if (expert is null) return;
        var active = records.Where(r => r.SuspendsAt(nowUtc)).OrderByDescending(r => r.EffectiveEnd).FirstOrDefault();
        if (active is not null)
        {
            var reason = $"{active.Number} {active.SuspensionReason}";
            if (expert.Status == Trading.ExpertPool.ExpertStatus.Suspended && expert.SuspendedUntil == active.EffectiveEnd && expert.StatusReason == reason) return;
            expert.Status = Trading.ExpertPool.ExpertStatus.Suspended;
            expert.SuspendedUntil = active.EffectiveEnd;
            expert.StatusReason = reason;
        }
        else if (expert.Status == Trading.ExpertPool.ExpertStatus.Suspended && records.Any(r => expert.StatusReason?.StartsWith(r.Number + " ", StringComparison.Ordinal) == true))
        {
            expert.Status = Trading.ExpertPool.ExpertStatus.Active;
            expert.SuspendedUntil = null;
            expert.StatusReason = null;
        }
        else return;
        expert.UpdatedAt = nowUtc;
    }

    private async Task SyncOrganisationAsync(BadBehaviourRecord changed, DateTime nowUtc, CancellationToken ct)
    {
        if (changed.SubjectKind == SanctionSubjectKind.Expert)
        {
            var others = await db.Set<BadBehaviourRecord>().Include(r => r.Appeals).Where(r => r.SubjectId == changed.SubjectId && r.Id != changed.Id).ToListAsync(ct);
            await SyncExpertAsync(changed.SubjectId, [.. others, changed], nowUtc, ct);
            return;
        }
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == changed.SubjectId, ct);
        if (org is null) return;
        var records = await db.Set<BadBehaviourRecord>().Include(r => r.Appeals).Where(r => r.SubjectId == changed.SubjectId && r.Id != changed.Id).ToListAsync(ct);
        Apply(org, [.. records, changed], nowUtc);
    }

    private static void Apply(Organisation org, IEnumerable<BadBehaviourRecord> records, DateTime nowUtc)
    {
        var active = records.Where(r => r.SuspendsAt(nowUtc)).OrderByDescending(r => r.EffectiveEnd).FirstOrDefault();
        org.SuspendedUntil = active?.EffectiveEnd;
        org.SuspensionReason = active is null ? null : $"{active.Number} {active.SuspensionReason}";
    }

    private async Task<string?> SubjectNameAsync(SanctionSubjectKind kind, Guid id, CancellationToken ct) => kind switch
    {
        SanctionSubjectKind.Firm => await db.Organisations.Where(o => o.Id == id && o.Kind == OrganisationKind.BidderFirm).Select(o => o.Name).FirstOrDefaultAsync(ct),
        SanctionSubjectKind.Agent => await db.Organisations.Where(o => o.Id == id && o.Kind == OrganisationKind.Agency).Select(o => o.Name).FirstOrDefaultAsync(ct),
        SanctionSubjectKind.Expert => await (from u in db.Users join ur in db.UserRoles on u.Id equals ur.UserId join ro in db.Roles on ur.RoleId equals ro.Id
                                             where u.Id == id && ro.Name == Roles.Expert select u.DisplayName).FirstOrDefaultAsync(ct),
        _ => null,
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
