using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.Domain.Integrity;
using Trading.Integrity;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;
using Trading.Domain.Bidding;

namespace Trading.Web.Features.Integrity;

/// <summary>The screening job's side: queueing runs after openings and on request, and running the screens over a tender's lots.</summary>
public sealed partial class IntegrityService
{
    /// <summary>Queues a run for every opened tender that has none yet (the automatic screening after an opening).</summary>
    public async Task<int> QueueOpenedAsync(CancellationToken ct)
    {
        var opened = await db.Set<KeyCeremony>().AsNoTracking().Where(c => c.OpenedAt != null)
            .Where(c => !db.Set<ScreenRun>().Any(r => r.TenderId == c.TenderId))
            .Select(c => c.TenderId).Distinct().ToListAsync(ct);
        foreach (var id in opened)
            db.Set<ScreenRun>().Add(new ScreenRun { TenderId = id, Trigger = "opening", Status = ScreenRunStatus.Queued, QueuedAt = Now });
        if (opened.Count > 0) await db.SaveChangesAsync(ct);
        return opened.Count;
    }

    /// <summary>The trigger of the run queued when a tender is archived.</summary>
    public const string ArchiveTrigger = "archive";

    /// <summary>
    /// Queues the run an archived tender gets (not saved: the archive act saves it in its own transaction). By then its
    /// lots are awarded, so the rotation and cover screens (H1, H2, H4) see them with their winners; a tender that opened
    /// no bid has nothing to screen and gets none, nor one that already has a run waiting.
    /// </summary>
    public async Task<bool> QueueArchivedAsync(Guid tenderId, CancellationToken ct)
    {
        if (!await db.Set<Bid>().AnyAsync(b => b.TenderId == tenderId && b.OpeningStatus == BidOpeningStatus.Opened, ct)) return false;
        if (await db.Set<ScreenRun>().AnyAsync(r => r.TenderId == tenderId && (r.Status == ScreenRunStatus.Queued || r.Status == ScreenRunStatus.Running), ct)) return false;
        db.Set<ScreenRun>().Add(new ScreenRun { TenderId = tenderId, Trigger = ArchiveTrigger, Status = ScreenRunStatus.Queued, QueuedAt = Now });
        return true;
    }

    /// <summary>A supervisor asks for the screens to run again (new history, a corrected registry record).</summary>
    public async Task<ScreenRun> RequestAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        if (!await db.Tenders.AnyAsync(t => t.Id == tenderId, ct)) throw new NotFoundException();
        if (!await db.Set<KeyCeremony>().AnyAsync(c => c.TenderId == tenderId && c.OpenedAt != null, ct))
            throw new RuleViolationException(new RuleViolation(IntegrityRules.NotOpened));
        if (await db.Set<ScreenRun>().AnyAsync(r => r.TenderId == tenderId && (r.Status == ScreenRunStatus.Queued || r.Status == ScreenRunStatus.Running), ct))
            throw new RuleViolationException(new RuleViolation(IntegrityRules.RunPending));
        var run = new ScreenRun { TenderId = tenderId, Trigger = "manual", RequestedByUserId = actor.UserId, Status = ScreenRunStatus.Queued, QueuedAt = Now };
        db.Set<ScreenRun>().Add(run);
        await log.RecordAsync("integrity.requested", tenderId, new { run = run.Id, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return run;
    }

    public Task<List<Guid>> QueuedRunsAsync(CancellationToken ct) =>
        db.Set<ScreenRun>().AsNoTracking().Where(r => r.Status == ScreenRunStatus.Queued).OrderBy(r => r.QueuedAt).Select(r => r.Id).ToListAsync(ct);

    /// <summary>
    /// Runs one queued run. The claim is a conditional update, so two servers (or the timer and a page) never run the
    /// same one. Findings, details, the run's status and the <c>integrity.screened</c> log entry commit together.
    /// A failure marks the run failed with its reason and logs it; it never touches the opening.
    /// </summary>
    public async Task<bool> ProcessAsync(Guid runId, CancellationToken ct)
    {
        var now = Now;
        var claimed = await db.Set<ScreenRun>().Where(r => r.Id == runId && r.Status == ScreenRunStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ScreenRunStatus.Running).SetProperty(r => r.StartedAt, now).SetProperty(r => r.Stage, "history"), ct);
        if (claimed == 0) return false;
        var run = await db.Set<ScreenRun>().SingleAsync(r => r.Id == runId, ct);
        try
        {
            await ScreenAsync(run, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Screen run {Run} of tender {Tender} failed", run.Id, run.TenderId);
            db.ChangeTracker.Clear();
            var failed = await db.Set<ScreenRun>().SingleAsync(r => r.Id == runId, ct);
            failed.Status = ScreenRunStatus.Failed;
            failed.CompletedAt = Now;
            failed.Stage = null;
            var error = $"{e.GetType().Name}: {e.Message}";
            failed.Error = error.Length > 2000 ? error[..2000] : error;
            await log.RecordAsync("integrity.failed", failed.TenderId, new { run = failed.Id, error = e.GetType().Name }, ct);
            return true;
        }
    }

    private async Task ScreenAsync(ScreenRun run, CancellationToken ct)
    {
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).SingleAsync(t => t.Id == run.TenderId, ct);
        var openedAt = await db.Set<KeyCeremony>().AsNoTracking().Where(c => c.TenderId == tender.Id).Select(c => c.OpenedAt).FirstOrDefaultAsync(ct);
        // At the opening the tender's own lots have no winner yet and are what is screened, so the history is every other
        // tender's. Once archived they are awarded history like any other: the run then reads them too, or the rotation
        // that the tender completes would stay one lot short. The price baselines never count the lots they judge.
        var ownLots = tender.Lots.Select(l => l.Id.ToString()).ToHashSet(StringComparer.Ordinal);
        var all = await inputs.HistoryAsync(run.Trigger == ArchiveTrigger ? Guid.Empty : tender.Id, ct);
        var history = run.Trigger == ArchiveTrigger ? new Trading.Integrity.Model.MarketHistory(all.Lots.Where(l => !ownLots.Contains(l.LotId)).ToList()) { FirmRegions = all.FirmRegions } : all;
        var baseline = await inputs.BaselineAsync(history, tender.Id, ct);
        // The history screens look at the whole market; only what involves two or more of a lot's bidders is kept for the lot.
        var historyReport = IntegrityScreens.ScreenHistory(all);
        await ProgressAsync(run.Id, "lots", 0, tender.Lots.Count, ct);

        var lotInputs = await inputs.LotsAsync(tender, openedAt, ct);
        var details = new List<LotDetails>();
        var found = new List<(Lot Lot, Finding Finding)>();
        var done = 0;
        foreach (var input in lotInputs)
        {
            var report = IntegrityScreens.ScreenLot(input.Screen, baseline);
            var firmIds = input.Screen.Bids.Select(b => b.FirmId).ToList();
            var historyFindings = historyReport.ForFirms(firmIds, minFirms: 2);
            found.AddRange(report.Findings.Concat(historyFindings).Select(f => (input.Lot, f)));
            var bidFirm = input.Screen.Bids.ToDictionary(b => b.BidId, b => Guid.Parse(b.FirmId));
            var notes = input.Notes.Select(n => new NoteDto(n.BidId, bidFirm.TryGetValue(n.BidId.ToString(), out var f) ? f : null, n.FileName, new TextRef(n.Key, n.Args, true)))
                .Concat(report.Notes.Select(n => new NoteDto(Guid.TryParse(n.BidId, out var b) ? b : null,
                    n.BidId is not null && bidFirm.TryGetValue(n.BidId, out var f) ? f : null, n.FileName, Ref(n.Message)))).ToList();
            var outcomes = report.Outcomes.Concat(historyReport.Outcomes)
                .Select(o => new OutcomeDto(o.IndicatorId, o.Status.ToString(), o.Note is null ? null : Ref(o.Note))).ToList();
            details.Add(new LotDetails(input.Lot.Id, input.Lot.Number, input.Screen.Bids.Count, outcomes, notes,
                report.PriceScreens.Select(p => new PriceScreenDto(p.Screen, Finite(p.Value), Finite(p.Percentile), p.BaselineSize)).ToList(),
                input.Prices.Select(p => new PricePoint(p.FirmId, p.PriceFen)).ToList()));
            await ProgressAsync(run.Id, "lots", ++done, tender.Lots.Count, ct);
        }

        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var existing = await db.Set<IntegrityFinding>().Where(f => f.TenderId == tender.Id).ToDictionaryAsync(f => (f.LotId, f.FindingKeyHash), ct);
            var now = Now;
            var reopened = 0;
            foreach (var (lot, f) in found)
            {
                var evidence = JsonSerializer.Serialize(f.Evidence.Select(e => new EvidenceDto(e.Kind, G(e.FirmId), G(e.BidId), e.Value, e.FileName, e.Page)), Json);
                var evidenceSha = Sha(evidence);
                var keyHash = Sha(f.Id);
                if (!existing.TryGetValue((lot.Id, keyHash), out var row))
                {
                    row = new IntegrityFinding { TenderId = tender.Id, LotId = lot.Id, FindingKey = f.Id, FindingKeyHash = keyHash, FirstRunId = run.Id, FirstFoundAt = now };
                    db.Set<IntegrityFinding>().Add(row);
                    existing[(lot.Id, keyHash)] = row;
                }
                else if (row.LastRunId == run.Id) continue; // the same history finding reached through another lot of the tender is kept once per lot
                row.IndicatorId = f.IndicatorId;
                row.Basis = f.Basis.Length > 100 ? f.Basis[..100] : f.Basis;
                row.Grade = f.Grade == Grade.Conclusive ? FindingGrade.Conclusive : FindingGrade.Lead;
                row.FirmIds = string.Join(',', f.FirmIds.Select(G).OfType<Guid>().Order());
                row.EvidenceJson = evidence;
                row.EvidenceSha256 = evidenceSha;
                row.ExplanationKey = f.Explanation.Key;
                row.ExplanationArgsJson = JsonSerializer.Serialize(f.Explanation.Args, Json);
                row.Score = double.IsFinite(f.Score) ? f.Score : 0;
                row.LastRunId = run.Id;
                row.LastFoundAt = now;
                // A decision stands for the evidence it was made on; new evidence puts the finding before a supervisor again.
                if (row.Decision is not null && row.DecidedEvidenceSha256 != evidenceSha)
                {
                    row.Decision = null;
                    row.DecisionReason = null;
                    row.DecidedAt = null;
                    row.DecidedByUserId = null;
                    row.DecidedByName = null;
                    row.DecidedEvidenceSha256 = null;
                    reopened++;
                }
            }
            run.Status = ScreenRunStatus.Completed;
            run.CompletedAt = now;
            run.Stage = null;
            run.LotCount = tender.Lots.Count;
            run.LotsDone = tender.Lots.Count;
            run.BidCount = lotInputs.Sum(l => l.Screen.Bids.Count);
            run.HistoryLots = all.Lots.Count;
            run.DetailsJson = JsonSerializer.Serialize(new RunDetails(details), Json);
            await log.AppendAsync("integrity.screened", tender.Id, new
            {
                run = run.Id, trigger = run.Trigger, lots = tender.Lots.Count, bids = run.BidCount, historyLots = all.Lots.Count,
                findings = found.GroupBy(x => $"{x.Finding.IndicatorId}/{x.Finding.Grade}").OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count()),
                notEnoughData = details.SelectMany(d => d.Outcomes).Where(o => o.Status == nameof(ScreenStatus.NotEnoughData))
                    .GroupBy(o => o.Indicator).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                notes = details.Sum(d => d.Notes.Count), reopened,
            }, ct);
            // The supervision office hears of findings in the same transaction that stores them (not of the demo's: demo data sends no mail).
            if (found.Count > 0 && run.Trigger != "demo")
            {
                var conclusive = found.Count(x => x.Finding.Grade == Grade.Conclusive).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var leads = found.Count(x => x.Finding.Grade == Grade.Lead).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await notifier.RaiseToRoleAsync(Roles.Supervisor, u => new Notifications.Notice(u, "integrity.findings", "Integrity.Notice.Subject", "Integrity.Notice.Body",
                    [tender.Code, conclusive, leads], $"/Integrity/Tender/{tender.Id}", tender.Id), ct);
            }
        }, ct);
    }

    private Task ProgressAsync(Guid runId, string stage, int done, int total, CancellationToken ct) =>
        db.Set<ScreenRun>().Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stage, stage).SetProperty(r => r.LotsDone, done).SetProperty(r => r.LotCount, total), ct);

    private static TextRef Ref(LocalizedText t) => new(t.Key, t.Args);
    private static double? Finite(double? d) => d is { } v && double.IsFinite(v) ? v : null;
    private static Guid? G(string? s) => Guid.TryParse(s, out var g) ? g : null;
    private static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
