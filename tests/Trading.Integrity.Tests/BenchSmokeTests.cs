using Trading.Integrity.Simulation;

namespace Trading.Integrity.Tests;

/// <summary>
/// Trading.Integrity.Bench on a tiny market: the lot screens and the history screens it times, with their findings
/// checked (never their time), so the benchmarks keep building and measuring the right thing.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public void Integrity_bench_smoke_run_computes_findings_on_a_tiny_market()
    {
        var r = Trading.Integrity.Bench.Smoke.Run(bids: 30);

        // The lot: 30 bids of 30 firms, every screen ran on it.
        Assert.Equal(30, r.LotReport.BidCount);
        Assert.Equal(30, r.Lot.Bids.Select(b => b.FirmId).Distinct().Count());
        Assert.NotEmpty(r.LotReport.Outcomes);
        // The lot's bids come from lots with planted cases (shared machines, agents, copied documents): some are found,
        // and each finding names at least one of its bidders (a document finding may also name the past bid it copies).
        Assert.NotEmpty(r.LotReport.Findings);
        Assert.All(r.LotReport.Findings, f => Assert.Contains(f.FirmIds, id => r.Lot.Bids.Any(b => b.FirmId == id)));

        // The history: each planted cover group is named by a history finding (rotation needs a longer history than
        // this tiny market to stand out, which the screens' own tests cover), and the price baseline covers lots.
        var groups = r.Market.Cases.Where(c => c.LotId is null && c.Kind is CartelKind.CoverBidding).ToList();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.Contains(r.HistoryReport.Findings, f => f.FirmIds.Count(g.FirmIds.Contains) >= 2));
        Assert.True(r.BaselineLots > 0);
    }
}
