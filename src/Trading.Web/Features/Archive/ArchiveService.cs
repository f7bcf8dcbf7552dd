using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Archive;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.PublicLog;
using Trading.PublicLog.Archive;
using Trading.Web.Features.Log;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Archive;

/// <summary>A tender's archive as its pages show it.</summary>
public sealed record ArchiveStatus(Tender Tender, DateTime? ArchivedAt, long? ArchivedIndex, DateOnly? RetainUntil, int RetentionYears,
    RuleViolation? WhyNotArchive, RuleViolation? WhyNoPackage, bool MayArchive);

/// <summary>
/// The archive (电子档案, step 18): the logged act that archives a tender, and its package (docs/archive-format.md) built
/// from the stored files and the log on each download, so it always carries the newest cosigned checkpoint. Nothing of
/// the package is stored: it is the files and the log, which are kept anyway, arranged and proven.
/// </summary>
public sealed class ArchiveService(TradingDbContext db, PublicLogWriter log, EfLogStore store, IFileStore files, CentreKeys keys,
    TimeStamper stamper, Checkpoints checkpoints, TimeProvider clock, IConfiguration config, Integrity.IntegrityService integrity, Integrity.IntegrityScreenJob screenJob,
    Submission.OpeningService openings, Submission.OpeningRecordPdf openingPdf, Draw.DrawPdf drawPdf, ArchiveIndexPdf indexPdf, Notifications.Notifier notifier,
    ILogger<ArchiveService> logger, Certificates.SealStamps stamps)
{
    public const string ArchivedType = "tender.archived";

    /// <summary>Years a package is kept (<c>Archive:RetentionYears</c>, default 30 as for engineering-construction records).</summary>
    public int RetentionYears => Math.Clamp(config.GetValue("Archive:RetentionYears", ArchiveRules.DefaultRetentionYears), 1, 1000);

    private static bool MayArchive(Actor actor, Tender t) => actor.IsOwnerSideOf(t) || actor.IsIn(Roles.CentreStaff);

    private async Task<Tender> LoadAsync(Guid tenderId, CancellationToken ct) =>
        await db.Tenders.Include(t => t.OwnerOrganisation).Include(t => t.Lots).Include(t => t.Documents)
            .FirstOrDefaultAsync(t => t.Id == tenderId, ct) ?? throw new NotFoundException();

    private Task<LogRecord?> ArchivedEntryAsync(Guid tenderId, CancellationToken ct) =>
        db.LogEntries.AsNoTracking().Where(e => e.TenderId == tenderId && e.Type == ArchivedType).OrderBy(e => e.Index).FirstOrDefaultAsync(ct);

    /// <summary>Every bond due back (each valid bid of a lot that did not fail) has its refund recorded (the award feature's records).</summary>
    private async Task<bool> RefundsCompleteAsync(Tender t, CancellationToken ct)
    {
        if (t.Failed) return true;
        var openLots = t.Lots.Where(l => l.FailedReason is null).Select(l => l.Id).ToList();
        var refundable = await Award.AwardFactsReader.RefundableAsync(db, t.Id, openLots, ct);
        var refunded = await db.Set<Domain.Award.BondRefund>().AsNoTracking().Where(r => r.TenderId == t.Id).Select(r => r.BidId).ToListAsync(ct);
        return refundable.All(refunded.Contains);
    }

    public async Task<ArchiveStatus> StatusAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await LoadAsync(tenderId, ct);
        if (!ArchiveRules.MayDownload(actor.IsOwnerSideOf(t), actor.IsOversight)) throw new ForbiddenException(RuleCodes.NotOwner);
        var archived = await ArchivedEntryAsync(tenderId, ct);
        var why = ArchiveRules.CheckArchive(t, archived is not null, await RefundsCompleteAsync(t, ct));
        RuleViolation? noPackage = archived is null ? new RuleViolation(ArchiveRules.NotArchived) : await CoverageAsync(tenderId, ct) is { } need
            ? new RuleViolation(ArchiveRules.AwaitingCosignature, need) : null;
        return new ArchiveStatus(t, archived?.RecordedAt, archived?.Index,
            archived is null ? null : ArchiveManifest.RetentionEnd(new DateTimeOffset(archived.RecordedAt, TimeSpan.Zero), RetentionOf(archived)),
            archived is null ? RetentionYears : RetentionOf(archived), why, noPackage, MayArchive(actor, t));
    }

    private int RetentionOf(LogRecord archived) =>
        JsonNode.Parse(archived.Payload)?["data"]?["retentionYears"] is JsonValue v && v.TryGetValue<int>(out var y) ? y : RetentionYears;

    /// <summary>
    /// Archives the tender: refused unless it failed or ran its course; one <c>tender.archived</c> entry in the act's
    /// transaction, which also queues the collusion screens' re-run over the history the tender's awards now complete.
    /// </summary>
    public async Task ArchiveAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await LoadAsync(tenderId, ct);
        if (!MayArchive(actor, t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        var screen = false;
        await log.ActAsync(async () =>
        {
            // Under the log's lock: two clicks at once cannot both archive.
            await log.LockAsync(ct);
            var already = await db.LogEntries.AnyAsync(e => e.TenderId == tenderId && e.Type == ArchivedType, ct);
            if (ArchiveRules.CheckArchive(t, already, await RefundsCompleteAsync(t, ct)) is { } v) throw new RuleViolationException(v);
            var years = RetentionYears;
            var now = clock.GetUtcNow();
            await log.AppendAsync(ArchivedType, t.Id, new
            {
                code = t.Code, failed = t.Failed, step = (int)t.Step, retentionYears = years,
                retainUntil = ArchiveManifest.RetentionEnd(now, years).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            // A signed checkpoint that covers the act, in its transaction (as at every deadline): the supervision office
            // then has a checkpoint to cosign, and the package can be made as soon as it does.
            screen = await integrity.QueueArchivedAsync(t.Id, ct);
            await db.SaveChangesAsync(ct);
            var checkpoint = await checkpoints.CheckpointNowAsync("archive", ct);
            // The package waits for the supervision office's cosignature of that checkpoint: its turn, said once.
            await notifier.RaiseOnceAsync(await notifier.UsersWithRoleAsync(Roles.Supervisor, ct), u => new Notifications.Notice(u, "archive.cosign", "Archive.Notice.CosignSubject",
                "Archive.Notice.CosignBody", [t.Code, checkpoint.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/Log/Witness", t.Id), ct);
        }, ct);
        if (screen) screenJob.Wake();
    }

    /// <summary>
    /// The tender's entries in the log: its own, and the sealed acts its reveal opened. Null checkpoint size when no
    /// cosigned checkpoint covers them all yet (the size needed is returned instead).
    /// </summary>
    private async Task<List<long>> TenderIndexesAsync(Guid tenderId, CancellationToken ct)
    {
        var own = await db.LogEntries.AsNoTracking().Where(e => e.TenderId == tenderId).OrderBy(e => e.Index)
            .Select(e => new { e.Index, e.Type, e.Payload }).ToListAsync(ct);
        var indexes = own.Select(e => e.Index).ToList();
        foreach (var reveal in own.Where(e => e.Type == SealedActs.RevealType))
        {
            if (JsonNode.Parse(reveal.Payload)?["data"]?["acts"] is JsonArray acts)
                indexes.AddRange(acts.Select(a => a?["index"]?.GetValue<long>()).OfType<long>());
        }
        return [.. indexes.Distinct().Order()];
    }

    /// <summary>The log size a cosigned checkpoint must reach before the package can be made; null when one does.</summary>
    private async Task<long?> CoverageAsync(Guid tenderId, CancellationToken ct)
    {
        var last = await db.LogEntries.Where(e => e.TenderId == tenderId).MaxAsync(e => (long?)e.Index, ct) ?? -1;
        var cosigned = await checkpoints.LatestCosignedAsync(ct);
        return cosigned is not null && cosigned.Size > last ? null : last + 1;
    }

    /// <summary>
    /// Authorises and prepares the package; the returned writer streams it (the caller sends it as the response).
    /// Refused for anyone but the tender's owner side and the oversight offices, before the tender is archived, and
    /// while no cosigned checkpoint covers the archiving act.
    /// </summary>
    public async Task<(string FileName, Func<Stream, CancellationToken, Task> Write)> PackageAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await LoadAsync(tenderId, ct);
        if (!ArchiveRules.MayDownload(actor.IsOwnerSideOf(t), actor.IsOversight)) throw new ForbiddenException(RuleCodes.NotOwner);
        var archived = await ArchivedEntryAsync(tenderId, ct) ?? throw new RuleViolationException(new RuleViolation(ArchiveRules.NotArchived));
        if (await CoverageAsync(tenderId, ct) is { } need) throw new RuleViolationException(new RuleViolation(ArchiveRules.AwaitingCosignature, need));
        var cosigned = (await checkpoints.LatestCosignedAsync(ct))!;
        var witness = keys.Pki.Witness ?? throw new RuleViolationException(new RuleViolation(ArchiveRules.AwaitingCosignature, cosigned.Size));

        var merkle = new MerkleLog(store);
        var indexes = await TenderIndexesAsync(tenderId, ct);
        var rows = await db.LogEntries.AsNoTracking().Where(e => indexes.Contains(e.Index)).OrderBy(e => e.Index).Select(e => new { e.Index, e.Payload }).ToListAsync(ct);
        var entries = new List<ArchiveLogEntry>(rows.Count);
        foreach (var r in rows)
            entries.Add(new ArchiveLogEntry(r.Index, Encoding.UTF8.GetBytes(r.Payload), await merkle.GetInclusionProofAsync(r.Index, cosigned.Size, ct)));
        // A file whose SHA-256 one of the tender's own entries states is bound to that entry (the verifier checks it).
        long? LoggedAt(string sha) => rows.FirstOrDefault(r => r.Payload.Contains(sha, StringComparison.Ordinal))?.Index;

        var items = await FilesAsync(actor, t, LoggedAt, ct);
        var builder = new TenderArchiveBuilder
        {
            Tender = new ArchiveTender(t.Id.ToString(), t.Code, t.Title, t.OwnerOrganisation?.Name ?? "", t.Failed ? "failed" : "completed"),
            ArchivedAt = new DateTimeOffset(archived.RecordedAt, TimeSpan.Zero), RetentionYears = RetentionOf(archived), BuiltAt = clock.GetUtcNow(),
            Files = items, CosignedCheckpoint = cosigned.CosignedNote, WitnessName = cosigned.WitnessName,
            LogCertificates = keys.LogChain, WitnessCertificate = witness, Entries = entries,
            Stamp = (imprint, c) => stamper.StampAsync(imprint, c),
            // In Chinese, the record's language, like the opening and draw records beside it.
            Index = (index, _) => Task.FromResult(InCulture.Run(InCulture.Chinese, () => indexPdf.Render(index))),
        };
        logger.LogInformation("Archive package of {Tender}: {Files} files, {Entries} log entries, checkpoint {Size}", t.Code, items.Count, entries.Count, cosigned.Size);
        return ($"{t.Code}-archive.tar", async (output, c) => await builder.WriteAsync(output, c));
    }

    /// <summary>
    /// Every file of the tender, in a fixed order; member names are ASCII, the real names are the titles. The opening and
    /// draw records are printed here as the pages print them (sealed by the centre), in Chinese, the record's language.
    /// </summary>
    private async Task<List<ArchiveItem>> FilesAsync(Actor actor, Tender t, Func<string, long?> loggedAt, CancellationToken ct)
    {
        var items = new List<ArchiveItem>();
        ArchiveItem Stored(string path, string kind, string title, string key, string? sha) =>
            new(path, kind, title, _ => Task.FromResult(files.OpenRead(key)), sha is null ? null : loggedAt(sha));

        items.Add(ArchiveItem.FromBytes("record/tender.json", "record", "tender.json", await TenderRecordAsync(t, ct)));
        int n = 0;
        foreach (var d in t.Documents.OrderBy(d => d.FiledAt).ThenBy(d => d.Id))
            items.Add(Stored($"documents/{++n:D2}-{d.Id:N}{Extension(d.FileName)}", "tender-document", d.FileName, d.StorageKey, d.Sha256));
        n = 0;
        foreach (var b in await db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == t.Id).OrderBy(b => b.SubmittedAt).ThenBy(b => b.Id).ToListAsync(ct))
            items.Add(Stored($"bids/{++n:D2}-{b.Id:N}.env", "bid-envelope", $"envelope {b.EnvelopeSha256[..12]} ({b.Status})", b.StorageKey, b.EnvelopeSha256));
        foreach (var c in await db.Set<KeyCeremony>().AsNoTracking().Where(c => c.TenderId == t.Id && c.TranscriptStorageKey != null).OrderBy(c => c.CreatedAt).ToListAsync(ct))
            items.Add(Stored($"opening/transcript-{c.Id:N}.json", "opening-transcript", "opening transcript (trading verify-opening)", c.TranscriptStorageKey!, c.TranscriptSha256));
        if (await db.Set<KeyCeremony>().AsNoTracking().AnyAsync(c => c.TenderId == t.Id && c.OpenedAt != null, ct))
        {
            var (tender, ceremony, rows) = await openings.RecordAsync(actor, t.Id, ct);
            items.Add(ArchiveItem.FromBytes($"opening/record-{ceremony.Id:N}.pdf", "opening-record", "opening record (开标记录)", InCulture.Run(InCulture.Chinese, () => openingPdf.Render(tender, ceremony, rows))));
        }
        foreach (var s in await db.Set<EvaluationSession>().AsNoTracking().Where(s => s.TenderId == t.Id && s.RecordJson != "").OrderBy(s => s.StartsAt).ToListAsync(ct))
        {
            items.Add(ArchiveItem.FromBytes($"draw/{s.Id:N}.json", "draw-record", $"draw record {s.DrawId} (trading verify-draw)", Encoding.UTF8.GetBytes(s.RecordJson)));
            if (DrawRecordOf(s) is { } record)
            {
                var lot = t.Lots.First(l => l.Id == s.LotId);
                var view = new Draw.DrawView(s, t, lot, record, null, false, false, [], null, []);
                items.Add(ArchiveItem.FromBytes($"draw/{s.Id:N}.pdf", "draw-record-pdf", $"draw record {s.DrawId} (专家抽取记录)", InCulture.Run(InCulture.Chinese, () => drawPdf.Render(view))));
            }
        }
        // A record whose seal was time-stamped late is archived as stamped, bound to its seal.time-stamped entry (which
        // names the issued file's hash too); until then as issued, bound to the entry that issued it.
        foreach (var r in await db.Set<EvaluationReport>().AsNoTracking().Where(r => r.TenderId == t.Id).OrderBy(r => r.IssuedAt).ToListAsync(ct))
        {
            var (key, sha) = await stamps.StampedAsync(r.Id, ct) ?? (r.StorageKey, r.PdfSha256);
            items.Add(Stored($"evaluation/report-{r.Id:N}.pdf", "evaluation-report", "evaluation report (评标报告)", key, sha));
        }
        foreach (var a in await db.Set<Domain.Award.AwardNotice>().AsNoTracking().Where(a => a.TenderId == t.Id).OrderBy(a => a.IssuedAt).ThenBy(a => a.Id).ToListAsync(ct))
        {
            var (key, sha) = await stamps.StampedAsync(a.Id, ct) ?? (a.StorageKey, a.Sha256);
            items.Add(Stored($"award/{(a.Kind == Domain.Award.NoticeKind.Award ? "award" : "result")}-{a.Id:N}.pdf", "award-notice",
                a.Kind == Domain.Award.NoticeKind.Award ? "award notice (中标通知书)" : "result notice (中标结果通知书)", key, sha));
        }
        foreach (var c in await db.Set<Domain.Award.LotContract>().AsNoTracking().Where(c => c.TenderId == t.Id).OrderBy(c => c.UploadedAt).ToListAsync(ct))
            items.Add(Stored($"contracts/{c.Id:N}{Extension(c.FileName)}", "contract", c.FileName, c.StorageKey, c.Sha256));
        return items;
    }

    /// <summary>The session's draw record, or null for a session with none to print (its JSON is archived as it is).</summary>
    private static ExpertPool.DrawRecord? DrawRecordOf(EvaluationSession s)
    {
        try { return ExpertPool.DrawRecordJson.Deserialize(s.RecordJson); }
        catch (JsonException) { return null; }
    }

    private static string Extension(string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        return ext.Length is > 1 and <= 8 && ext.Skip(1).All(char.IsAsciiLetterOrDigit) ? ext : ".bin";
    }

    /// <summary>The tender's own record: what it was, its lots, steps, clarifications and outcome, as JSON.</summary>
    private async Task<byte[]> TenderRecordAsync(Tender t, CancellationToken ct)
    {
        var transitions = await db.StepTransitions.AsNoTracking().Where(s => s.TenderId == t.Id).OrderBy(s => s.At).ToListAsync(ct);
        var clarifications = await db.Clarifications.AsNoTracking().Where(c => c.TenderId == t.Id).OrderBy(c => c.PublishedAt).ToListAsync(ct);
        var record = new
        {
            t.Id, t.Code, t.Title, t.Description, Category = t.Category.ToString(), EvaluationMethod = t.EvaluationMethod.ToString(),
            Owner = t.OwnerOrganisation?.Name, t.OwnerOrganisationId, t.AgentOrganisationId, t.QualificationRequirements,
            t.BidDeadline, t.OpeningTime, t.OpeningPlace, t.PublishedAt, Step = (int)t.Step, t.Failed, t.FailedReason, t.RetenderOfId,
            Lots = t.Lots.OrderBy(l => l.Number).Select(l => new { l.Number, l.Name, EstimatedPriceYuan = Money.Yuan(l.EstimatedPriceFen), BidBondYuan = Money.Yuan(l.BidBondFen), l.FailedReason }),
            Documents = t.Documents.OrderBy(d => d.FiledAt).Select(d => new { d.Id, d.FileName, d.Length, d.Sha256, d.FiledAt, d.Superseded }),
            Steps = transitions.Select(s => new { From = (int)s.From, To = (int)s.To, s.At, s.Note }),
            Clarifications = clarifications.Select(c => new { c.Question, c.Answer, c.ChangesDocuments, c.PublishedAt }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(record, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
