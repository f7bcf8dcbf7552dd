using Trading.Integrity.Model;
using Trading.Integrity.Screens;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Bench;

/// <summary>
/// The screen benchmarks' code paths on a tiny market, results returned for checking and never timed: the test
/// suite runs this (Trading.Integrity.Tests, BenchSmokeTests) so the benchmarks keep building and measuring the
/// right thing between recorded runs.
/// </summary>
public static class Smoke
{
    public sealed record Result(OpenedLot Lot, LotScreenReport LotReport, SimulatedMarket Market, HistoryScreenReport HistoryReport, int BaselineLots);

    /// <summary>A lot of <paramref name="bids"/> bids with documents (LotScreensBenchmark) and a market of a few hundred lots (HistoryScreensBenchmark).</summary>
    public static Result Run(int bids = 30)
    {
        var (lot, baseline) = LotScreensBenchmark.Build(bids, lotsPerYear: 250, honestFirms: 160);
        var lotReport = LotScreensBenchmark.Screen(lot, baseline);
        var market = HistoryScreensBenchmark.Market(years: 2, lotsPerYear: 150, honestFirms: 80, groups: 2);
        var historyReport = HistoryScreensBenchmark.Screen(market.History);
        return new Result(lot, lotReport, market, historyReport, PriceBaseline.Build(market.History).LotCount);
    }
}
