using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.LogAppend.Bench;
using Trading.Submission.Bench;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The PostgreSQL benchmarks (bench/Trading.Submission.Bench, bench/Trading.LogAppend.Bench) at a smoke size on this
/// suite's server: the very code they time (compiled in from the bench), with results checked and never time, so
/// they keep building and measuring the right thing between recorded runs.
/// </summary>
public sealed class BenchSmokeTests(PostgresServer pg)
{
    [Fact]
    public async Task Submission_bench_smoke_run_accepts_three_small_bids_with_receipts_and_opens_them_to_their_prices()
    {
        var r = await LoadTest.RunAsync(bids: 3, sizeMiB: 1, resultsPath: null, pg);

        Assert.Equal((3, 3, 0, 3, true), (r.Accepted, r.Stored, r.Refused, r.Opened, r.PricesRight));
        var receipts = r.Receipts.Select(body => JsonDocument.Parse(body).RootElement).ToList();
        Assert.All(receipts, b => Assert.False(string.IsNullOrEmpty(b.GetProperty("receiptUrl").GetString())));
        Assert.Equal(3, receipts.Select(b => b.GetProperty("logIndex").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task LogAppend_bench_smoke_run_stays_gapless_with_every_stored_node_right()
    {
        var options = new DbContextOptionsBuilder<TradingDbContext>()
            .UseNpgsql(await pg.CreateDatabaseAsync("logappendbench"), n => n.MigrationsAssembly("Trading.Data.Postgres")).Options;
        await using (var db = new TradingDbContext(options)) await db.Database.MigrateAsync();
        var key = new PseudonymKey(new byte[32]);
        var (before, _, _) = await AppendRun.CheckAsync(options);

        // The bench's shapes (1 and 8 writers, one and ten appends per transaction), three transactions per writer instead of seconds.
        long appended = 0;
        foreach (var (writers, batch) in new[] { (1, 1), (8, 1), (8, 10) })
            appended += (await AppendRun.RunAsync(options, key, writers, batch, TimeSpan.Zero, transactionsPerWriter: 3)).Appends;

        var queued = await AppendRun.RunQueuedAsync(options, key, 8, TimeSpan.Zero, transactionsPerWriter: 3);
        Assert.Equal(24, queued.Appends);
        Assert.InRange(queued.LargestPass, 1, 24);
        appended += queued.Appends;

        var (size, gapless, nodesOk) = await AppendRun.CheckAsync(options);
        await using (var db = new TradingDbContext(options)) Assert.Equal(0, await db.PendingLogEntries.CountAsync());
        Assert.Equal(3 + 24 + 240 + 24, appended);
        Assert.Equal(before + appended, size);
        Assert.True(gapless, "the log's indexes have a gap");
        Assert.True(nodesOk, "a stored tree node differs from the recomputation");
    }
}
