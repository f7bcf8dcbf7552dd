using System.IO.Compression;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>One row of the opening record (开标记录).</summary>
public sealed record OpeningRow(Guid BidId, Guid FirmId, string Firm, int Lot, BidOpeningStatus? Status, long? PriceFen, int? DurationDays,
    string? ProjectManager, string? Problem, string EnvelopeSha256, string? ReceiptHash, DateTime? ConfirmedAt, long BondFen = 0, string? BondAccountTail = null)
{
    /// <summary>
    /// The last four characters of the account the bid says its bond was paid from: enough to match the bank's receipt
    /// at the opening table, not the whole number for every reader of the record.
    /// </summary>
    public static string? Tail(string? account) => string.IsNullOrWhiteSpace(account) ? null : account.Trim() is { Length: > 4 } a ? a[^4..] : account.Trim();
}

/// <summary>
/// The three-key opening. The server never holds a holder's secret, a share or a passphrase: each holder's officer
/// computes its partial decryptions with proofs on its own side (the opening hall's page, or <c>trading keyholder
/// partial-decrypt</c>), after checking that every point is a frozen bid's, and posts only those. The server verifies
/// every proof, and once enough holders have given theirs decrypts each bid and reads its opening form; failures are
/// classified. An opening interrupted midway (a crash, a failed read) resumes with the bids not yet opened.
/// </summary>
public sealed class OpeningService(TradingDbContext db, PublicLogWriter log, CeremonyService ceremonies, Custody.CustodyService custody, IFileStore files, TimeProvider clock,
    Tenders.TenderMoves moves, Opening.IOpeningHall hall, Microsoft.Extensions.Options.IOptions<Opening.OpeningOptions> options, ILogger<OpeningService> logger,
    Notifications.Notifier notifier, CentreTime time)
{
    public const int MaxFormBytes = 64 * 1024;

    /// <summary>At most this many decrypted bids are recorded in one transaction (each still with its own log entry).</summary>
    private const int RecordBatch = 32;

    /// <summary>Write-behind window of a kept package: small enough that a 20 MiB bid is written back while it decrypts.</summary>
    private const long PackageWindow = 4 << 20;

    public async Task<(Tender Tender, KeyCeremony Ceremony)> LoadAsync(Guid tenderId, CancellationToken ct)
    {
        var t = await db.Tenders.Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        return (t, await ceremonies.GetAsync(tenderId, ct));
    }

    private Task<List<Bid>> FrozenBidsAsync(Guid tenderId, CancellationToken ct) =>
        db.Set<Bid>().Where(b => b.TenderId == tenderId && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).ToListAsync(ct);

    /// <summary>
    /// What a holder keeping its share off the server needs to compute its partials with <c>trading keyholder
    /// partial-decrypt</c>: every frozen bid's R (never arbitrary points: threshold ECIES must not decrypt chosen
    /// ciphertexts) and the joint key. Only after the deadline, only to the tender's holders.
    /// </summary>
    public async Task<PartialDecryptionBatch> BatchAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var (t, c, _, bids) = await ReadyToGiveAsync(actor, user, tenderId, ct, allowGiven: true);
        var frozen = await db.LogEntries.Where(e => e.TenderId == tenderId && e.Type == "bids.frozen").OrderByDescending(e => e.Index).Select(e => (long?)e.Index).FirstOrDefaultAsync(ct);
        return new PartialDecryptionBatch(
            bids.Select(b => new BatchItem(Convert.FromHexString(b.EnvelopeSha256), b.EphemeralPoint, b.Id, b.LogIndex)).ToList(),
            CryptoJson.Deserialize<JointKey>(c.JointKeyJson!), t.Code, c.CeremonyId, frozen);
    }

    /// <summary>
    /// A holder gives the partials its officer made on its own side: in the opening hall's page (<paramref name="via"/>
    /// "browser") or with <c>trading keyholder partial-decrypt</c> ("cli"). Every partial must be this holder's, for
    /// exactly the frozen bids (a point outside the frozen list is refused by name), each with a valid proof; otherwise
    /// the whole upload is refused, the holder named in the log, and nothing is kept.
    /// </summary>
    public async Task UploadPartialsAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, Stream body, CancellationToken ct, string via = "cli")
    {
        var (t, c, holder, bids) = await ReadyToGiveAsync(actor, user, tenderId, ct);
        var limit = MaxPartialsBytes(bids.Count);
        var json = await SmallBody.ReadTextAsync(body, limit, new RuleViolation(BiddingRules.PartialsTooLarge, limit / 1024), new RuleViolation(BiddingRules.PartialsMalformed), ct);
        List<PartialDecryption> uploaded;
        try
        {
            uploaded = CryptoJson.Deserialize<List<PartialDecryption>>(json);
        }
        catch (CryptoException)
        {
            throw new RuleViolationException(new RuleViolation(BiddingRules.PartialsMalformed));
        }

        var key = CryptoJson.Deserialize<JointKey>(c.JointKeyJson!);
        RuleViolation? refusal = null;
        var ordered = new List<PartialDecryption>();
        if (uploaded.FirstOrDefault(p => p.HolderIndex != holder.HolderIndex) is { } foreign)
            refusal = new RuleViolation(BiddingRules.PartialsOtherHolder, foreign.HolderIndex, holder.HolderIndex);
        else
        {
            // One partial per frozen bid, matched by R, stored in the bids' order (which the combination relies on).
            var byR = uploaded.GroupBy(p => Convert.ToHexStringLower(p.R)).ToDictionary(g => g.Key, g => g.ToList());
            var frozenRs = bids.Select(b => Convert.ToHexStringLower(b.EphemeralPoint)).ToHashSet(StringComparer.Ordinal);
            var foreignPoint = byR.Keys.FirstOrDefault(r => !frozenRs.Contains(r));
            var missing = bids.Count(b => !byR.TryGetValue(Convert.ToHexStringLower(b.EphemeralPoint), out var l) || l.Count != 1);
            if (foreignPoint is not null)
                refusal = new RuleViolation(OpeningRules.PointNotFrozen, foreignPoint.Length > 20 ? foreignPoint[..20] + "…" : foreignPoint);
            else if (missing > 0 || uploaded.Count != bids.Count)
                refusal = new RuleViolation(BiddingRules.PartialsWrongBids, bids.Count, uploaded.Count, missing);
            else
            {
                for (var i = 0; i < bids.Count && refusal is null; i++)
                {
                    var p = byR[Convert.ToHexStringLower(bids[i].EphemeralPoint)][0];
                    try
                    {
                        ThresholdOpening.VerifyPartial(key, bids[i].EphemeralPoint, p);
                        ordered.Add(p);
                    }
                    catch (CryptoException)
                    {
                        refusal = new RuleViolation(BiddingRules.PartialsProofInvalid, i + 1, bids[i].EnvelopeSha256[..16]);
                    }
                }
            }
        }
        if (refusal is not null)
        {
            // A bad share is rejected and its holder named (CRYPTO.md); the refusal itself changes nothing else.
            await log.RecordAsync("opening.partials.refused", tenderId, new
            {
                ceremony = c.CeremonyId, holder = holder.HolderIndex, reason = refusal.Code, officer = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            throw new RuleViolationException(refusal);
        }
        await AcceptPartialsAsync(actor, t, c, holder, bids, ordered, via == "browser" ? "browser" : "cli", ct);
    }

    /// <summary>
    /// What the officer's browser needs to rebuild its holder's secret on its own side (holder.mjs
    /// <c>unsealTransportKey</c>, then <c>holderSecret</c>): public values and ciphertexts only, useless without the
    /// officer's passphrase, which never reaches the server. A ceremony run as a relay serves the relay's material
    /// (Features/Custody); a ceremony dealt before the relay existed serves the holder's on-server sealed key with the
    /// shares dealt to it, in the same shape, so its officers too compute partials only on their side.
    /// </summary>
    public async Task<HolderMaterial> HolderMaterialAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var c = await ceremonies.GetAsync(tenderId, ct);
        if (await RelayedAsync(c, ct)) return await custody.HolderMaterialAsync(actor, user, tenderId, ct);
        var holder = ceremonies.HolderFor(actor, user, c);
        if (c.Status != CeremonyStatus.Complete) throw new RuleViolationException(new RuleViolation(BiddingRules.CeremonyNotComplete));
        if (holder.SealedTransportKeyJson is null) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderOffServer));
        var shares = CryptoJson.Deserialize<List<EncryptedShare>>(c.EncryptedSharesJson!);
        var dealings = CryptoJson.Deserialize<List<DealerCommitment>>(c.CommitmentsJson!).OrderBy(cm => cm.DealerIndex)
            .Select(cm => new HolderDealing(cm, shares.Where(s => s.DealerIndex == cm.DealerIndex && s.RecipientIndex == holder.HolderIndex)
                .Select(s => new OfficerShare(holder.TransportPoint!, s)).ToList())).ToList();
        return new HolderMaterial(ceremonies.ParametersOf(c), holder.HolderIndex, CryptoJson.Deserialize<JointKey>(c.JointKeyJson!),
            new OfficerMaterial(holder.OfficerUserId ?? actor.UserId, holder.TransportPoint!, CryptoJson.Deserialize<SealedShare>(holder.SealedTransportKeyJson)), dealings);
    }

    /// <summary>
    /// Why this holder's officer may not give partials in a relayed ceremony (pending, removed, or no officer), or null:
    /// the hall shows the reason instead of a form the server would refuse.
    /// </summary>
    public async Task<RuleViolation?> OfficerRefusalAsync(Actor actor, KeyHolder holder, KeyCeremony c, CancellationToken ct)
    {
        if (!await RelayedAsync(c, ct)) return null;
        try
        {
            await custody.ActiveOfficerAsync(actor, holder, ct);
            return null;
        }
        catch (RuleViolationException e)
        {
            return e.Violation;
        }
    }

    /// <summary>The ceremony ran as a relay (dealings posted by the holders' officers), not dealt by the old server-side path.</summary>
    private Task<bool> RelayedAsync(KeyCeremony c, CancellationToken ct) => db.Set<CeremonyDealing>().AnyAsync(d => d.KeyCeremonyId == c.Id, ct);

    /// <summary>Room for the bids' partials (about 500 bytes each as JSON) and formatting, and no more.</summary>
    public static int MaxPartialsBytes(int bids) => 64 * 1024 + bids * 2048;

    /// <summary>The checks every way of giving partials shares: the holder, after the deadline, not failed, not opened, not given yet.</summary>
    private async Task<(Tender, KeyCeremony, KeyHolder, List<Bid>)> ReadyToGiveAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct, bool allowGiven = false)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = ceremonies.HolderFor(actor, user, c);
        // In a relayed ceremony only an active officer of the holder acts for it (a removed or pending one is refused).
        if (await RelayedAsync(c, ct)) await custody.ActiveOfficerAsync(actor, holder, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (BiddingPeriod.ReadyToOpen(t, now) is { } notReady) throw new RuleViolationException(notReady);
        if (c.Status != CeremonyStatus.Complete) throw new RuleViolationException(new RuleViolation(BiddingRules.CeremonyNotComplete));
        if (await db.Set<Bid>().AnyAsync(b => b.TenderId == tenderId && b.OpeningStatus != null, ct))
            throw new RuleViolationException(new RuleViolation(BiddingRules.AlreadyOpened));
        if (!allowGiven && holder.PartialsJson is not null) throw new RuleViolationException(new RuleViolation(BiddingRules.PartialsAlreadyGiven));
        return (t, c, holder, await FrozenBidsAsync(tenderId, ct));
    }

    /// <summary>Stores one holder's partials with their log entry, and opens the bids once enough holders have given theirs.</summary>
    private async Task AcceptPartialsAsync(Actor actor, Tender t, KeyCeremony c, KeyHolder holder, List<Bid> bids, IReadOnlyList<PartialDecryption> partials, string via, CancellationToken ct)
    {
        holder.PartialsJson = CryptoJson.Serialize(partials);
        holder.PartialsAt = clock.GetUtcNow().UtcDateTime;
        holder.PartialsVia = via;
        // The ceremony row itself does not change: touching it makes two holders submitting at once conflict.
        db.Touch(c);

        await log.RecordAsync("opening.partials", t.Id, new
        {
            ceremony = c.CeremonyId, holder = holder.HolderIndex, bids = bids.Count, via = holder.PartialsVia,
            partialsSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(holder.PartialsJson))),
            officer = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        await hall.PartialsAsync(t.Id, holder.HolderIndex, holder.Role.ToString(), via, holder.PartialsAt.Value, bids.Count);

        if (c.Holders.Count(h => h.PartialsJson is not null) >= c.Threshold)
            await OpenAsync(t, c, ct);
    }

    /// <summary>
    /// Goes on with an opening that stopped midway (a crash, a failed disk read): the bids already opened keep their
    /// rows, the others open now. Any participant of the hall may ask; it needs every holder's partials.
    /// </summary>
    public async Task ResumeAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        if (!await Opening.OpeningHallAccess.MayEnterAsync(db, ceremonies, actor, user, t, c, ct)) throw new RuleViolationException(new RuleViolation(OpeningRules.NotParticipant));
        if (BiddingPeriod.ReadyToOpen(t, clock.GetUtcNow().UtcDateTime) is { } notReady) throw new RuleViolationException(notReady);
        if (c.OpenedAt is not null) throw new RuleViolationException(new RuleViolation(OpeningRules.NothingToResume));
        var given = c.Holders.Count(h => h.PartialsJson is not null);
        if (given < c.Threshold) throw new RuleViolationException(new RuleViolation(OpeningRules.HolderMissing, given, c.Threshold));
        await log.RecordAsync("opening.resumed", tenderId, new
        {
            ceremony = c.CeremonyId, opened = await db.Set<Bid>().CountAsync(b => b.TenderId == tenderId && b.Status == BidStatus.Valid && b.OpeningStatus != null, ct),
            by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        await OpenAsync(t, c, ct);
    }

    /// <summary>
    /// Combines the partials and opens the frozen bids in order, each with its own log entry and shown in the hall as it
    /// opens (唱标); bids already decrypted are committed together, so an opening that stops midway resumes with the bids
    /// not yet opened. A bid whose file cannot be read now (a disk error) stops the opening without blaming anyone; a
    /// bid that reads but fails to decrypt is classified with its evidence and the opening goes on. The transcript and the completion are written
    /// once every bid has its row.
    /// </summary>
    private async Task OpenAsync(Tender t, KeyCeremony c, CancellationToken ct)
    {
        var bids = await FrozenBidsAsync(t.Id, ct);
        var key = CryptoJson.Deserialize<JointKey>(c.JointKeyJson!);
        var byHolder = c.Holders.Where(h => h.PartialsJson is not null)
            .ToDictionary(h => h.HolderIndex, h => CryptoJson.Deserialize<List<PartialDecryption>>(h.PartialsJson!));
        var firms = await db.Organisations.Where(o => bids.Select(b => b.FirmId).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var lots = t.Lots.ToDictionary(l => l.Id);
        // Version 2 of the transcript says who signed each bid: its manifest as submitted and the certificate it was
        // checked against at submission, so an auditor re-checks the signer offline (trading verify-opening --ca).
        var signerIds = bids.Where(b => b.SignerCertificateId != null).Select(b => b.SignerCertificateId!.Value).Distinct().ToList();
        // A certificate registered through intermediate CAs carries them, so the chain is built offline too.
        var signers = (await db.Set<Trading.Domain.Certificates.FirmCertificate>().Where(x => signerIds.Contains(x.Id)).ToListAsync(ct))
            .ToDictionary(x => x.Id, x => (x.Certificate, x.Intermediates));
        BidOpening Entry(Bid bid, EnvelopeHeader header, IReadOnlyList<PartialDecryption> partials, Combination combination) =>
            OpeningTranscript.Record(header, Convert.FromHexString(bid.EnvelopeSha256), partials, combination,
                new DateTimeOffset(DateTime.SpecifyKind(bid.SubmittedAt, DateTimeKind.Utc)), CryptoJson.Deserialize<SignedManifest>(bid.SignedManifestJson),
                bid.SignerCertificateId is { } signer ? signers[signer].Certificate : null, bid.SignerCertificateId is { } s ? signers[s].Intermediates : null);
        var transcript = new List<BidOpening>();
        // Bids are decrypted ahead of the one being recorded, a few at a time on the pool (each bid's envelope read
        // once: hashed, decrypted and written to the store in one pass), while this flow records them strictly in
        // order, so the log, the hall and a resumed opening see the same sequence as before. Two per core: a bid
        // waiting for the disk (its read, its package's fsync) leaves its core to another; with one per core a quarter
        // of the opening's CPU time was idle (perf, 200 bids of 20 MiB). A batch's worth of bids is queued ahead of
        // those decrypting, so that the rows ready when their turn comes fill a batch (with only the decrypting ones
        // ahead, 1,000 small bids were recorded four at most to a transaction, and the recording flow was the opening).
        // The workers never touch the DbContext or a tracked entity: they fill a scratch Bid that is copied here.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var decrypting = new SemaphoreSlim(Math.Max(4, 2 * Environment.ProcessorCount));
        var ahead = RecordBatch + decrypting.CurrentCount;
        var pending = new Task<Decrypted>?[bids.Count];
        var next = 0;
        // Where an opening's time goes (waiting for decryption vs recording), for the operators' log.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var waited = TimeSpan.Zero;
        void StartAhead(int upTo)
        {
            for (; next < bids.Count && next <= upTo; next++)
            {
                var b = bids[next];
                if (b.OpeningStatus is not null) continue;
                var partials = byHolder.Values.Select(list => list[next]).ToList();
                var job = new DecryptJob(b.StorageKey, b.EnvelopeSha256, b.EphemeralPoint, partials, BidService.ContextOf(t, lots[b.LotId], firms[b.FirmId]));
                pending[next] = Task.Run(async () =>
                {
                    await decrypting.WaitAsync(stop.Token);
                    try
                    {
                        return await DecryptAsync(key, job, stop.Token);
                    }
                    finally
                    {
                        decrypting.Release();
                    }
                }, stop.Token);
            }
        }
        try
        {
            for (var i = 0; i < bids.Count; i++)
            {
                var bid = bids[i];
                var partials = byHolder.Values.Select(list => list[i]).ToList();
                var batch = new List<int>();
                try
                {
                    if (bid.OpeningStatus is not null)
                    {
                        // Opened before the stop: only its transcript record is rebuilt (the header is public, the combination recomputed).
                        var combination = ThresholdOpening.Combine(key, bid.EphemeralPoint, partials);
                        if (bid.OpeningStatus != BidOpeningStatus.EnvelopeCorrupt)
                        {
                            await using var again = files.OpenRead(bid.StorageKey);
                            var (h, _) = await EnvelopeHeader.ReadAsync(again, ct);
                            transcript.Add(Entry(bid, h, partials, combination));
                        }
                        continue;
                    }
                    StartAhead(i + ahead - 1);
                    var waitStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    await pending[i]!;
                    waited += System.Diagnostics.Stopwatch.GetElapsedTime(waitStart);
                    // The bids after it that are already decrypted are recorded in the same transaction, each with its own
                    // entry in order: one commit for several rows instead of one each, which had become the opening's
                    // slowest step once the bids decrypted ahead (bench/results/deadline-line-rate.md). A batch commits
                    // whole or not at all, so a stop still resumes at the first bid without its row.
                    batch.Add(i);
                    while (batch.Count < RecordBatch && i + 1 < bids.Count && bids[i + 1].OpeningStatus is null && pending[i + 1] is { IsCompletedSuccessfully: true })
                    {
                        batch.Add(++i);
                    }
                    await log.ActAsync(async () =>
                    {
                        foreach (var j in batch)
                        {
                            var b = bids[j];
                            var done = pending[j]!.Result;
                            pending[j] = null;
                            var r = done.Result;
                            b.OpeningStatus = r.OpeningStatus;
                            b.OpeningProblem = r.OpeningProblem;
                            b.PriceFen = r.PriceFen;
                            b.DurationDays = r.DurationDays;
                            b.ProjectManager = r.ProjectManager;
                            b.ProjectManagerIdHash = r.ProjectManagerIdHash;
                            b.KeyStaff = r.KeyStaff;
                            b.BondAccount = r.BondAccount;
                            b.AttachmentsJson = r.AttachmentsJson;
                            b.PackageStorageKey = r.PackageStorageKey;
                            if (done.Header is not null) transcript.Add(Entry(b, done.Header, byHolder.Values.Select(list => list[j]).ToList(), done.Combination));
                            await log.AppendAsync("opening.bid", t.Id, new
                            {
                                ceremony = c.CeremonyId, bid = b.Id, position = j + 1, envelopeSha256 = b.EnvelopeSha256, firm = log.TenderPseudonym(t.Id, "firm", b.FirmId.ToString()),
                                status = b.OpeningStatus.ToString(), priceFen = b.PriceFen, durationDays = b.DurationDays,
                            }, ct);
                        }
                    }, ct);
                    foreach (var j in batch) await hall.RowAsync(t.Id, bids[j].Id, j + 1);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A read that fails now may work later: nobody is blamed, nothing half-kept, and the opening resumes from here.
                    foreach (var j in batch) await db.Entry(bids[j]).ReloadAsync(ct);
                    var at = batch.Count > 0 ? batch[0] : i;
                    logger.LogError(e, "Opening of tender {Tender} stopped at bid {Position} of {Count}", t.Id, at + 1, bids.Count);
                    await log.RecordAsync("opening.interrupted", t.Id, new { ceremony = c.CeremonyId, position = at + 1, bids = bids.Count, reason = "storage" }, ct);
                    await hall.InterruptedAsync(t.Id);
                    return;
                }
            }
        }
        finally
        {
            // Bids decrypted ahead of a stop are not recorded: their kept packages go, and they open again on resume.
            await stop.CancelAsync();
            foreach (var task in pending)
            {
                if (task is null) continue;
                try
                {
                    if ((await task).Result.PackageStorageKey is { } orphan) files.Delete(orphan);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException or CryptoException) { }
            }
        }

        logger.LogInformation("Opening of tender {Tender}: {Count} bids in {Seconds:F1} s, {Waited:F1} s of it waiting for decryption, process CPU {Cpu:F1} s", t.Id, bids.Count,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, waited.TotalSeconds, (Environment.CpuUsage.TotalTime - cpuAtStart).TotalSeconds);
        var record = new OpeningTranscript(OpeningTranscript.Version2, key, transcript);
        var json = CryptoJson.Serialize(record);
        await using var ms = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var stored = await files.SaveAsync(ms, ms.Length + 1, ct);
        c.TranscriptStorageKey = stored.Key;
        c.TranscriptSha256 = stored.Sha256;
        c.OpenedAt = clock.GetUtcNow().UtcDateTime;
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("opening.completed", t.Id, new
            {
                ceremony = c.CeremonyId, transcriptSha256 = stored.Sha256, recordClosesAt = OpeningRules.RecordClosesAt(c.OpenedAt.Value, options.Value.ConfirmationWindow),
                bids = bids.Select(b => new { bid = b.Id, firm = log.TenderPseudonym(t.Id, "firm", b.FirmId.ToString()), status = b.OpeningStatus.ToString(), priceFen = b.PriceFen, durationDays = b.DurationDays }).ToArray(),
            }, ct);
            // The bidders' turn: each checks its own row and confirms or objects while the record is open.
            var closes = OpeningRules.RecordClosesAt(c.OpenedAt.Value, options.Value.ConfirmationWindow);
            await notifier.RaiseOnceAsync(await notifier.BiddersAsync(t.Id, ct),
                u => new Notifications.Notice(u, "opening.record", "Bid.Notice.RecordSubject", "Bid.Notice.RecordBody", [t.Code, t.Title, time.Format(closes)], $"/Submission/Opening/{t.Id}", t.Id), ct);
            await db.SaveChangesAsync(ct);
            // The opening is step 10's act: the tender moves with it (once the committee is drawn), in the same transaction.
            await moves.AdvanceAsync(t.Id, null, ct);
        }, ct);
        await hall.OpenedAsync(t.Id, stored.Sha256);
    }

    private sealed record DecryptJob(string StorageKey, string EnvelopeSha256, byte[] R, List<PartialDecryption> Partials, BidContext Context);

    /// <summary>A bid as decrypted off the request flow: its opening fields on a scratch <see cref="Bid"/>, and what the transcript needs.</summary>
    private sealed record Decrypted(Bid Result, EnvelopeHeader? Header, Combination Combination);

    /// <summary>
    /// One pass over a bid's envelope: the bytes are hashed as they are decrypted, and the plaintext goes straight into
    /// the file store, where it is kept as the bid's package: the centre and the committee need the documents after the
    /// opening, and the collusion screens (Features/Integrity) read the attachments from it after the opening has
    /// committed. Kept whole rather than extracted here, so the opening does no parsing beyond the form. The hash is
    /// compared with the receipt's before anything decrypted is believed: a stored file that no longer matches is the
    /// platform's fault (EnvelopeCorrupt with both hashes), whatever the decryption said. A failure to keep the package
    /// leaves the key empty (the screens then say the attachments are missing) and never fails the opening.
    /// </summary>
    private async Task<Decrypted> DecryptAsync(JointKey key, DecryptJob job, CancellationToken ct)
    {
        var combination = ThresholdOpening.Combine(key, job.R, job.Partials);
        var result = new Bid();
        await using var source = files.OpenRead(job.StorageKey);
        using var hashing = new HashingReadStream(source);
        var plain = files.CreateTemp();
        var kept = false;
        try
        {
            EnvelopeHeader? header = null;
            CryptoException? failure = null;
            try
            {
                // Written with write-behind: the package is on its way to the disk while the bid decrypts, so the fsync
                // that keeps it has little left to wait for, and its pages are reused window after window (PageCache).
                header = await Envelope.DecryptAsync(hashing, new PageCache.WriteBehindStream(plain, PackageWindow), key, combination, job.Context, ct);
            }
            catch (CryptoException e)
            {
                failure = e;
            }
            // Whatever decryption stopped at, the rest of the file counts for the hash.
            await hashing.CopyToAsync(Stream.Null, ct);
            // Read once and not again soon: its pages go back for the next bid's (see PageCache).
            if (source is FileStream envelopeFile) PageCache.Drop(envelopeFile.SafeFileHandle);
            var actualSha = Convert.ToHexStringLower(hashing.Hash());
            if (actualSha != job.EnvelopeSha256)
                return new Decrypted(Failed(BidOpeningStatus.EnvelopeCorrupt, $"stored envelope {actualSha} differs from receipt {job.EnvelopeSha256}"), null, combination);
            if (failure is not null)
                return new Decrypted(Failed(BidOpeningStatus.EnvelopeCorrupt, $"{failure.Code}: {failure.LocalizedMessage("en")}"), null, combination);
            plain.Position = 0;
            ReadForm(result, plain);
            try
            {
                result.PackageStorageKey = files.KeepTemp(plain);
                kept = true;
            }
            catch (IOException) { result.PackageStorageKey = null; }
            return new Decrypted(result, header, combination);
        }
        finally
        {
            if (!kept)
            {
                var name = plain.Name;
                await plain.DisposeAsync();
                File.Delete(name);
            }
        }

        static Bid Failed(BidOpeningStatus status, string problem)
        {
            var b = new Bid();
            Fail(b, status, problem);
            return b;
        }
    }

    private static void Fail(Bid bid, BidOpeningStatus status, string problem)
    {
        bid.OpeningStatus = status;
        bid.OpeningProblem = problem.Length > 1000 ? problem[..1000] : problem;
    }

    /// <summary>One instance for every form: options built per call rebuild their metadata each time.</summary>
    private static readonly JsonSerializerOptions FormJson = new(JsonSerializerDefaults.Web);

    /// <summary>Reads bid-form.json from the decrypted ZIP; a bid without a valid form is recorded as such.</summary>
    private static void ReadForm(Bid bid, Stream zipStream)
    {
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry("bid-form.json");
            if (entry is null || entry.Length > MaxFormBytes) { Fail(bid, BidOpeningStatus.FormInvalid, "bid-form.json missing or larger than 64 KiB"); return; }
            using var s = entry.Open();
            var form = JsonSerializer.Deserialize<OpeningForm>(s, FormJson);
            if (form is null || form.PriceYuan <= 0 || form.DurationDays <= 0 || string.IsNullOrWhiteSpace(form.ProjectManager) || Money.Fen(form.PriceYuan) is not { } fen)
            {
                Fail(bid, BidOpeningStatus.FormInvalid, "opening form incomplete: price, duration and project manager are required");
                return;
            }
            bid.OpeningStatus = BidOpeningStatus.Opened;
            bid.PriceFen = fen;
            bid.DurationDays = form.DurationDays;
            bid.ProjectManager = Trim(form.ProjectManager, 100);
            bid.ProjectManagerIdHash = string.IsNullOrEmpty(form.ProjectManagerId) ? null
                : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(form.ProjectManagerId.Trim().ToUpperInvariant())));
            bid.KeyStaff = Trim(form.KeyStaff, 1000);
            bid.BondAccount = Trim(form.BondAccount, 100);
            bid.AttachmentsJson = JsonSerializer.Serialize(zip.Entries.Where(e => e.FullName != "bid-form.json")
                .Select(e => new { name = e.FullName, length = e.Length }).ToArray());
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or NotSupportedException)
        {
            Fail(bid, BidOpeningStatus.FormInvalid, $"not a readable bid package: {e.Message}");
        }
    }

    private static string? Trim(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;

    /// <summary>
    /// The opening record. Bidders who bid in this tender see it (as at a live opening), with the owner side and
    /// the oversight offices; nobody sees a row before its bid opened, and rows appear one by one as the bids open.
    /// </summary>
    public async Task<(Tender Tender, KeyCeremony Ceremony, List<OpeningRow> Rows)> RecordAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var bids = await db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == tenderId && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).ToListAsync(ct);
        var allowed = actor.IsOversight || actor.IsOwnerSideOf(t) || (actor.IsIn(Roles.Bidder) && bids.Any(b => b.FirmId == actor.OrganisationId));
        if (!allowed) throw new ForbiddenException(RuleCodes.NotOwner);
        bids = bids.Where(b => b.OpeningStatus is not null).ToList();
        if (bids.Count == 0) return (t, c, []);
        var firms = await db.Organisations.Where(o => bids.Select(b => b.FirmId).Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var lots = t.Lots.ToDictionary(l => l.Id, l => l.Number);
        var bonds = t.Lots.ToDictionary(l => l.Id, l => l.BidBondFen);
        return (t, c, bids.Select(b => new OpeningRow(b.Id, b.FirmId, firms[b.FirmId], lots[b.LotId], b.OpeningStatus, b.PriceFen, b.DurationDays, b.ProjectManager,
            b.OpeningProblem, b.EnvelopeSha256, b.ReceiptJson is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(b.ReceiptJson))),
            b.ConfirmedAt, bonds[b.LotId], OpeningRow.Tail(b.BondAccount))).ToList());
    }

    /// <summary>A bidder confirms its row of the record, within the window before the record closes.</summary>
    public async Task ConfirmAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var (bid, _) = await OwnOpenedBidAsync(actor, tenderId, ct);
        if (bid.ConfirmedAt is not null) return;
        bid.ConfirmedAt = clock.GetUtcNow().UtcDateTime;
        await log.RecordAsync("opening.confirmed", tenderId, new { bid = bid.Id, firm = log.TenderPseudonym(tenderId, "firm", bid.FirmId.ToString()) }, ct);
        await hall.ConfirmedAsync(tenderId, bid.Id);
    }

    /// <summary>A bidder objects to its row or to the opening, with its reason, within the window before the record closes.</summary>
    public async Task<OpeningObjection> ObjectAsync(Actor actor, Guid tenderId, string text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2000) throw new RuleViolationException(new RuleViolation(BiddingRules.ObjectionEmpty, 2000));
        var (bid, _) = await OwnOpenedBidAsync(actor, tenderId, ct);
        var o = new OpeningObjection { TenderId = tenderId, FirmId = actor.OrganisationId, RaisedByUserId = actor.UserId, Text = text.Trim(), RaisedAt = clock.GetUtcNow().UtcDateTime };
        db.Add(o);
        await log.RecordAsync("opening.objection", tenderId, new { objection = o.Id, bid = bid.Id, firm = log.TenderPseudonym(tenderId, "firm", o.FirmId.ToString()) }, ct);
        await hall.ObjectionAsync(tenderId, bid.Id);
        return o;
    }

    /// <summary>The actor's own opened bid in this tender, while the record is open; refused by rule otherwise.</summary>
    private async Task<(Bid Bid, KeyCeremony Ceremony)> OwnOpenedBidAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var (_, c) = await LoadAsync(tenderId, ct);
        var bid = actor.IsIn(Roles.Bidder)
            ? await db.Set<Bid>().FirstOrDefaultAsync(b => b.TenderId == tenderId && b.FirmId == actor.OrganisationId && b.Status == BidStatus.Valid, ct)
            : null;
        if (bid is null) throw new RuleViolationException(new RuleViolation(OpeningRules.NotABidder));
        // A valid bid whose row is not there yet (an interrupted opening) is a bidder told to wait, not a stranger.
        if (bid.OpeningStatus is null) throw new RuleViolationException(new RuleViolation(OpeningRules.NotYetOpened));
        if (OpeningRules.CheckWindow(c.OpenedAt, options.Value.ConfirmationWindow, clock.GetUtcNow().UtcDateTime) is { } closed) throw new RuleViolationException(closed);
        return (bid, c);
    }

    /// <summary>When the record closes (null before the opening completed).</summary>
    public DateTime? RecordClosesAt(KeyCeremony c) => c.OpenedAt is { } at ? OpeningRules.RecordClosesAt(at, options.Value.ConfirmationWindow) : null;

    /// <summary>
    /// The frozen bid list as the hall shows it to every participant from the deadline on: how many, and each
    /// envelope's hash (never who or how much), read from the log's <c>bids.frozen</c> entry.
    /// </summary>
    public async Task<(long Index, List<string> EnvelopeHashes)?> FrozenListAsync(Guid tenderId, CancellationToken ct)
    {
        var entry = await db.LogEntries.AsNoTracking().Where(e => e.TenderId == tenderId && e.Type == "bids.frozen").OrderByDescending(e => e.Index).FirstOrDefaultAsync(ct);
        if (entry is null) return null;
        using var doc = JsonDocument.Parse(entry.Payload);
        var data = doc.RootElement.TryGetProperty("data", out var d) ? d : doc.RootElement;
        var hashes = data.TryGetProperty("bids", out var bids) ? bids.EnumerateArray().Select(b => b.GetProperty("envelopeSha256").GetString() ?? "").ToList() : [];
        return (entry.Index, hashes);
    }

    public async Task AnswerAsync(Actor actor, Guid tenderId, Guid objectionId, string answer, CancellationToken ct)
    {
        var (t, _) = await LoadAsync(tenderId, ct);
        if (!actor.IsOversight && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        if (string.IsNullOrWhiteSpace(answer) || answer.Length > 2000) throw new RuleViolationException(new RuleViolation(BiddingRules.ObjectionEmpty, 2000));
        var o = await db.Set<OpeningObjection>().FirstOrDefaultAsync(x => x.Id == objectionId && x.TenderId == tenderId, ct) ?? throw new NotFoundException();
        o.Answer = answer.Trim();
        o.AnsweredByUserId = actor.UserId;
        o.AnsweredAt = clock.GetUtcNow().UtcDateTime;
        await log.RecordAsync("opening.objection.answered", tenderId, new { objection = o.Id }, ct);
    }

    public async Task<List<OpeningObjection>> ObjectionsAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var q = db.Set<OpeningObjection>().AsNoTracking().Where(o => o.TenderId == tenderId);
        // A bidder sees its own objections only; the owner side and oversight see all.
        if (actor.IsIn(Roles.Bidder)) q = q.Where(o => o.FirmId == actor.OrganisationId);
        return await q.OrderBy(o => o.RaisedAt).ToListAsync(ct);
    }

    public async Task<(string Json, string Sha256)> TranscriptAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var (_, c, _) = await RecordAsync(actor, tenderId, ct);
        if (c.TranscriptStorageKey is null) throw new NotFoundException();
        await using var s = files.OpenRead(c.TranscriptStorageKey);
        using var r = new StreamReader(s);
        return (await r.ReadToEndAsync(ct), c.TranscriptSha256!);
    }
}
