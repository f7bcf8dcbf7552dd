using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Infrastructure;

/// <summary>
/// Queued appends (<see cref="PublicLogWriter.AppendQueuedAsync"/>) and the sequencer that numbers them: an entry still
/// commits or rolls back with its act, the numbering stays gapless and the stored tree right while acts commit side by
/// side, and an entry queued before a locked act precedes it on the log.
/// </summary>
public class LogQueueTests(PostgresServer pg) : WebTest(pg)
{
    /// <summary>One act in its own scope that queues one entry and commits or rolls back; returns the ticket.</summary>
    private async Task<Guid> QueuedActAsync(int writer, int n, bool commit)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var ticket = await log.AppendQueuedAsync("test.queued", null, new { writer, n, rolledBack = !commit });
        await db.SaveChangesAsync();
        if (commit) await tx.CommitAsync();
        else await tx.RollbackAsync();
        return ticket;
    }

    [Fact]
    public async Task Eight_writers_queueing_with_random_rollbacks_while_the_sequencer_runs_leave_a_gapless_log_with_every_committed_entry_once()
    {
        var sequencer = App.Services.GetRequiredService<LogSequencer>();
        var committed = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var rolledBack = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource();
        // A second sequencer pass running beside the hosted one and beside locked acts: they must not number an entry twice.
        var racing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await sequencer.SequenceAsync(CancellationToken.None);
        });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var n = 0; n < 25; n++)
            {
                var commit = random.Next(4) != 0;
                (commit ? committed : rolledBack).Add(await QueuedActAsync(w, n, commit));
                // Now and then a locked act, which integrates what is queued before its own entry.
                if (n % 7 == 3)
                {
                    await using var scope = App.Services.CreateAsyncScope();
                    var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
                    await log.RecordAsync("test.locked", null, new { writer = w, n });
                }
            }
        })));
        await stop.CancelAsync();
        await racing;
        await sequencer.SequenceAsync(CancellationToken.None);

        var (entries, nodes, pending) = App.WithDb(db => (
            db.LogEntries.AsNoTracking().OrderBy(e => e.Index).Select(e => new { e.Index, e.Payload, e.LeafHash, e.Ticket }).ToList(),
            db.LogNodes.AsNoTracking().Select(n => new { n.Level, n.Index, n.Hash }).ToList(),
            db.PendingLogEntries.Count()));
        Assert.Equal(0, pending);
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Index));
        // The log may hold queued entries of other acts (demo bids); these writers' own are every committed one, once.
        var ours = committed.Concat(rolledBack).ToHashSet();
        var tickets = entries.Where(e => e.Ticket is { } t && ours.Contains(t)).Select(e => e.Ticket!.Value).ToList();
        Assert.Equal(committed.OrderBy(t => t), tickets.OrderBy(t => t));
        Assert.DoesNotContain(entries, e => e.Payload.Contains("\"rolledBack\":true", StringComparison.Ordinal));
        Assert.Empty(rolledBack.Intersect(tickets));

        var reference = new InMemoryLogStore();
        var merkle = new MerkleLog(reference);
        foreach (var e in entries)
        {
            await merkle.AppendAsync(Encoding.UTF8.GetBytes(e.Payload));
            Assert.Equal(MerkleHash.Leaf(Encoding.UTF8.GetBytes(e.Payload)), e.LeafHash);
        }
        var expectedNodes = 0L;
        for (var level = 0; (entries.Count >> level) > 0; level++) expectedNodes += entries.Count >> level;
        Assert.Equal(expectedNodes, nodes.Count);
        foreach (var n in nodes)
            Assert.True(reference.GetNode(new NodeAddress(n.Level, n.Index)).AsSpan().SequenceEqual(n.Hash), $"node ({n.Level}, {n.Index}) differs from the recomputation");
    }

    [Fact]
    public async Task An_entry_queued_and_committed_before_a_locked_act_comes_before_it_and_its_ticket_finds_its_index()
    {
        var ticket = await QueuedActAsync(0, 1, commit: true);
        long lockedIndex;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
            var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
            await using var tx = await db.Database.BeginTransactionAsync();
            lockedIndex = (await log.AppendAsync("test.locked", null, new { after = ticket })).Index;
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        var index = await App.Services.GetRequiredService<LogSequencer>().WaitForIndexAsync(ticket, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(index < lockedIndex, $"queued entry at {index}, the later locked act at {lockedIndex}");
        var entry = App.WithDb(db => db.LogEntries.AsNoTracking().Single(e => e.Index == index));
        Assert.Equal(ticket, entry.Ticket);
        Assert.Equal("test.queued", entry.Type);
        Assert.Equal(0, App.WithDb(db => db.PendingLogEntries.Count(p => p.Ticket == ticket)));
    }

    [Fact]
    public async Task The_hosted_sequencer_numbers_an_entry_an_act_queued_and_a_rolled_back_act_leaves_nothing_queued()
    {
        var kept = await QueuedActAsync(1, 1, commit: true);
        var dropped = await QueuedActAsync(1, 2, commit: false);
        // No explicit pass: the act's commit woke the app's own sequencer.
        var index = await App.Services.GetRequiredService<LogSequencer>().WaitForIndexAsync(kept, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(kept, App.WithDb(db => db.LogEntries.AsNoTracking().Single(e => e.Index == index).Ticket));
        Assert.False(App.WithDb(db => db.LogEntries.Any(e => e.Ticket == dropped) || db.PendingLogEntries.Any(p => p.Ticket == dropped)));
        await Assert.ThrowsAsync<TimeoutException>(() =>
            App.Services.GetRequiredService<LogSequencer>().WaitForIndexAsync(dropped, TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    [Fact]
    public async Task A_queued_sealed_act_is_numbered_as_a_commitment_whose_opening_the_tenders_reveal_publishes()
    {
        var tender = Guid.NewGuid();
        Guid ticket;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
            ticket = await log.ActAsync(() => log.AppendSealedQueuedAsync("test.sealed", tender, new { secret = "who bid" }));
        }
        var index = await App.Services.GetRequiredService<LogSequencer>().WaitForIndexAsync(ticket, TimeSpan.FromSeconds(30), CancellationToken.None);
        var (entry, act) = App.WithDb(db => (db.LogEntries.AsNoTracking().Single(e => e.Index == index), db.SealedLogActs.AsNoTracking().Single(a => a.LogIndex == index)));
        // Public: a commitment with no tender and nothing of the act.
        Assert.Equal(SealedActs.ActType, entry.Type);
        Assert.Null(entry.TenderId);
        Assert.DoesNotContain("who bid", entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(tender.ToString(), entry.Payload, StringComparison.Ordinal);
        var outer = LogEntry.Parse(Encoding.UTF8.GetBytes(entry.Payload));
        Assert.Equal(SealedActs.Commitment(act.Nonce!, Encoding.UTF8.GetBytes(act.Entry!)), SealedActs.CommitmentOf(outer));
        Assert.Equal(0, outer.Time.UtcTicks % TimeSpan.FromMinutes(10).Ticks); // dated to a padding window
        Assert.Equal(tender, act.TenderId);
        Assert.Contains("who bid", act.Entry!, StringComparison.Ordinal);

        // The tender's reveal opens it like any sealed act appended under the lock.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
            Assert.Equal(1, await log.ActAsync(() => log.RevealAsync(tender)));
        }
        var reveal = App.WithDb(db => db.LogEntries.AsNoTracking().Single(e => e.TenderId == tender && e.Type == SealedActs.RevealType));
        Assert.True(reveal.Index > index);
        Assert.Contains("who bid", reveal.Payload, StringComparison.Ordinal);
        Assert.Contains($"\"index\":{index}", reveal.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queued_appends_are_refused_outside_a_transaction_and_malformed_entries_fail_the_act()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => log.AppendQueuedAsync("test.queued", null, new { n = 1 }));
        await using var tx = await db.Database.BeginTransactionAsync();
        // A type an outside verifier would refuse never reaches the queue, where it would stop the sequencer.
        var refused = await Assert.ThrowsAsync<LogFormatException>(() => log.AppendQueuedAsync("Not A Type!", null, new { n = 1 }));
        Assert.Equal("type", refused.Arguments["field"]);
        Assert.Empty(db.ChangeTracker.Entries<PendingLogEntry>());
    }

    [Fact]
    public async Task On_sqlite_queued_entries_are_numbered_after_the_earlier_ones_with_the_same_tree_as_a_recomputation()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trading-log-queue-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<TradingDbContext>()
                .UseSqlite($"Data Source={file};Pooling=False", o => o.MigrationsAssembly("Trading.Data.Sqlite")).Options;
            await using (var db = new TradingDbContext(options)) await db.Database.MigrateAsync();
            var key = new PseudonymKey(new byte[32]);
            var tickets = new List<Guid>();
            for (var i = 0; i < 9; i++)
            {
                await using var db = new TradingDbContext(options);
                var log = new PublicLogWriter(db, TimeProvider.System, key);
                await log.ActAsync(async () =>
                {
                    if (i % 3 == 2) await log.AppendAsync("test.locked", null, new { i });
                    else tickets.Add(await log.AppendQueuedAsync("test.queued", null, new { i }));
                });
            }
            await using (var db = new TradingDbContext(options))
            {
                var log = new PublicLogWriter(db, TimeProvider.System, key);
                await log.ActAsync(() => log.LockAsync());
            }
            await using (var db = new TradingDbContext(options))
            {
                var entries = await db.LogEntries.OrderBy(e => e.Index).ToListAsync();
                Assert.Equal(9, entries.Count);
                Assert.Empty(await db.PendingLogEntries.ToListAsync());
                // Each locked act integrated the two queued before it: the log's order is the acts' order.
                Assert.Equal(Enumerable.Range(0, 9).Select(i => $"\"i\":{i}"), entries.Select(e => System.Text.RegularExpressions.Regex.Match(e.Payload, "\"i\":\\d+").Value));
                Assert.Equal(tickets, entries.Where(e => e.Ticket is not null).Select(e => e.Ticket!.Value));
                var reference = new InMemoryLogStore();
                var merkle = new MerkleLog(reference);
                foreach (var e in entries) await merkle.AppendAsync(Encoding.UTF8.GetBytes(e.Payload));
                var nodes = await db.LogNodes.ToListAsync();
                Assert.All(nodes, n => Assert.Equal(reference.GetNode(new NodeAddress(n.Level, n.Index)), n.Hash));
                Assert.Equal(9 + 4 + 2 + 1, nodes.Count);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
