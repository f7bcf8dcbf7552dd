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
/// The append path keeps the tree's head (size and right edge) in memory for a transaction and writes entry and node
/// rows in one batch. These tests hold it to what the slow path guaranteed: gapless numbering under concurrent writers,
/// stored nodes equal to a recomputation from the entries, nothing left by a rolled-back transaction, on PostgreSQL
/// and on SQLite (the development default).
/// </summary>
public class LogAppendTests(PostgresServer pg) : WebTest(pg)
{
    /// <summary>One transaction of <paramref name="count"/> appends in its own scope, committed or rolled back.</summary>
    private async Task TransactionAsync(int writer, int count, bool commit)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        await using var tx = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
            await log.AppendAsync("test.appended", null, new { writer, i, rolledBack = !commit });
        await db.SaveChangesAsync();
        if (commit) await tx.CommitAsync();
        else await tx.RollbackAsync();
    }

    [Fact]
    public async Task Eight_concurrent_writers_with_batched_and_rolled_back_transactions_leave_a_gapless_log_whose_stored_nodes_match_a_recomputation()
    {
        var before = App.WithDb(db => db.LogEntries.LongCount());
        // Batch sizes chosen so transactions start and end at every kind of position in the tree (odd, even, powers of two).
        int[] batches = [1, 7, 16, 3, 1, 33];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var t = 0; t < batches.Length; t++)
                await TransactionAsync(w, batches[(t + w) % batches.Length], commit: (t + w) % 4 != 3);
        })));

        var (entries, nodes) = App.WithDb(db => (
            db.LogEntries.AsNoTracking().OrderBy(e => e.Index).Select(e => new { e.Index, e.Payload, e.LeafHash }).ToList(),
            db.LogNodes.AsNoTracking().Select(n => new { n.Level, n.Index, n.Hash }).ToList()));
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Index));
        var committed = Enumerable.Range(0, 8).Sum(w => Enumerable.Range(0, batches.Length).Where(t => (t + w) % 4 != 3).Sum(t => batches[(t + w) % batches.Length]));
        Assert.Equal(before + committed, entries.Count);
        Assert.DoesNotContain(entries, e => e.Payload.Contains("\"rolledBack\":true", StringComparison.Ordinal));

        // Recompute the whole tree from the payloads alone and compare every stored node, and nothing more is stored.
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

        // The public endpoints read the same tree.
        var checkpoint = await (await App.Anonymous().GetAsync("/api/log/checkpoint")).Json();
        Assert.Equal(entries.Count, checkpoint.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(await merkle.GetRootAsync(entries.Count)), checkpoint.GetProperty("root").GetString());
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_no_gap_and_the_same_context_appends_on_at_the_same_index()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        var size = await db.LogEntries.LongCountAsync();

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(size, (await log.AppendAsync("test.appended", null, new { n = 1 })).Index);
            Assert.Equal(size + 1, (await log.AppendAsync("test.appended", null, new { n = 2 })).Index);
            await db.SaveChangesAsync(); // written, then undone
            await tx.RollbackAsync();
        }
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await log.AppendAsync("test.appended", null, new { n = 3 }); // never saved
            await tx.RollbackAsync();
        }
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            var e = await log.AppendAsync("test.appended", null, new { n = 4 });
            Assert.Equal(size, e.Index);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        await log.RecordAsync("test.appended", null, new { n = 5 });

        var rows = App.WithDb(d => d.LogEntries.AsNoTracking().Where(e => e.Index >= size).OrderBy(e => e.Index).Select(e => e.Payload).ToList());
        Assert.Equal(2, rows.Count);
        Assert.Contains("\"n\":4", rows[0], StringComparison.Ordinal);
        Assert.Contains("\"n\":5", rows[1], StringComparison.Ordinal);
        Assert.Equal(App.WithDb(d => d.LogEntries.LongCount()), App.WithDb(d => d.LogNodes.LongCount(n => n.Level == 0)));
    }

    [Fact]
    public async Task Appends_outside_a_transaction_are_refused()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => log.AppendAsync("test.appended", null, new { n = 1 }));
    }

    [Fact]
    public async Task On_sqlite_batched_appends_store_the_same_tree_as_a_recomputation()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trading-log-append-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<TradingDbContext>()
                .UseSqlite($"Data Source={file};Pooling=False", o => o.MigrationsAssembly("Trading.Data.Sqlite")).Options;
            await using (var db = new TradingDbContext(options)) await db.Database.MigrateAsync();
            var key = new PseudonymKey(new byte[32]);
            foreach (var count in new[] { 1, 6, 9, 1, 15 })
            {
                await using var db = new TradingDbContext(options);
                var log = new PublicLogWriter(db, TimeProvider.System, key);
                await using var tx = await db.Database.BeginTransactionAsync();
                for (var i = 0; i < count; i++) await log.AppendAsync("test.appended", null, new { count, i });
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            }
            await using (var db = new TradingDbContext(options))
            {
                var payloads = await db.LogEntries.OrderBy(e => e.Index).Select(e => e.Payload).ToListAsync();
                Assert.Equal(32, payloads.Count);
                var reference = new InMemoryLogStore();
                var merkle = new MerkleLog(reference);
                foreach (var p in payloads) await merkle.AppendAsync(Encoding.UTF8.GetBytes(p));
                var nodes = await db.LogNodes.ToListAsync();
                Assert.Equal(63, nodes.Count);
                Assert.All(nodes, n => Assert.Equal(reference.GetNode(new NodeAddress(n.Level, n.Index)), n.Hash));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public void Pseudonyms_are_the_librarys_so_an_auditor_with_the_key_recomputes_them()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var web = new PseudonymKey(key).Pseudonym("firm", "Café");
        Assert.Equal(new Pseudonymizer(key).Pseudonym("firm", "Cafe\u0301"), web); // NFC, as the library and the docs say
        Assert.Matches("^firm:[0-9a-f]{32}$", web);
        Assert.NotEqual(web, new PseudonymKey(key).Pseudonym("user", "Café"));
        // The written-down construction, byte for byte.
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("trading/pseudonym/v1\0firm\0Café"));
        Assert.Equal("firm:" + Convert.ToHexStringLower(mac.AsSpan(0, 16)), web);
    }
}
