using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.LogAppend.Bench;

/// <summary>
/// The measured appends and the closing check, apart from Program.cs so the web tests' BenchSmokeTests can compile
/// this file and run it on their own PostgreSQL server with a fixed count instead of a duration.
/// </summary>
internal static class AppendRun
{
    /// <summary>
    /// <paramref name="writers"/> concurrent writers, each committing transactions of <paramref name="perTransaction"/>
    /// appends through the web app's PublicLogWriter until <paramref name="duration"/> has passed or, when given, after
    /// <paramref name="transactionsPerWriter"/> transactions.
    /// </summary>
    public static async Task<(long Appends, double Seconds)> RunAsync(DbContextOptions<TradingDbContext> options, PseudonymKey key, int writers, int perTransaction,
        TimeSpan duration, int? transactionsPerWriter = null)
    {
        long total = 0;
        var sw = Stopwatch.StartNew();
        var stopAt = sw.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            long n = 0;
            var transactions = 0;
            while (transactionsPerWriter is int count ? transactions++ < count : sw.Elapsed < stopAt)
            {
                await using var db = new TradingDbContext(options);
                var log = new PublicLogWriter(db, TimeProvider.System, key);
                await using var tx = await db.Database.BeginTransactionAsync();
                for (var i = 0; i < perTransaction; i++)
                    await log.AppendAsync("bid.submitted", null, new { lot = "1", bidder = log.Pseudonym("firm", $"w{w}"), ciphertextSha256 = new string('a', 64), ciphertextLength = 123456L, n });
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                n += perTransaction;
            }
            Interlocked.Add(ref total, n);
        })));
        return (total, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// <paramref name="writers"/> concurrent writers, each committing one-act transactions that queue one entry
    /// (<see cref="PublicLogWriter.AppendQueuedAsync"/>, no lock). With <paramref name="sequenceAlongside"/>, one sequencer
    /// numbers the queue in batches meanwhile (<see cref="LogSequencer.PassAsync"/>, the hosted sequencer's pass) and the
    /// time runs until the last entry is numbered, so the rate is of entries on the log, not merely committed. Without it,
    /// the time stops at the last commit (the same transactions' rate with no log work after them: the baseline) and the
    /// queue is left for <see cref="DrainAsync"/>. Also returns the most entries one pass numbered.
    /// </summary>
    public static async Task<(long Appends, double Seconds, int LargestPass)> RunQueuedAsync(DbContextOptions<TradingDbContext> options, PseudonymKey key, int writers,
        TimeSpan duration, int? transactionsPerWriter = null, bool sequenceAlongside = true)
    {
        long total = 0;
        var largest = 0;
        var sw = Stopwatch.StartNew();
        var stopAt = sw.Elapsed + duration;
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            long n = 0;
            var transactions = 0;
            while (transactionsPerWriter is int count ? transactions++ < count : sw.Elapsed < stopAt)
            {
                await using var db = new TradingDbContext(options);
                var log = new PublicLogWriter(db, TimeProvider.System, key);
                await using var tx = await db.Database.BeginTransactionAsync();
                await log.AppendQueuedAsync("bid.submitted", null, new { lot = "1", bidder = log.Pseudonym("firm", $"w{w}"), ciphertextSha256 = new string('a', 64), ciphertextLength = 123456L, n });
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                n++;
            }
            Interlocked.Add(ref total, n);
        })));
        while (sequenceAlongside)
        {
            var done = writing.IsCompleted;
            var numbered = await PassAsync(options, key);
            largest = Math.Max(largest, numbered);
            // Finished only when a pass that began after the last commit found nothing left.
            if (done && numbered == 0) break;
            if (numbered == 0) await Task.Delay(1);
        }
        await writing;
        return (total, sw.Elapsed.TotalSeconds, largest);
    }

    /// <summary>Numbers everything queued, pass after pass as the hosted sequencer does; returns how many and how long.</summary>
    public static async Task<(long Numbered, double Seconds)> DrainAsync(DbContextOptions<TradingDbContext> options, PseudonymKey key)
    {
        var sw = Stopwatch.StartNew();
        long total = 0;
        for (int n; (n = await PassAsync(options, key)) > 0;) total += n;
        return (total, sw.Elapsed.TotalSeconds);
    }

    private static async Task<int> PassAsync(DbContextOptions<TradingDbContext> options, PseudonymKey key)
    {
        await using var db = new TradingDbContext(options);
        return (await LogSequencer.PassAsync(db, new PublicLogWriter(db, TimeProvider.System, key), CancellationToken.None)).Count;
    }

    /// <summary>The log's size, whether its indexes are 0..size-1, and whether every stored node (the root among them) is what a recomputation from the payloads gives.</summary>
    public static async Task<(long Size, bool Gapless, bool NodesOk)> CheckAsync(DbContextOptions<TradingDbContext> options)
    {
        await using var db = new TradingDbContext(options);
        var size = await db.LogEntries.LongCountAsync();
        var indexes = await db.LogEntries.OrderBy(e => e.Index).Select(e => e.Index).ToListAsync();
        // Every stored node must be what the entries imply: recompute the tree from the payloads.
        var reference = new Trading.PublicLog.InMemoryLogStore();
        var merkle = new Trading.PublicLog.MerkleLog(reference);
        foreach (var p in await db.LogEntries.OrderBy(e => e.Index).Select(e => e.Payload).ToListAsync())
            await merkle.AppendAsync(System.Text.Encoding.UTF8.GetBytes(p));
        var nodes = await db.LogNodes.Select(n => new { n.Level, n.Index, n.Hash }).ToListAsync();
        var expected = 0L;
        for (var l = 0; (size >> l) > 0; l++) expected += size >> l;
        var nodesOk = nodes.Count == expected && nodes.All(n => reference.GetNode(new Trading.PublicLog.NodeAddress(n.Level, n.Index)).AsSpan().SequenceEqual(n.Hash));
        return (size, indexes.Select((x, i) => x == i).All(b => b), nodesOk);
    }
}
