using Trading.Integrity.Model;
using Trading.Integrity.Screens;

namespace Trading.Integrity.Tests;

public class PriceScreensTests
{
    private static OpenedLot Priced(params decimal[] prices) => TestLots.Lot(prices.Length, (i, b) => b with { Price = prices[i - 1] });

    [Fact]
    public void Screens_follow_their_definitions()
    {
        var s = PriceStatistics.Compute([130m, 100m, 120m, 110m]);
        var mean = 115.0;
        var sd = Math.Sqrt((15.0 * 15 + 5 * 5 + 5 * 5 + 15 * 15) / 3);
        Assert.Equal(sd / mean, s.Cv!.Value, 12);
        Assert.Equal(0.3, s.Spd!.Value, 12);
        Assert.Equal(0.1, s.Diffp!.Value, 12);
        Assert.Equal(10 / 10.0, s.Rd!.Value, 12); // sd of 110, 120, 130 is 10
        Assert.Equal(10 / (30 / 3.0), s.Rdnor!.Value, 12);
        Assert.Equal(10 / (20 / 2.0), s.Rdalt!.Value, 12);
        Assert.Equal(0, s.Skew!.Value, 12); // symmetric
        Assert.True(s.Kurt < 0, "a flat set of four equally spaced prices is platykurtic");
    }

    [Fact]
    public void Screens_that_need_more_bids_are_null()
    {
        var two = PriceStatistics.Compute([100m, 105m]);
        Assert.Null(two.Cv);
        Assert.Null(two.Rd);
        Assert.Equal(0.05, two.Spd!.Value, 12);
        var three = PriceStatistics.Compute([100m, 105m, 112m]);
        Assert.Null(three.Kurt);
        Assert.NotNull(three.Skew);
        Assert.All(PriceStatistics.Names, n => Assert.Null(PriceStatistics.Compute([100m])[n]));
    }

    [Fact]
    public void Percentiles_come_from_comparable_past_lots()
    {
        // 40 past lots of 3 bids each, DIFFP = k/1000 for k = 1..40.
        var history = new MarketHistory(Enumerable.Range(1, 40).Select(k => new HistoricLot($"H{k}", "works/roads", DateTimeOffset.UnixEpoch,
            [new HistoricBid("A", 1000m), new HistoricBid("B", 1000m + k), new HistoricBid("C", 1200m)], "A")).ToList());
        var baseline = PriceBaseline.Build(history);
        Assert.Equal(40, baseline.LotCount);
        var (p, size) = baseline.Percentile("works/roads", 3, "DIFFP", 0.0105);
        Assert.Equal(40, size);
        Assert.Equal(100.0 * 10 / 40, p!.Value, 9);
        Assert.Null(baseline.Percentile("works/roads", 8, "DIFFP", 0.01).Percentile);
    }

    [Fact]
    public void Identical_prices_are_a_lead()
    {
        var f = Assert.Single(IntegrityScreens.ScreenLot(Priced(1000m, 1234m, 1234m, 1500m)).Findings);
        Assert.Equal(("PS", "identical-prices", Grade.Lead), (f.IndicatorId, f.Basis, f.Grade));
        Assert.Equal(["F2", "F3"], f.FirmIds);
    }

    [Fact]
    public void Prices_in_regular_steps_are_a_lead()
    {
        var report = IntegrityScreens.ScreenLot(Priced(903_112m, 1_000_000m, 1_012_000m, 1_024_000m, 1_036_000m, 1_100_700m));
        var f = Assert.Single(report.Findings, f => f.IndicatorId == "L4b");
        Assert.Equal(["F2", "F3", "F4", "F5"], f.FirmIds);
        Assert.Equal(Grade.Lead, f.Grade);

        Assert.DoesNotContain(IntegrityScreens.ScreenLot(Priced(903_112m, 1_000_000m, 1_013_000m, 1_021_000m, 1_036_000m)).Findings,
            x => x.IndicatorId == "L4b");
        var three = IntegrityScreens.ScreenLot(Priced(1_000_000m, 1_012_000m, 1_024_000m));
        Assert.Equal(ScreenStatus.NotEnoughData, three.Outcomes.Single(o => o.IndicatorId == "L4b").Status);
        Assert.DoesNotContain(three.Findings, x => x.IndicatorId == "L4b");
    }

    [Fact]
    public void A_price_list_that_is_a_multiple_of_another_is_a_lead_and_noise_is_not()
    {
        var rng = new Random(5);
        var basePrices = Enumerable.Range(0, 12).Select(_ => Math.Exp(Math.Log(500) + rng.NextDouble() * 4)).ToArray();
        IReadOnlyList<PriceItem> Honest() => basePrices.Select((p, k) => new PriceItem($"I{k}", Math.Round((decimal)(p * (0.95 + rng.NextDouble() * 0.1)), 2))).ToList();
        var a = Honest();
        var lot = TestLots.Lot(4, (i, b) => b with { PriceItems = i == 3 ? a.Select(x => x with { UnitPrice = Math.Round(x.UnitPrice * 1.04m, 2) }).ToList() : i == 1 ? a : Honest() });
        var f = Assert.Single(IntegrityScreens.ScreenLot(lot).Findings, f => f.IndicatorId == "L4b");
        Assert.Equal(("linear-price-list", Grade.Lead), (f.Basis, f.Grade));
        Assert.Equal(["F1", "F3"], f.FirmIds);
    }

    [Fact]
    public void Close_to_the_winner_needs_history_and_is_found_with_it()
    {
        var lot = Priced(1_000_000m, 1_000_050m, 1_090_000m, 1_130_000m, 1_180_000m);
        var none = IntegrityScreens.ScreenLot(lot);
        Assert.Equal(ScreenStatus.NotEnoughData, none.Outcomes.Single(o => o.IndicatorId == "H5").Status);
        Assert.Equal(ScreenStatus.NotEnoughData, none.Outcomes.Single(o => o.IndicatorId == "PS.distribution").Status);
        Assert.All(none.PriceScreens, p => Assert.Null(p.Percentile));
        Assert.DoesNotContain(none.Findings, f => f.IndicatorId == "H5");

        var rng = new Random(3);
        var history = new MarketHistory(Enumerable.Range(0, 200).Select(k => new HistoricLot($"H{k}", "works/roads", DateTimeOffset.UnixEpoch,
            Enumerable.Range(0, 5).Select(j => new HistoricBid($"X{j}", Math.Round(1_000_000m * (decimal)(0.9 + rng.NextDouble() * 0.2), 0))).ToList(), "X0")).ToList());
        var report = IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(PriceBaseline.Build(history), null));
        var f = Assert.Single(report.Findings, f => f.IndicatorId == "H5");
        Assert.Equal(["F1", "F2"], f.FirmIds);
        Assert.All(report.PriceScreens, p => Assert.Equal(200, p.BaselineSize));
        Assert.Equal(ScreenStatus.Ran, report.Outcomes.Single(o => o.IndicatorId == "PS.distribution").Status);
    }
}
