using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// Sealed bids in: resumable chunked uploads into a temp file, then one check of the whole envelope (structure,
/// tender/lot/bidder/joint key, manifest signature, firm, deadline) before it becomes a bid. Until that check
/// passes nothing is a bid, so a crash or a dropped connection mid-upload can never leave a half-written one.
/// </summary>
public sealed class BidService(TradingDbContext db, PublicLogWriter log, IFileStore files, CeremonyService ceremonies, Log.ReceiptIssuer receipts, TimeProvider clock,
    IOptions<SubmissionOptions> options, DataFolder data, Supervision.Sanctions sanctions,
    Certificates.CertificateService certificates, UploadDigests digests, LogSequencer sequencer, ILogger<BidService> logger)
{
    private SubmissionOptions O => options.Value;

    private string UploadDirectory => data.Sub("uploads");

    /// <summary>The context bound into the envelope: tender code, lot number, firm credit code.</summary>
    public static BidContext ContextOf(Tender t, Lot lot, Organisation firm) => new(t.Code, lot.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), firm.CreditCode ?? firm.Id.ToString("N"));

    /// <summary>Everything a bidder needs to seal: the context strings and the joint key.</summary>
    public async Task<(Tender Tender, Organisation Firm, KeyCeremony? Ceremony)> PrepareAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Bidder)) throw new ForbiddenException(RuleCodes.BidderOnly);
        var t = await db.Tenders.Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        if (t.Step < LifecycleStep.NoticePublished) throw new NotFoundException();
        var firm = await db.Organisations.FirstAsync(o => o.Id == actor.OrganisationId, ct);
        return (t, firm, await ceremonies.FindAsync(t.Id, ct));
    }

    /// <summary>Why this firm may not bid on the tender now, or null: the domain's one check, fed with the facts it needs.</summary>
    public async Task<RuleViolation?> WhyCannotBidAsync(Tender t, Organisation firm, KeyCeremony? c, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var obtained = await db.DocumentDownloads.AnyAsync(d => d.TenderId == t.Id && d.FirmId == firm.Id, ct);
        // Suspensions come from bad-behaviour records; the refusal names the record.
        return BiddingPeriod.MayBid(t, firm, await sanctions.SuspensionAsync(firm.Id, now, ct), obtained, c is { Status: CeremonyStatus.Complete }, now);
    }

    private async Task<(Tender, Lot, Organisation, KeyCeremony)> CheckMayBidAsync(Actor actor, Guid tenderId, Guid lotId, CancellationToken ct)
    {
        var (t, firm, c) = await PrepareAsync(actor, tenderId, ct);
        var lot = t.Lots.FirstOrDefault(l => l.Id == lotId) ?? throw new NotFoundException();
        if (await WhyCannotBidAsync(t, firm, c, ct) is { } refusal) throw new RuleViolationException(refusal);
        return (t, lot, firm, c!);
    }

    public async Task<BidUpload> StartUploadAsync(Actor actor, Guid tenderId, Guid lotId, long length, CancellationToken ct)
    {
        await CheckMayBidAsync(actor, tenderId, lotId, ct);
        if (length <= 0 || length > O.MaxBidBytes) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadTooLarge, O.MaxBidBytes / (1024 * 1024)));
        await MakeRoomAsync(actor.OrganisationId, tenderId, lotId, ct);
        var u = new BidUpload
        {
            TenderId = tenderId, LotId = lotId, FirmId = actor.OrganisationId, UserId = actor.UserId, ExpectedLength = length,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        u.TempPath = Path.Combine(UploadDirectory, u.Id.ToString("N") + ".part");
        await using (File.Create(u.TempPath)) { }
        db.Add(u);
        await db.SaveChangesAsync(ct);
        return u;
    }

    /// <summary>
    /// Keeps a firm's unfinished uploads for one lot within the quota: at the limit, the longest-idle one that nobody is
    /// completing and that has been idle long enough is removed (a reloaded page starts afresh); if every one is active,
    /// the new one is refused. Two starts at the same instant may pass together: the quota bounds reservations, it is
    /// not a lock.
    /// </summary>
    private async Task MakeRoomAsync(Guid firmId, Guid tenderId, Guid lotId, CancellationToken ct)
    {
        var open = await db.Set<BidUpload>().AsNoTracking()
            .Where(x => x.TenderId == tenderId && x.LotId == lotId && x.FirmId == firmId && x.CompletedAt == null)
            .OrderBy(x => x.LastActivityAt ?? x.CreatedAt).ToListAsync(ct);
        if (open.Count < O.MaxOpenUploadsPerLot) return;
        var idleBefore = clock.GetUtcNow().UtcDateTime - O.UploadReplaceableAfter;
        foreach (var old in open.Take(open.Count - O.MaxOpenUploadsPerLot + 1))
        {
            // Conditional, like the sweep: an upload that received a chunk or began completing meanwhile stays.
            var removed = await db.Set<BidUpload>()
                .Where(x => x.Id == old.Id && x.CompletedAt == null && x.CompletingAt == null && (x.LastActivityAt ?? x.CreatedAt) < idleBefore)
                .ExecuteDeleteAsync(ct);
            if (removed == 0)
                throw new RuleViolationException(new RuleViolation(BiddingRules.UploadQuota, O.MaxOpenUploadsPerLot, (int)O.UploadReplaceableAfter.TotalMinutes));
            File.Delete(old.TempPath);
            digests.Forget(old.Id);
        }
    }

    /// <summary>An upload of the actor's own firm; anyone else's does not exist for them.</summary>
    public async Task<BidUpload> GetUploadAsync(Actor actor, Guid uploadId, CancellationToken ct)
    {
        var u = await db.Set<BidUpload>().FirstOrDefaultAsync(x => x.Id == uploadId, ct);
        if (u is null || u.FirmId != actor.OrganisationId || !actor.IsIn(Roles.Bidder)) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadUnknown));
        return u;
    }

    /// <summary>
    /// Writes one chunk at its offset. A chunk must start where the server's copy ends: a client that lost its
    /// connection asks for the upload's state and resumes from there; a repeated chunk is refused with the offset.
    /// </summary>
    public async Task<BidUpload> AppendAsync(Actor actor, Guid uploadId, long offset, Stream body, CancellationToken ct)
    {
        var u = await GetUploadAsync(actor, uploadId, ct);
        if (u.CompletedAt is not null) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadUnknown));
        var t = await db.Tenders.FirstAsync(x => x.Id == u.TenderId, ct);
        if (BiddingPeriod.Open(t, clock.GetUtcNow().UtcDateTime) is { } closed) throw new RuleViolationException(closed);
        if (offset != u.Received) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadOffset, offset, u.Received));
        var hash = digests.Take(u.Id, offset);
        try
        {
            FileStream f;
            try
            {
                f = new FileStream(u.TempPath, FileMode.Open, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            }
            catch (IOException)
            {
                // Another request is writing this upload's chunk now (a client's retry racing its first try).
                throw new RuleViolationException(new RuleViolation(BiddingRules.UploadOffset, offset, u.Received));
            }
            await using (f)
            {
                // Read again now that the file is this request's alone: a duplicate chunk that waited for the file finds
                // its bytes already counted and writes nothing, so the file always holds what was counted (and hashed).
                var received = await db.Set<BidUpload>().Where(x => x.Id == u.Id).Select(x => x.Received).FirstAsync(ct);
                if (received != offset) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadOffset, offset, received));
                long written = 0;
                f.Position = offset;
                var buffer = new byte[81920];
                int n;
                while ((n = await body.ReadAsync(buffer, ct)) > 0)
                {
                    written += n;
                    if (written > O.MaxChunkBytes || offset + written > u.ExpectedLength)
                        throw new RuleViolationException(new RuleViolation(BiddingRules.UploadTooLarge, O.MaxBidBytes / (1024 * 1024)));
                    await f.WriteAsync(buffer.AsMemory(0, n), ct);
                    hash?.AppendData(buffer, 0, n);
                }
                f.SetLength(offset + written);
                await f.FlushAsync(ct);
                f.Flush(flushToDisk: true);
                // The chunk is on disk and hashed; its pages in the cache would only take fresh memory (see PageCache).
                Trading.Crypto.PageCache.Drop(f.SafeFileHandle);
                // Only bytes safely on disk count as received; the conditional update makes a racing duplicate lose.
                var now = clock.GetUtcNow().UtcDateTime;
                var updated = await db.Set<BidUpload>().Where(x => x.Id == u.Id && x.Received == offset)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Received, offset + written).SetProperty(x => x.LastActivityAt, now), ct);
                if (updated == 0) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadOffset, offset, u.Received));
                u.Received = offset + written;
            }
            if (hash is not null) digests.Put(u.Id, u.Received, hash);
            hash = null;
            return u;
        }
        finally
        {
            // A chunk that failed part-way leaves bytes on disk the count does not include: the next chunk rewrites
            // them, and this upload is read in full at completion.
            hash?.Dispose();
        }
    }

    /// <summary>Checks the whole envelope and, if it passes, makes it the firm's bid for the lot and logs it.</summary>
    public async Task<Bid> CompleteAsync(Actor actor, Guid uploadId, string signedManifestJson, string? userAgent, CancellationToken ct)
    {
        var u = await GetUploadAsync(actor, uploadId, ct);
        if (u.CompletedAt is not null) return await CompletedBidAsync(u, signedManifestJson, ct);
        if (u.Received != u.ExpectedLength) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadIncomplete, u.Received, u.ExpectedLength));
        // One completion at a time takes the upload (and marks it active, so the sweep never takes it away mid-check);
        // a second one at the same moment is told so instead of racing for the same temp file.
        var now0 = clock.GetUtcNow().UtcDateTime;
        var staleClaim = now0 - O.CompletionClaimAge;
        var claimed = await db.Set<BidUpload>()
            .Where(x => x.Id == u.Id && x.CompletedAt == null && (x.CompletingAt == null || x.CompletingAt < staleClaim))
            .ExecuteUpdateAsync(set => set.SetProperty(x => x.CompletingAt, now0).SetProperty(x => x.LastActivityAt, now0), ct);
        if (claimed == 0)
        {
            await db.Entry(u).ReloadAsync(ct);
            if (u.CompletedAt is not null) return await CompletedBidAsync(u, signedManifestJson, ct);
            throw new RuleViolationException(new RuleViolation(BiddingRules.UploadCompleting));
        }
        try
        {
            return await CompleteClaimedAsync(actor, u, signedManifestJson, userAgent, ct);
        }
        catch
        {
            // Refused or failed: the upload is free for another attempt at once (nothing of the bid was stored).
            await db.Set<BidUpload>().Where(x => x.Id == u.Id && x.CompletedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(x => x.CompletingAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// A completion repeated after it succeeded (a lost answer, a double click) gets the same bid and receipt again;
    /// a different manifest for an upload already completed is not this upload's completion.
    /// </summary>
    private async Task<Bid> CompletedBidAsync(BidUpload u, string signedManifestJson, CancellationToken ct)
    {
        var bid = u.BidId is { } id ? await db.Set<Bid>().FirstOrDefaultAsync(b => b.Id == id, ct) : null;
        if (bid is null || bid.SignedManifestJson != signedManifestJson) throw new RuleViolationException(new RuleViolation(BiddingRules.UploadUnknown));
        if (bid.ReceiptJson is null)
        {
            var signer = bid.SignerCertificateId is { } certificateId
                ? await db.Set<Trading.Domain.Certificates.FirmCertificate>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == certificateId, ct)
                : null;
            await IssueReceiptAsync(bid, signer, ct);
        }
        return bid;
    }

    private async Task<Bid> CompleteClaimedAsync(Actor actor, BidUpload u, string signedManifestJson, string? userAgent, CancellationToken ct)
    {
        var (t, lot, firm, c) = await CheckMayBidAsync(actor, u.TenderId, u.LotId, ct);
        var key = CryptoJson.Deserialize<JointKey>(c.JointKeyJson!);
        var context = ContextOf(t, lot, firm);

        SignedManifest manifest;
        EnvelopeInfo info;
        StoredFile stored;
        var manifestUnread = true;
        try
        {
            manifest = CryptoJson.Deserialize<SignedManifest>(signedManifestJson);
            manifestUnread = false;
            // The hash kept as the chunks arrived spares a second read of the whole envelope; without it, one full read.
            var known = digests.HashOf(u.Id, u.ExpectedLength);
            await using (var input = new FileStream(u.TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, known is null ? 1 << 20 : 4096, FileOptions.Asynchronous | FileOptions.SequentialScan))
                info = known is not null && input.Length == u.ExpectedLength
                    ? await Envelope.ValidateHashedAsync(input, u.ExpectedLength, known, context, key, O.MaxBidBytes, ct)
                    : await Envelope.ValidateAsync(input, context, key, O.MaxBidBytes, null, ct);
            ManifestSigning.Verify(manifest);
            manifest.Manifest.CheckDescribes(info);
            // The firm's certificate at the time of submission: a firm that signs with certificates is refused a
            // manifest by any other key, or under a revoked or expired certificate (checked again under the lock below).
            try
            {
                await certificates.SignerAsync(firm.Id, manifest, clock.GetUtcNow().UtcDateTime, ct);
            }
            catch (RuleViolationException refused)
            {
                await log.ActAsync(() => log.AppendSealedAsync("bid.refused", t.Id, new { reason = refused.Violation.Code, firm = log.TenderPseudonym(t.Id, "firm", firm.Id.ToString()), lot = lot.Number }, ct), ct);
                throw;
            }
            // One pass over the bytes: the checked temp file itself becomes the stored envelope.
            stored = await files.AdoptAsync(u.TempPath, info.EnvelopeLength, Convert.ToHexStringLower(info.EnvelopeSha256), ct);
        }
        catch (CryptoException e) when (e.Code == CryptoErrorCode.RecordInvalid && manifestUnread)
        {
            // The serializer's own text ("JSON deserialization for type … was missing required properties") is for
            // developers; the bidder is told which file is wrong and what it should be.
            await log.ActAsync(() => log.AppendSealedAsync("bid.refused", t.Id, new { reason = e.Code.ToString(), firm = log.TenderPseudonym(t.Id, "firm", firm.Id.ToString()), lot = lot.Number }, ct), ct);
            throw new RuleViolationException(new RuleViolation(BiddingRules.ManifestMalformed));
        }
        catch (CryptoException e)
        {
            await log.ActAsync(() => log.AppendSealedAsync("bid.refused", t.Id, new { reason = e.Code.ToString(), firm = log.TenderPseudonym(t.Id, "firm", firm.Id.ToString()), lot = lot.Number }, ct), ct);
            // Bytes that failed the envelope's checks can never become a bid: the upload goes, and does not hold a
            // place in the firm's quota (a manifest that could not be read keeps it: a corrected one may complete it).
            if (await db.Set<BidUpload>().Where(x => x.Id == u.Id && x.CompletedAt == null).ExecuteDeleteAsync(CancellationToken.None) == 1)
            {
                File.Delete(u.TempPath);
                digests.Forget(u.Id);
            }
            throw new RuleViolationException(new RuleViolation(BiddingRules.EnvelopeRefused, e.LocalizedMessage(System.Globalization.CultureInfo.CurrentUICulture.Name)));
        }
        catch (System.Text.Json.JsonException)
        {
            throw new RuleViolationException(new RuleViolation(BiddingRules.EnvelopeRefused, "manifest JSON"));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var bid = new Bid
        {
            TenderId = t.Id, LotId = lot.Id, FirmId = firm.Id, SubmittedByUserId = actor.UserId, StorageKey = stored.Key,
            EnvelopeSha256 = stored.Sha256, Length = stored.Length, HeaderHash = Convert.ToHexStringLower(info.HeaderHash),
            EphemeralPoint = info.Header.EphemeralPoint, SignedManifestJson = signedManifestJson, SubmittedAt = now,
            IpAddress = actor.IpAddress, UserAgent = userAgent is { Length: > 500 } ? userAgent[..500] : userAgent,
        };
        Trading.Domain.Certificates.FirmCertificate? receiptSigner = null;
        try
        {
            await log.ActAsync(async () =>
            {
                // Again under the lock the deadline move takes (shared: completions do not wait for each other): a bid
                // checked a moment before the deadline but stored after the move froze the list would be a bid the opening
                // never sees. The clock is read now, not before the check. The firm's own lock keeps two completions of one
                // firm and lot from each leaving its bid valid.
                await BiddingLock.EnterAsync(db, t.Id, exclusive: false, ct);
                await BiddingLock.EnterFirmAsync(db, lot.Id, firm.Id, ct);
                await db.Entry(t).ReloadAsync(ct);
                now = clock.GetUtcNow().UtcDateTime;
                if (BiddingPeriod.Open(t, now) is { } closed) throw new RuleViolationException(closed);
                bid.SubmittedAt = now;
                var signer = await certificates.SignerAsync(firm.Id, manifest, now, ct);
                bid.SignerCertificateId = signer?.Id;
                receiptSigner = signer;
                var previous = await db.Set<Bid>().Where(b => b.TenderId == t.Id && b.LotId == lot.Id && b.FirmId == firm.Id && b.Status == BidStatus.Valid).ToListAsync(ct);
                foreach (var p in previous) p.Status = BidStatus.Superseded;
                db.Add(bid);
                u.CompletedAt = now;
                u.BidId = bid.Id;
                // Sealed until the deadline (nobody learns who or how many bid); then hashes only, the bidder a pseudonym of
                // this tender alone, and the price still in the envelope.
                // The certificate the signature was checked against is kept with the bid (SignerCertificateId) and named in
                // the firm's receipt, not in this entry: certificate.issued names the firm in the clear, so a serial here
                // would undo the tender pseudonym once the deadline opens the entry.
                // Queued, not appended under the log's lock: completions at a deadline commit side by side, and the sequencer
                // numbers their entries in batches (docs/public-log.md, "Queued appends"); BidLogIndexHook sets LogIndex then.
                bid.LogTicket = await log.AppendSealedQueuedAsync("bid.submitted", t.Id, new
                {
                    bid = bid.Id, lot = context.Lot, bidder = log.TenderPseudonym(t.Id, "firm", firm.Id.ToString()), ciphertextSha256 = bid.EnvelopeSha256,
                    ciphertextLength = bid.Length, headerHash = bid.HeaderHash, supersedes = previous.Select(p => p.Id).ToArray(),
                }, ct);
                // The receipt is signed over the tree as of this entry, once it is numbered (IssueReceiptAsync).
            }, ct);
        }
        catch
        {
            // Nothing was recorded: put the envelope back where the upload was, so the bidder can complete again.
            await using (var back = files.OpenRead(stored.Key))
            await using (var temp = File.Create(u.TempPath))
                await back.CopyToAsync(temp, CancellationToken.None);
            files.Delete(stored.Key);
            throw;
        }
        digests.Forget(u.Id);
        await IssueReceiptAsync(bid, receiptSigner, CancellationToken.None);
        return bid;
    }

    /// <summary>
    /// Issues the bid's receipt once the bid and its entry have committed, outside the log's writer lock. Why after: the
    /// receipt needs only the stored tree nodes for the size its entry made (fixed at the commit), a checkpoint signature
    /// and a time-stamp, and at an external TSA the stamp is a network round trip, which inside the act every other
    /// bidder's completion waited for at the deadline. A receipt that cannot be issued now (the TSA down) leaves the bid
    /// standing, which is what the bidder needs before a deadline (inside the act it rolled the bid back); completing the
    /// upload again issues it.
    /// </summary>
    /// <param name="signer">The certificate the bid's manifest was checked against (its <c>SignerCertificateId</c>), null for a per-bid key.</param>
    private async Task IssueReceiptAsync(Bid bid, Trading.Domain.Certificates.FirmCertificate? signer, CancellationToken ct)
    {
        if (!await NumberedAsync(bid, ct)) return;
        try
        {
            var request = new Log.ReceiptRequest(bid.LogIndex, bid.FirmId,
                signer?.Certificate is { } der ? Trading.PublicLog.ReceiptSigner.Of(der, signer.Intermediates) : null);
            await log.ActAsync(async () => { bid.ReceiptJson = await receipts.IssueAsync(request, ct); }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing of the receipt was kept; the bid and its entry were, and the next completion tries again.
            bid.ReceiptJson = null;
            foreach (var added in db.ChangeTracker.Entries<Trading.Data.Log.LogReceipt>().Where(x => x.State == EntityState.Added).ToList())
                added.State = EntityState.Detached;
            db.Entry(bid).Property(b => b.ReceiptJson).IsModified = false;
            logger.LogWarning(e, "The receipt of bid {Bid} (log index {Index}) could not be issued; the bid stands and its next completion issues it", bid.Id, bid.LogIndex);
        }
    }

    /// <summary>
    /// Waits until the bid's queued entry has its index (usually milliseconds: the commit woke the sequencer) and gives
    /// the tracked bid that index. False when the sequencer did not number it in time (the bid stands, its entry stays
    /// queued, and completing the upload again waits again).
    /// </summary>
    private async Task<bool> NumberedAsync(Bid bid, CancellationToken ct)
    {
        if (bid.LogTicket is not { } ticket) return true; // appended under the lock, before the queue existed
        try
        {
            BidLogIndexHook.CatchUp(db.Entry(bid), await sequencer.WaitForIndexAsync(ticket, O.NumberingWait, ct));
            return true;
        }
        catch (TimeoutException e)
        {
            logger.LogWarning(e, "The log entry of bid {Bid} was not numbered in time; the bid stands and its next completion waits again", bid.Id);
            return false;
        }
    }

    public async Task<Bid> WithdrawAsync(Actor actor, Guid bidId, CancellationToken ct)
    {
        var bid = await GetOwnAsync(actor, bidId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Under the locks the deadline move and a completion take, in their order (tender, firm, log): a frozen bid never
        // changes afterwards, and the log's lock numbers the bid's own queued entry before the withdrawal's.
        await BiddingLock.EnterAsync(db, bid.TenderId, exclusive: false, ct);
        await BiddingLock.EnterFirmAsync(db, bid.LotId, bid.FirmId, ct);
        await log.LockAsync(ct);
        var t = await db.Tenders.FirstAsync(x => x.Id == bid.TenderId, ct);
        await db.Entry(t).ReloadAsync(ct);
        await db.Entry(bid).ReloadAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (BiddingPeriod.Open(t, now) is { } closed) throw new RuleViolationException(closed);
        if (bid.Status != BidStatus.Valid) throw new RuleViolationException(new RuleViolation(BiddingRules.AlreadyWithdrawn));
        bid.Status = BidStatus.Withdrawn;
        bid.WithdrawnAt = now;
        await log.AppendSealedAsync("bid.withdrawn", t.Id, new { bid = bid.Id, envelopeSha256 = bid.EnvelopeSha256 }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return bid;
    }

    /// <summary>A bid of the actor's own firm; other firms' bids do not exist for a bidder.</summary>
    public async Task<Bid> GetOwnAsync(Actor actor, Guid bidId, CancellationToken ct)
    {
        var bid = await db.Set<Bid>().FirstOrDefaultAsync(b => b.Id == bidId, ct);
        if (bid is null || !actor.IsIn(Roles.Bidder) || bid.FirmId != actor.OrganisationId) throw new NotFoundException();
        return bid;
    }

    public Task<List<Bid>> MyBidsAsync(Actor actor, Guid tenderId, CancellationToken ct) =>
        db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == tenderId && b.FirmId == actor.OrganisationId).OrderByDescending(b => b.SubmittedAt).ToListAsync(ct);

    /// <summary>What the public sees after the deadline: how many bids and their envelope hashes, never who or how much.</summary>
    public async Task<List<string>?> PublicHashesAsync(Tender t, CancellationToken ct)
    {
        if (t.Step < LifecycleStep.BidDeadline) return null;
        return await db.Set<Bid>().Where(b => b.TenderId == t.Id && b.Status == BidStatus.Valid).OrderBy(b => b.EnvelopeSha256).Select(b => b.EnvelopeSha256).ToListAsync(ct);
    }

    /// <summary>
    /// Removes uploads abandoned for longer than <paramref name="maxIdle"/>: never completed and no chunk since.
    /// An accepted upload (completed, its file now the stored envelope) and one still receiving chunks are kept.
    /// Stray temp files with no upload row (a crash between creating the file and saving the row) go too, once as old.
    /// </summary>
    public async Task<int> SweepAbandonedUploadsAsync(TimeSpan maxIdle, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - maxIdle;
        var stale = await db.Set<BidUpload>().AsNoTracking()
            .Where(u => u.CompletedAt == null && (u.LastActivityAt ?? u.CreatedAt) < cutoff).Select(u => new { u.Id, u.TempPath }).ToListAsync(ct);
        var removed = 0;
        foreach (var u in stale)
        {
            // The same condition again in the delete: a chunk or a completion that arrived meanwhile keeps the upload.
            if (await db.Set<BidUpload>().Where(x => x.Id == u.Id && x.CompletedAt == null && (x.LastActivityAt ?? x.CreatedAt) < cutoff).ExecuteDeleteAsync(ct) == 0) continue;
            TryDelete(u.TempPath);
            digests.Forget(u.Id);
            removed++;
        }
        var known = (await db.Set<BidUpload>().Where(x => x.CompletedAt == null).Select(x => x.TempPath).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(UploadDirectory, "*.part"))
        {
            if (!known.Contains(path) && File.GetLastWriteTimeUtc(path) < cutoff && !await db.Set<BidUpload>().AnyAsync(x => x.TempPath == path, ct))
            {
                TryDelete(path);
                removed++;
            }
        }
        return removed;
    }

    private static void TryDelete(string path)
    {
        // Best effort: a file that cannot go now is tried again at the next sweep (its row is gone, its age remains).
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
