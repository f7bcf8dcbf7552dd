using System.Globalization;
using Trading.PublicLog;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Api;

public sealed record CheckpointDto(string Origin, long Size, string Root, DateTimeOffset Time, string Note, string PublicKey);
public sealed record LogEntryDto(long Index, string Entry, string LeafHash);
public sealed record LogEntriesDto(long Start, long TreeSize, IReadOnlyList<LogEntryDto> Entries);
public sealed record InclusionProofDto(long Index, long Size, string LeafHash, IReadOnlyList<string> Hashes);
public sealed record ConsistencyProofDto(long From, long To, IReadOnlyList<string> Hashes);

/// <summary>
/// The public log, readable by anyone without signing in: a signed checkpoint, entries by range, and
/// RFC 9162 inclusion and consistency proofs built from stored tree nodes. Hashes are base64 (as in
/// Trading.PublicLog's wire forms); the checkpoint root is also given in hex for people comparing by eye.
/// Parameters are checked here, before the library, so a refusal names the rule in the caller's language.
/// </summary>
public static class PublicLogApi
{
    /// <summary>Most entries one request returns, so a download of a large log is paged, not one huge response.</summary>
    public const int MaxEntries = 1000;

    public static void MapPublicLogApi(this WebApplication app)
    {
        var log = app.MapGroup("/api/log").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().AllowAnonymous().WithTags("Public log");

        log.MapGet("/checkpoint", async (EfLogStore store, LogSigningKey key, TimeProvider clock, CancellationToken ct) =>
        {
            var merkle = new MerkleLog(store);
            var size = await merkle.GetSizeAsync(ct);
            var root = await merkle.GetRootAsync(size, ct);
            // The note carries whole seconds; the response states the same instant the signature covers.
            var now = clock.GetUtcNow();
            var time = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var note = SignedNote.SignCheckpoint(new Checkpoint(key.Origin, size, root, time), key.Signer);
            return new CheckpointDto(key.Origin, size, Convert.ToHexStringLower(root), time, note, Convert.ToBase64String(key.PublicKey));
        })
        .WithName("GetLogCheckpoint")
        .WithSummary("Latest signed checkpoint of the public log")
        .WithDescription("Size, RFC 9162 root (hex) and time, and the same as a C2SP signed note (tlog-checkpoint text plus an ECDSA P-256 signature by the log key, whose DER SubjectPublicKeyInfo is in publicKey).")
        .Produces<CheckpointDto>();

        log.MapGet("/entries", async (long? start, int? count, EfLogStore store, CancellationToken ct) =>
        {
            var s = start ?? 0;
            var c = count ?? 100;
            if (s < 0) throw Refuse("Rule.Log.Negative", "start", s);
            if (c < 1 || c > MaxEntries) throw Refuse("Rule.Log.CountRange", c, MaxEntries);
            var size = await store.GetSizeAsync(ct);
            if (s > size) throw Refuse("Rule.Log.BeyondTree", "start", s, size);
            var rows = await store.GetRowsAsync(s, (int)Math.Min(c, size - s), ct);
            return new LogEntriesDto(s, size, rows.Select(e => new LogEntryDto(e.Index, e.Payload, Convert.ToBase64String(e.LeafHash))).ToList());
        })
        .WithName("GetLogEntries")
        .WithSummary("Log entries [start, start + count), at most 1000 at a time")
        .WithDescription("Each entry is its canonical JSON as a string (the exact bytes hashed) with its stored RFC 9162 leaf hash in base64. A start equal to the tree size returns no entries.")
        .Produces<LogEntriesDto>().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status400BadRequest);

        log.MapGet("/proof/inclusion", async (long index, long size, EfLogStore store, CancellationToken ct) =>
        {
            if (index < 0) throw Refuse("Rule.Log.Negative", "index", index);
            if (size < 0) throw Refuse("Rule.Log.Negative", "size", size);
            var treeSize = await store.GetSizeAsync(ct);
            if (size > treeSize) throw Refuse("Rule.Log.BeyondTree", "size", size, treeSize);
            if (index >= size) throw Refuse("Rule.Log.IndexNotInTree", index, size);
            var proof = await new MerkleLog(store).GetInclusionProofAsync(index, size, ct);
            var leaf = (await store.GetNodesAsync([new NodeAddress(0, index)], ct))[0];
            return new InclusionProofDto(index, size, Convert.ToBase64String(leaf), MerkleProof.ToBase64(proof));
        })
        .WithName("GetLogInclusionProof")
        .WithSummary("RFC 9162 inclusion proof of entry `index` in the tree of `size` entries")
        .WithDescription("Hashes in base64, leaf's sibling first (RFC 9162 section 2.1.3). Check with the root of a checkpoint of that size.")
        .Produces<InclusionProofDto>().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status400BadRequest);

        log.MapGet("/proof/consistency", async (long from, long to, EfLogStore store, CancellationToken ct) =>
        {
            if (from < 0) throw Refuse("Rule.Log.Negative", "from", from);
            if (to < 0) throw Refuse("Rule.Log.Negative", "to", to);
            // From size 0 anything is "consistent": serving such a proof would let a forked log pass.
            if (from == 0) throw Refuse("Rule.Log.ConsistencyFromZero");
            if (to < from) throw Refuse("Rule.Log.ConsistencyShrinks", from, to);
            var treeSize = await store.GetSizeAsync(ct);
            if (to > treeSize) throw Refuse("Rule.Log.BeyondTree", "to", to, treeSize);
            var proof = await new MerkleLog(store).GetConsistencyProofAsync(from, to, ct);
            return new ConsistencyProofDto(from, to, MerkleProof.ToBase64(proof));
        })
        .WithName("GetLogConsistencyProof")
        .WithSummary("RFC 9162 consistency proof from the tree of `from` entries to the tree of `to` entries")
        .WithDescription("Hashes in base64 (RFC 9162 section 2.1.4). `from` must be at least 1 and at most `to`.")
        .Produces<ConsistencyProofDto>().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static RuleViolationException Refuse(string code, params object[] args) =>
        new(new RuleViolation(code, args.Select(a => a is long or int ? Convert.ToString(a, CultureInfo.InvariantCulture)! : a).ToArray()));
}
