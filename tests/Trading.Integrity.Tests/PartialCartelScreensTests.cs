using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

/// <summary>
/// H7 and H8 on small hand-built histories: each with a planted pattern the screen must find and an honest look-alike in
/// the same market that it must not name.
/// </summary>
public class PartialCartelScreensTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void H7_names_two_firms_that_split_the_buyers_and_not_a_firm_that_left_when_another_came()
    {
        var random = new Random(7);
        var lots = new List<HistoricLot>();
        for (var l = 0; l < 120; l++)
        {
            var buyer = $"B{l % 4 + 1}";
            var at = Start.AddDays(6 * l);
            var firms = Enumerable.Range(1, 10).Where(_ => random.NextDouble() < 0.4).Select(i => $"H{i:D2}").ToList();
            // Planted: A bids only at buyers 1 and 2, B only at 3 and 4.
            if (l % 4 < 2 && random.NextDouble() < 0.9) firms.Add("A");
            if (l % 4 >= 2 && random.NextDouble() < 0.9) firms.Add("B");
            // Look-alike: C leaves the market half-way and D enters then; they never meet, honestly.
            if (l < 60 && random.NextDouble() < 0.7) firms.Add("C");
            if (l >= 60 && random.NextDouble() < 0.7) firms.Add("D");
            var bids = firms.Select(f => new HistoricBid(f, 1000m + random.Next(0, 100))).ToList();
            lots.Add(new HistoricLot($"L{l}", "works", at, bids, bids.MinBy(b => b.Price)!.FirmId) { Region = "R1", Buyer = buyer, Estimate = 1050m });
        }
        var report = IntegrityScreens.ScreenHistory(new MarketHistory(lots));
        var h7 = report.Findings.Where(f => f.IndicatorId == "H7").ToList();
        Assert.Contains(h7, f => f.FirmIds.Contains("A") && f.FirmIds.Contains("B") && f.Grade == Grade.Lead);
        Assert.DoesNotContain(h7, f => f.FirmIds.Contains("C") && f.FirmIds.Contains("D"));
        Assert.DoesNotContain(h7, f => f.FirmIds.Count(id => id.StartsWith('H')) >= 2);
        Assert.Contains(Assert.Single(h7, f => f.FirmIds.Contains("A")).Evidence, e => e.Value!.Contains("B1", StringComparison.Ordinal));
    }

    [Fact]
    public void H8_names_covers_priced_off_the_winner_and_not_firms_whose_prices_share_only_the_lot()
    {
        var random = new Random(11);
        var efficiency = Enumerable.Range(1, 12).ToDictionary(i => $"H{i:D2}", _ => 0.97 + Gauss(random) * 0.02);
        var lots = new List<HistoricLot>();
        for (var l = 0; l < 150; l++)
        {
            var estimate = 1_000_000m;
            // Every bid of the lot shares the lot's surprise (an estimate set too low or too high): honest, and common to all.
            var lotShock = Gauss(random) * 0.05;
            var bids = efficiency.Where(_ => random.NextDouble() < 0.45)
                .Select(e => new HistoricBid(e.Key, Math.Round(estimate * (decimal)(e.Value * Math.Exp(lotShock + Gauss(random) * 0.035)), 0))).ToList();
            if (l % 3 == 0)
            {
                // Planted: W bids honestly; covers X and Y are priced 3-8 % above W's bid.
                var w = estimate * (decimal)(0.97 * Math.Exp(lotShock + Gauss(random) * 0.035));
                bids.Add(new HistoricBid("W", Math.Round(w, 0)));
                bids.Add(new HistoricBid("X", Math.Round(w * (decimal)(1.03 + random.NextDouble() * 0.05), 0)));
                bids.Add(new HistoricBid("Y", Math.Round(w * (decimal)(1.03 + random.NextDouble() * 0.05), 0)));
            }
            if (bids.Count < 3) continue;
            lots.Add(new HistoricLot($"L{l}", "works", Start.AddDays(3 * l), bids, bids.MinBy(b => b.Price)!.FirmId) { Region = "R1", Estimate = estimate });
        }
        var report = IntegrityScreens.ScreenHistory(new MarketHistory(lots));
        var h8 = report.Findings.Where(f => f.IndicatorId == "H8").ToList();
        Assert.Contains(h8, f => f.FirmIds.Count(id => id is "W" or "X" or "Y") >= 2);
        Assert.All(h8, f => Assert.True(f.FirmIds.Count(id => id.StartsWith('H')) < 2, $"honest firms named: {f.Explanation.En}"));
        Assert.All(h8, f => Assert.Equal(Grade.Lead, f.Grade));
        Assert.Contains(report.Outcomes, o => o.IndicatorId == "H8" && o.Status == ScreenStatus.Ran);
    }

    [Fact]
    public void H6_names_a_group_that_adds_five_percent_when_it_meets_and_not_firms_that_simply_bid_together()
    {
        var random = new Random(5);
        var efficiency = Enumerable.Range(1, 14).ToDictionary(i => $"H{i:D2}", _ => 0.97 + Gauss(random) * 0.025);
        foreach (var id in new[] { "C1", "C2", "C3", "C4", "S1", "S2" }) efficiency[id] = 0.97 + Gauss(random) * 0.025;
        string[] cartel = ["C1", "C2", "C3", "C4"];
        var lots = new List<HistoricLot>();
        for (var l = 0; l < 400; l++)
        {
            var estimate = 1_000_000m + 1000m * l;
            var firms = efficiency.Keys.Where(k => k.StartsWith('H') && random.NextDouble() < 0.35).ToList();
            // Look-alike: two sister firms that mostly bid together, at their honest prices.
            if (l % 4 == 0) firms.AddRange(random.NextDouble() < 0.8 ? ["S1", "S2"] : [random.NextDouble() < 0.5 ? "S1" : "S2"]);
            // Planted: in a quarter of the lots one to three cartel members bid; two or more add 5 %.
            var members = l % 4 == 1 ? cartel.OrderBy(_ => random.NextDouble()).Take(random.NextDouble() < 0.4 ? 1 : random.Next(2, 4)).ToList() : [];
            firms.AddRange(members);
            var bids = firms.Select(f => new HistoricBid(f, Math.Round(estimate * (decimal)(efficiency[f] * (1 + Gauss(random) * 0.035)
                * (members.Count >= 2 && members.Contains(f) ? 1.05 : 1.0)), 0))).ToList();
            if (bids.Count < 3) continue;
            lots.Add(new HistoricLot($"L{l}", "works", Start.AddDays(2 * l), bids, bids.MinBy(b => b.Price)!.FirmId) { Region = "R1", Estimate = estimate });
        }
        // The cohesive path alone: the pair and split-half paths are switched off by thresholds nothing reaches.
        var report = IntegrityScreens.ScreenHistory(new MarketHistory(lots), new HistoryOptions { MarkupPairMinT = 99, MarkupConfirmMinT = 99 });
        var h6 = report.Findings.Where(f => f.IndicatorId == "H6").ToList();
        var found = Assert.Single(h6, f => f.FirmIds.Count(cartel.Contains) >= 2);
        Assert.Equal(Grade.Lead, found.Grade);
        Assert.All(h6, f => Assert.True(f.FirmIds.Count(id => !cartel.Contains(id)) < 2, $"honest firms named: {f.Explanation.En}"));
        Assert.DoesNotContain(h6, f => f.FirmIds.Contains("S1") && f.FirmIds.Contains("S2"));
        Assert.Equal("markup-cohesive", found.Basis);
        Assert.Contains(found.Evidence, e => e.Kind == "cohesion");
        Assert.Contains(found.Explanation.ZhCn, c => c >= '\u4E00' && c <= '\u9FFF');
    }

    [Fact]
    public void H8_partial_correlation_removes_what_the_lot_shares()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var shared = Gauss(random);
            return (X: shared + Gauss(random) * 0.3, Y: shared + Gauss(random) * 0.3, C: shared + Gauss(random) * 0.1);
        }).ToList();
        Assert.True(Math.Abs(History.SubsetScreen.PartialCorrelation(rows)) < 0.15);
        var pegged = rows.Select(r => (r.X, Y: r.X + Gauss(random) * 0.05, r.C)).ToList();
        Assert.True(History.SubsetScreen.PartialCorrelation(pegged) > 0.8);
    }
}
