using Microsoft.EntityFrameworkCore;
using Trading.PublicLog;
using Trading.Data;
using Trading.Data.Log;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>What the bid-submission code passes: the index of the bid.submitted entry it appended, the bidder firm that owns the receipt, and the firm certificate the manifest was verified against (none for a per-bid key).</summary>
public sealed record ReceiptRequest(long LogIndex, Guid BidderOrganisationId, ReceiptSigner? Signer = null);

/// <summary>
/// Issues the receipt CRYPTO.md promises a bidder (tender, lot, bidder pseudonym, ciphertext hash and length,
/// server time, log index, a signed checkpoint, the inclusion proof, the log certificate chain and an RFC 3161
/// token over all of it) and keeps it, so the bidder can fetch the same bytes again and check them offline with
/// <c>trading verify-receipt</c> against the centre's root certificate.
/// </summary>
/// <remarks>
/// The checkpoint is the tree as of the bid itself (size index + 1), so later appends never change a receipt; the
/// public consistency proofs connect it to every later checkpoint. Bid submission calls <see cref="IssueAsync"/> after
/// the bid's transaction committed, outside the log's writer lock (with an external TSA, <c>PublicLog:TsaUrl</c>, the
/// HTTP round trip happens here). It also works inside the transaction that appended the entry, before saving:
/// appending already staged the entry's tree nodes, and the receipt row then commits (or rolls back) with it.
/// </remarks>
public sealed class ReceiptIssuer(TradingDbContext db, EfLogStore store, CentreKeys keys, TimeStamper stamper, TimeProvider clock)
{
    public async Task<string> IssueAsync(ReceiptRequest request, CancellationToken ct)
    {
        var entry = db.ChangeTracker.Entries<LogRecord>().Select(e => e.Entity).FirstOrDefault(e => e.Index == request.LogIndex)
            ?? await db.LogEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Index == request.LogIndex, ct)
            ?? throw new RuleViolationException(new RuleViolation(LogRules.EntryMissing, request.LogIndex));
        // A sealed bid (the usual case): the receipt carries the opening of the sealed entry, so the bidder checks its
        // own bid before the tender's reveal, and the tender it belongs to is the sealed act's.
        SealedActs.Opening? opening = null;
        var tenderId = entry.TenderId;
        if (entry.Type == LogEntryTypes.SealedAct)
        {
            var act = db.ChangeTracker.Entries<SealedLogAct>().Select(e => e.Entity).FirstOrDefault(a => a.LogIndex == request.LogIndex)
                ?? await db.SealedLogActs.AsNoTracking().FirstOrDefaultAsync(a => a.LogIndex == request.LogIndex, ct);
            if (act?.Entry is null || act.Nonce is null)
                throw new RuleViolationException(new RuleViolation(LogRules.NotABid, request.LogIndex, entry.Type));
            var inner = LogEntry.Parse(System.Text.Encoding.UTF8.GetBytes(act.Entry));
            if (inner.Type != LogEntryTypes.BidSubmitted)
                throw new RuleViolationException(new RuleViolation(LogRules.NotABid, request.LogIndex, inner.Type));
            RequireReceiptFields(request.LogIndex, act.Entry);
            opening = new SealedActs.Opening(act.LogIndex, act.Nonce, System.Text.Encoding.UTF8.GetBytes(act.Entry));
            tenderId = act.TenderId;
        }
        else
        {
            if (entry.Type != LogEntryTypes.BidSubmitted)
                throw new RuleViolationException(new RuleViolation(LogRules.NotABid, request.LogIndex, entry.Type));
            RequireReceiptFields(request.LogIndex, entry.Payload);
        }

        var existing = db.ChangeTracker.Entries<LogReceipt>().Select(e => e.Entity).FirstOrDefault(r => r.LogIndex == request.LogIndex)
            ?? await db.Set<LogReceipt>().AsNoTracking().FirstOrDefaultAsync(r => r.LogIndex == request.LogIndex, ct);
        if (existing is not null)
        {
            // Issuing twice (a retried request) hands back the receipt already issued, never a second one.
            if (existing.OrganisationId != request.BidderOrganisationId)
                throw new RuleViolationException(new RuleViolation(LogRules.ReceiptOwned, request.LogIndex));
            return existing.Json;
        }

        var size = request.LogIndex + 1;
        var merkle = new MerkleLog(store);
        var root = await merkle.GetRootAsync(size, ct);
        var now = clock.GetUtcNow();
        var time = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var note = SignedNote.SignCheckpoint(new Checkpoint(keys.Origin, size, root, time), keys.LogSigner);
        var receipt = await BidReceipt.CreateAsync(merkle, store, request.LogIndex, note, keys.LogSigner.Verifier, keys.LogChain, opening, ct);
        receipt = receipt with { Signer = request.Signer };
        receipt = receipt with { TimeStampToken = Convert.ToBase64String(await stamper.StampAsync(receipt.Imprint(), ct)) };
        var json = receipt.ToJson();

        db.Add(new LogReceipt
        {
            LogIndex = request.LogIndex, TenderId = tenderId, OrganisationId = request.BidderOrganisationId, Json = json,
            IssuedAt = now.UtcDateTime,
        });
        // Inside the caller's transaction the caller saves (with the bid); on its own, the receipt is saved here.
        if (db.Database.CurrentTransaction is null)
            await db.SaveChangesAsync(ct);
        return json;
    }

    /// <summary>The stored receipt, for the bidder firm that owns it or a supervisor; anyone else is refused.</summary>
    public async Task<string> GetAsync(long logIndex, Actor actor, CancellationToken ct)
    {
        var r = await db.Set<LogReceipt>().AsNoTracking().FirstOrDefaultAsync(x => x.LogIndex == logIndex, ct);
        // Same answer for "no such receipt" and "not yours", so bidders cannot probe which indexes hold bids they do not own.
        if (r is null || !MayRead(r, actor))
            throw new NotFoundException();
        return r.Json;
    }

    /// <summary>Receipts the actor may read, newest first (a bidder's own; every one for a supervisor), optionally for one tender.</summary>
    public async Task<List<(long LogIndex, Guid? TenderId, DateTime IssuedAt)>> ListAsync(Actor actor, Guid? tenderId, CancellationToken ct)
    {
        var q = db.Set<LogReceipt>().AsNoTracking();
        if (!actor.IsIn(Roles.Supervisor))
        {
            if (!actor.IsIn(Roles.Bidder)) return [];
            q = q.Where(r => r.OrganisationId == actor.OrganisationId);
        }
        if (tenderId is { } t) q = q.Where(r => r.TenderId == t);
        var rows = await q.OrderByDescending(r => r.LogIndex).Take(500).Select(r => new { r.LogIndex, r.TenderId, r.IssuedAt }).ToListAsync(ct);
        return rows.Select(r => (r.LogIndex, r.TenderId, r.IssuedAt)).ToList();
    }

    /// <summary>
    /// The fields a receipt repeats and <c>trading verify-receipt</c> compares with the entry (data.lot, data.bidder,
    /// data.ciphertextSha256 as 64 lower-case hex digits, data.ciphertextLength as an integer). Other data fields may
    /// follow. Checked before anything is signed, so a mismatch is a clear refusal, not a receipt nobody can verify.
    /// </summary>
    public static void RequireReceiptFields(long index, string payload)
    {
        var data = LogEntry.Parse(System.Text.Encoding.UTF8.GetBytes(payload)).Data;
        string? Str(string k) => data[k] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var x) ? x : null;
        string? missing =
            Str("lot") is null ? "lot (string)"
            : Str("bidder") is null ? "bidder (string)"
            : Str("ciphertextSha256") is not { Length: 64 } h || !h.All(char.IsAsciiHexDigitLower) ? "ciphertextSha256 (64 lower-case hex digits)"
            : data["ciphertextLength"] is not System.Text.Json.Nodes.JsonValue len || !len.TryGetValue<long>(out var l) || l < 0 ? "ciphertextLength (integer)"
            : null;
        if (missing is not null)
            throw new RuleViolationException(new RuleViolation(LogRules.EntryNotReceiptable, index, missing));
    }

    private static bool MayRead(LogReceipt r, Actor actor) =>
        actor.IsIn(Roles.Supervisor) || (actor.IsIn(Roles.Bidder) && actor.OrganisationId == r.OrganisationId);
}

/// <summary>Rule codes of the log feature (messages in SharedResource under strings:log).</summary>
public static class LogRules
{
    public const string EntryMissing = "Rule.Log.EntryMissing";
    public const string NotABid = "Rule.Log.NotABid";
    public const string EntryNotReceiptable = "Rule.Log.EntryNotReceiptable";
    public const string ReceiptOwned = "Rule.Log.ReceiptOwned";
    public const string NothingToCosign = "Rule.Log.NothingToCosign";
    public const string AlreadyCosigned = "Rule.Log.AlreadyCosigned";
    public const string WitnessKeyOffServer = "Rule.Log.WitnessKeyOffServer";
    public const string NoWitnessCertificate = "Rule.Log.NoWitnessCertificate";
    public const string WitnessRefused = "Rule.Log.WitnessRefused";
    public const string CosignatureInvalid = "Rule.Log.CosignatureInvalid";
    public const string CheckpointUnknown = "Rule.Log.CheckpointUnknown";
    public const string OlderThanCosigned = "Rule.Log.OlderThanCosigned";
    public const string RangeInvalid = "Rule.Log.RangeInvalid";
    public const string NoteTooLarge = "Rule.Log.NoteTooLarge";
    public const string LimitRange = "Rule.Log.LimitRange";
    public const string ParamMalformed = "Rule.Log.ParamMalformed";
    public const string CursorUnknown = "Rule.Log.CursorUnknown";
}
