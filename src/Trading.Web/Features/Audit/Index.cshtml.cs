using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.PublicLog;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Audit;

/// <summary>
/// The public log for the centre, supervision and admins: entries filterable by tender, and a check
/// that recomputes every leaf hash and the root from the stored entries and compares them with the
/// recorded leaf hashes and the stored tree, naming the first entry that no longer matches.
/// </summary>
public sealed class AuditIndexModel(TradingDbContext db, EfLogStore store) : TradingPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public Guid? Tender { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public List<LogRecord> Entries { get; private set; } = [];
    public long Total { get; private set; }
    public List<(Guid Id, string Code, string Title)> Tenders { get; private set; } = [];
    public VerifyResult? Verification { get; private set; }

    /// <summary>Outcome of the whole-log check: all good, or the first bad index, or a root mismatch.</summary>
    public sealed record VerifyResult(long Size, string? Root, long? FirstBadIndex, string? RecomputedRoot, string? StoredRoot)
    {
        /// <summary>Sealed entries read, and those a tender's reveal opened and that matched their commitments.</summary>
        public long Sealed { get; init; }
        public long Opened { get; init; }
        /// <summary>Why the first bad entry is bad when it is a reveal whose openings do not match (words in both languages).</summary>
        public PublicLogException? SealedProblem { get; init; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        Verification = await VerifyAsync(ct);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Tenders = (await db.Tenders.AsNoTracking().OrderBy(t => t.Code).Select(t => new { t.Id, t.Code, t.Title }).ToListAsync(ct))
            .Select(t => (t.Id, t.Code, t.Title)).ToList();
        var q = db.LogEntries.AsNoTracking();
        if (Tender is { } id) q = q.Where(e => e.TenderId == id);
        Total = await q.LongCountAsync(ct);
        var pages = Math.Max(1, (int)((Total + PageSize - 1) / PageSize));
        PageNumber = Math.Clamp(PageNumber, 1, pages);
        Entries = await q.OrderBy(e => e.Index).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }

    private async Task<VerifyResult> VerifyAsync(CancellationToken ct)
    {
        // Fix the size first: entries appended while the check runs are left for the next check.
        var size = await store.GetSizeAsync(ct);
        var range = new CompactRange();
        var sealedActs = new SealedActs.RevealChecker();
        long expected = 0;
        await foreach (var e in db.LogEntries.AsNoTracking().Where(e => e.Index < size).OrderBy(e => e.Index)
                           .Select(e => new { e.Index, e.Payload, e.LeafHash, Node = db.LogNodes.Where(n => n.Level == 0 && n.Index == e.Index).Select(n => n.Hash).FirstOrDefault() })
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            // A missing index, or content that no longer hashes to the recorded leaf or to the stored tree's leaf node
            // (an entry rewritten together with its hash column), is the first bad entry.
            var leaf = MerkleHash.Leaf(System.Text.Encoding.UTF8.GetBytes(e.Payload));
            if (e.Index != expected || !MerkleHash.Equal(leaf, e.LeafHash) || e.Node is null || !MerkleHash.Equal(leaf, e.Node))
                return new VerifyResult(size, null, expected, null, null);
            try
            {
                // A reveal must open earlier sealed entries with the very bytes they committed to.
                sealedActs.Observe(e.Index, System.Text.Encoding.UTF8.GetBytes(e.Payload));
            }
            catch (PublicLogException problem)
            {
                return new VerifyResult(size, null, expected, null, null) { SealedProblem = problem };
            }
            range.Append(leaf);
            expected++;
        }
        if (expected != size)
            return new VerifyResult(size, null, expected, null, null);
        // The leaves are right; the root from them must also equal the root the stored nodes (and so every proof served) give.
        var recomputed = range.Root();
        var stored = await new MerkleLog(store).GetRootAsync(size, ct);
        return MerkleHash.Equal(recomputed, stored)
            ? new VerifyResult(size, Convert.ToHexStringLower(stored), null, null, null) { Sealed = sealedActs.Sealed, Opened = sealedActs.Opened }
            : new VerifyResult(size, null, null, Convert.ToHexStringLower(recomputed), Convert.ToHexStringLower(stored));
    }
}
