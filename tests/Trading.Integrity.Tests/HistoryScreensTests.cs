using Trading.Integrity.History;
using Trading.Integrity.Model;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Tests;

public class HistoryScreensTests
{
    [Theory]
    [InlineData(0, 2.5)]
    [InlineData(3, 2.5)]
    [InlineData(12, 2.5)]
    [InlineData(30, 4.0)]
    public void Poisson_tails_match_the_definition(int k, double lambda)
    {
        double Pmf(int x) => Math.Exp(-lambda + x * Math.Log(lambda) - Enumerable.Range(1, x).Sum(i => Math.Log(i)));
        var lower = Enumerable.Range(0, k + 1).Sum(Pmf);
        var upper = 1 - Enumerable.Range(0, k).Sum(Pmf);
        Assert.Equal(lower, HistoryScreens.PoissonLowerTail(k, lambda), 9);
        Assert.Equal(upper, HistoryScreens.PoissonUpperTail(k, lambda), 9);
    }

    [Fact]
    public void Short_history_gives_not_enough_data()
    {
        var report = IntegrityScreens.ScreenHistory(MarketHistory.Empty);
        Assert.Empty(report.Findings);
        Assert.Equal(7, report.Outcomes.Count);
        Assert.All(report.Outcomes, o => Assert.Equal(ScreenStatus.NotEnoughData, o.Status));
    }

    [Fact]
    public void Planted_rotation_cover_and_withdrawal_patterns_are_found_on_a_seeded_market()
    {
        var market = MarketSimulator.Generate(new MarketOptions { Seed = 11, Years = 3, LotsPerYear = 300, WithDocuments = false });
        var report = IntegrityScreens.ScreenHistory(market.History);
        Assert.All(report.Outcomes, o => Assert.Equal(ScreenStatus.Ran, o.Status));
        foreach (var planted in market.Cases.Where(c => c.LotId is null && c.Kind is CartelKind.Rotation or CartelKind.CoverBidding or CartelKind.LateWithdrawal))
        {
            Assert.Contains(report.Findings, f => f.IndicatorId == planted.Indicator && f.FirmIds.Count(planted.FirmIds.Contains) >= 2);
        }
        // Co-bidding communities are exactly the persistent groups: no honest firm is pulled in.
        var cartel = market.Cases.Where(c => c.LotId is null).SelectMany(c => c.FirmIds).ToHashSet();
        Assert.All(report.Findings.Where(f => f.IndicatorId is "H1" or "H3"), f => Assert.All(f.FirmIds, id => Assert.Contains(id, cartel)));
        Assert.NotEmpty(report.CoBiddingPairs);
    }

    [Fact]
    public void Subcontract_to_a_loser_of_the_same_lot_is_a_lead()
    {
        var lots = Enumerable.Range(0, 60).Select(k => new HistoricLot($"H{k}", "c", DateTimeOffset.UnixEpoch,
            [new HistoricBid($"A{k}", 100m), new HistoricBid($"B{k}", 110m), new HistoricBid($"C{k}", 120m)], $"A{k}",
            k == 7 ? [new Subcontract("A7", "C7", 10m)] : k == 8 ? [new Subcontract("A8", "Z", 10m)] : null)).ToList();
        var f = Assert.Single(IntegrityScreens.ScreenHistory(new MarketHistory(lots)).Findings);
        Assert.Equal(("H4", "H7"), (f.IndicatorId, f.LotId));
        Assert.Equal(["A7", "C7"], f.FirmIds);
    }
}
