using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Domain.Integrity;
using Trading.Domain.Supervision;
using Trading.Integrity;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;
using Trading.Domain.Bidding;

namespace Trading.Web.Features.Integrity;

/// <summary>A message to show later in the viewer's language: a key of Trading.Integrity's table, or (Web) of the app's resources.</summary>
public sealed record TextRef(string Key, IReadOnlyList<string> Args, bool Web = false);

public sealed record OutcomeDto(string Indicator, string Status, TextRef? Note);

public sealed record NoteDto(Guid? BidId, Guid? FirmId, string? FileName, TextRef Message);

public sealed record PriceScreenDto(string Screen, double? Value, double? Percentile, int BaselineSize);

public sealed record PricePoint(Guid FirmId, long PriceFen);

public sealed record LotDetails(Guid LotId, int Number, int BidCount, IReadOnlyList<OutcomeDto> Outcomes, IReadOnlyList<NoteDto> Notes,
    IReadOnlyList<PriceScreenDto> PriceScreens, IReadOnlyList<PricePoint> Prices);

public sealed record RunDetails(IReadOnlyList<LotDetails> Lots);

public sealed record EvidenceDto(string Kind, Guid? FirmId, Guid? BidId, string? Value, string? FileName, int? Page);

/// <summary>What one viewer may do with one tender's findings.</summary>
public sealed record IntegrityAccess(bool Supervisor, IReadOnlySet<Guid> Lots);

public sealed record TenderOverview(Guid TenderId, string Code, string Title, DateTime? OpenedAt, ScreenRun? LastRun, int Conclusive, int Leads, int Undecided);

public sealed record TenderFindings(
    Tender Tender, IntegrityAccess Access, ScreenRun? LastRun, ScreenRun? LastCompleted, RunDetails? Details,
    IReadOnlyList<IntegrityFinding> Findings, IReadOnlyDictionary<Guid, string> FirmNames, IReadOnlyDictionary<Guid, List<BadBehaviourRecord>> Records);

public sealed record FindingView(Tender Tender, Lot Lot, IntegrityAccess Access, IntegrityFinding Finding, IReadOnlyList<EvidenceDto> Evidence,
    IReadOnlyDictionary<Guid, string> FirmNames, IReadOnlyList<IntegrityDecision> Decisions, IReadOnlyList<BadBehaviourRecord> Records, bool InLastRun);

/// <summary>
/// The collusion screens in the web app: queues and runs screenings (after an opening, or when a supervisor asks),
/// stores runs and findings with their log entry in one transaction, and answers the supervision office and the
/// evaluation committee, checking role and ownership on every call. Owners and bidders never get anything here.
/// </summary>
public sealed partial class IntegrityService(
    TradingDbContext db, PublicLogWriter log, IntegrityInputs inputs, TimeProvider clock, Sanctions sanctions, Notifications.Notifier notifier, ILogger<IntegrityService> logger)
{
    public const string FindingRefPrefix = "integrity:";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The supervision office sees every lot and decides. An expert sees the lots whose committee they sit on (seat
    /// accepted, draw not voided) once checked in to that session at the kiosk, as the evaluation room requires;
    /// read-only. Everyone else (owners, agents, bidders, centre staff, experts elsewhere) is refused.
    /// </summary>
    public async Task<IntegrityAccess> AccessAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        if (actor.IsIn(Roles.Supervisor)) return new IntegrityAccess(true, (await db.Set<Lot>().Where(l => l.TenderId == tenderId).Select(l => l.Id).ToListAsync(ct)).ToHashSet());
        if (actor.IsIn(Roles.Expert))
        {
            var lots = await CommitteeLotsAsync(actor.UserId, tenderId, ct);
            if (lots.Count > 0) return new IntegrityAccess(false, lots);
        }
        throw new ForbiddenException(RuleCodes.NotOnCommittee);
    }

    private async Task<HashSet<Guid>> CommitteeLotsAsync(Guid userId, Guid? tenderId, CancellationToken ct)
    {
        var q = from e in db.Set<PoolExpert>().AsNoTracking()
                join m in db.Set<CommitteeMember>().AsNoTracking() on e.Id equals m.ExpertId
                join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                where e.UserId == userId && m.Status == CommitteeMemberStatus.Accepted && s.VoidedAt == null
                      && db.Set<CheckInAttempt>().Any(a => a.SessionId == s.Id && a.ClaimedExpertId == e.Id
                          && (a.Decision == CheckInDecision.Accepted || a.Decision == CheckInDecision.Overridden))
                select new { s.TenderId, s.LotId };
        if (tenderId is { } t) q = q.Where(x => x.TenderId == t);
        return (await q.Select(x => x.LotId).ToListAsync(ct)).ToHashSet();
    }

    /// <summary>Tenders with screens: all for the supervision office, the committee's own for an expert.</summary>
    public async Task<List<TenderOverview>> OverviewAsync(Actor actor, CancellationToken ct)
    {
        HashSet<Guid>? lots = null;
        if (!actor.IsIn(Roles.Supervisor))
        {
            if (!actor.IsIn(Roles.Expert)) throw new ForbiddenException(RuleCodes.NotOnCommittee);
            lots = await CommitteeLotsAsync(actor.UserId, null, ct);
        }
        var opened = await db.Set<KeyCeremony>().AsNoTracking().Where(c => c.OpenedAt != null).Select(c => new { c.TenderId, c.OpenedAt }).ToListAsync(ct);
        var tenderIds = opened.Select(o => o.TenderId).ToList();
        var tenders = await db.Tenders.AsNoTracking().Include(t => t.Lots).Where(t => tenderIds.Contains(t.Id)).ToListAsync(ct);
        if (lots is not null) tenders = tenders.Where(t => t.Lots.Any(l => lots.Contains(l.Id))).ToList();
        var ids = tenders.Select(t => t.Id).ToList();
        var runs = await db.Set<ScreenRun>().AsNoTracking().Where(r => ids.Contains(r.TenderId)).ToListAsync(ct);
        var findings = await db.Set<IntegrityFinding>().AsNoTracking().Where(f => ids.Contains(f.TenderId))
            .Select(f => new { f.TenderId, f.LotId, f.Grade, f.Decision, f.LastRunId }).ToListAsync(ct);
        return tenders.Select(t =>
        {
            var last = runs.Where(r => r.TenderId == t.Id).OrderByDescending(r => r.QueuedAt).FirstOrDefault();
            var lastDone = runs.Where(r => r.TenderId == t.Id && r.Status == ScreenRunStatus.Completed).OrderByDescending(r => r.QueuedAt).FirstOrDefault();
            var mine = findings.Where(f => f.TenderId == t.Id && f.LastRunId == lastDone?.Id && (lots is null || lots.Contains(f.LotId))).ToList();
            return new TenderOverview(t.Id, t.Code, t.Title, opened.First(o => o.TenderId == t.Id).OpenedAt, last,
                mine.Count(f => f.Grade == FindingGrade.Conclusive), mine.Count(f => f.Grade == FindingGrade.Lead), mine.Count(f => f.Decision is null));
        }).OrderByDescending(o => o.OpenedAt).ToList();
    }

    public async Task<TenderFindings> TenderAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).FirstOrDefaultAsync(t => t.Id == tenderId, ct) ?? throw new NotFoundException();
        var access = await AccessAsync(actor, tenderId, ct);
        var runs = await db.Set<ScreenRun>().AsNoTracking().Where(r => r.TenderId == tenderId).OrderByDescending(r => r.QueuedAt).ToListAsync(ct);
        var lastDone = runs.FirstOrDefault(r => r.Status == ScreenRunStatus.Completed);
        var details = lastDone?.DetailsJson is { } j ? JsonSerializer.Deserialize<RunDetails>(j, Json) : null;
        if (details is not null) details = new RunDetails(details.Lots.Where(l => access.Lots.Contains(l.LotId)).ToList());
        var findings = (await db.Set<IntegrityFinding>().AsNoTracking().Where(f => f.TenderId == tenderId).ToListAsync(ct))
            .Where(f => access.Lots.Contains(f.LotId))
            // Findings the last run no longer produced stay on the page only when someone decided them.
            .Where(f => f.LastRunId == lastDone?.Id || f.Decision is not null)
            .OrderByDescending(f => f.Grade).ThenBy(f => f.IndicatorId, StringComparer.Ordinal).ThenByDescending(f => f.Score).ToList();
        var firmIds = findings.SelectMany(f => f.Firms).Concat(details?.Lots.SelectMany(l => l.Prices.Select(p => p.FirmId)) ?? []).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => firmIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var records = access.Supervisor ? await RecordsAsync(findings.Select(f => f.Id).ToList(), ct) : [];
        return new TenderFindings(tender, access, runs.FirstOrDefault(), lastDone, details, findings, names, records);
    }

    public async Task<FindingView> FindingAsync(Actor actor, Guid findingId, CancellationToken ct)
    {
        var f = await db.Set<IntegrityFinding>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == findingId, ct) ?? throw new NotFoundException();
        var access = await AccessAsync(actor, f.TenderId, ct);
        if (!access.Lots.Contains(f.LotId)) throw new ForbiddenException(RuleCodes.NotOnCommittee);
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).SingleAsync(t => t.Id == f.TenderId, ct);
        var evidence = JsonSerializer.Deserialize<List<EvidenceDto>>(f.EvidenceJson, Json) ?? [];
        var ids = f.Firms.Concat(evidence.Select(e => e.FirmId).OfType<Guid>()).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var decisions = access.Supervisor ? await db.Set<IntegrityDecision>().AsNoTracking().Where(d => d.FindingId == f.Id).OrderBy(d => d.DecidedAt).ToListAsync(ct) : [];
        var records = access.Supervisor && (await RecordsAsync([f.Id], ct)).TryGetValue(f.Id, out var rs) ? rs : [];
        var lastDone = await db.Set<ScreenRun>().AsNoTracking().Where(r => r.TenderId == f.TenderId && r.Status == ScreenRunStatus.Completed)
            .OrderByDescending(r => r.QueuedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
        return new FindingView(tender, tender.Lots.Single(l => l.Id == f.LotId), access, f, evidence, names, decisions, records, f.LastRunId == lastDone);
    }

    private async Task<Dictionary<Guid, List<BadBehaviourRecord>>> RecordsAsync(List<Guid> findingIds, CancellationToken ct)
    {
        var refs = findingIds.Select(id => FindingRefPrefix + id).ToList();
        var records = await db.Set<BadBehaviourRecord>().AsNoTracking().Where(r => r.CollusionFindingRef != null && refs.Contains(r.CollusionFindingRef)).ToListAsync(ct);
        return records.GroupBy(r => Guid.Parse(r.CollusionFindingRef![FindingRefPrefix.Length..])).ToDictionary(g => g.Key, g => g.ToList());
    }

    public async Task<ScreenRun?> ProgressAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        await AccessAsync(actor, tenderId, ct);
        return await db.Set<ScreenRun>().AsNoTracking().Where(r => r.TenderId == tenderId).OrderByDescending(r => r.QueuedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// A supervisor confirms or dismisses a finding with a reason; decision and log entry commit together. A decision is
    /// final for the evidence it was made on: deciding again is refused, unless a later run brought different evidence
    /// for the same finding (then it is open again and the earlier decision stays in its history).
    /// </summary>
    public async Task<IntegrityFinding> DecideAsync(Actor actor, Guid findingId, FindingDecision decision, string? reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        var f = await db.Set<IntegrityFinding>().FirstOrDefaultAsync(x => x.Id == findingId, ct) ?? throw new NotFoundException();
        if (!Enum.IsDefined(decision)) throw new RuleViolationException(new RuleViolation(IntegrityRules.DecisionUnknown));
        var text = reason?.Trim() ?? "";
        if (text.Length == 0 || text.Length > IntegrityFinding.MaxReason)
            throw new RuleViolationException(new RuleViolation(IntegrityRules.ReasonRequired, IntegrityFinding.MaxReason));
        if (f.Decision is not null) throw new RuleViolationException(new RuleViolation(IntegrityRules.AlreadyDecided, $"Integrity.Decision.{f.Decision}", f.DecidedAt!.Value));
        var now = Now;
        f.Decision = decision;
        f.DecisionReason = text;
        f.DecidedAt = now;
        f.DecidedByUserId = actor.UserId;
        f.DecidedByName = actor.Name;
        f.DecidedEvidenceSha256 = f.EvidenceSha256;
        db.Set<IntegrityDecision>().Add(new IntegrityDecision
        {
            FindingId = f.Id, Decision = decision, Reason = text, EvidenceSha256 = f.EvidenceSha256, DecidedAt = now, DecidedByUserId = actor.UserId, DecidedByName = actor.Name,
        });
        await log.RecordAsync("integrity.finding.decided", f.TenderId, new
        {
            finding = f.Id, lot = f.LotId, indicator = f.IndicatorId, grade = f.Grade.ToString(), decision = decision.ToString(),
            evidenceSha256 = f.EvidenceSha256, reasonSha256 = Sha(text), by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        return f;
    }

    /// <summary>
    /// Turns a confirmed finding into a bad-behaviour record against one of its firms through the supervision office's own
    /// service (numbering, log entry, suspension in force); the record names the finding, which is how they are linked.
    /// One record per firm and finding.
    /// </summary>
    public async Task<BadBehaviourRecord> RecordAsync(Actor actor, Guid findingId, Guid firmId, RecordInput input, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        var f = await db.Set<IntegrityFinding>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == findingId, ct) ?? throw new NotFoundException();
        if (f.Decision != FindingDecision.Confirmed) throw new RuleViolationException(new RuleViolation(IntegrityRules.NotConfirmed));
        if (!f.Firms.Contains(firmId)) throw new RuleViolationException(new RuleViolation(IntegrityRules.FirmNotInFinding));
        var reference = FindingRefPrefix + f.Id;
        if (await db.Set<BadBehaviourRecord>().AnyAsync(r => r.CollusionFindingRef == reference && r.SubjectId == firmId, ct))
            throw new RuleViolationException(new RuleViolation(IntegrityRules.AlreadyRecorded));
        try
        {
            return await sanctions.RecordAsync(actor, input with { SubjectKind = SanctionSubjectKind.Firm, SubjectId = firmId, CollusionFindingRef = reference }, null, ct);
        }
        catch (DbUpdateException)
        {
            // Another supervisor recorded the same finding against the same firm a moment earlier (unique index).
            db.ChangeTracker.Clear();
            if (await db.Set<BadBehaviourRecord>().AnyAsync(r => r.CollusionFindingRef == reference && r.SubjectId == firmId, ct))
                throw new RuleViolationException(new RuleViolation(IntegrityRules.AlreadyRecorded));
            throw;
        }
    }
}
