using BenchmarkDotNet.Attributes;
using Trading.Integrity.Documents;
using Trading.Integrity.Model;
using Trading.Integrity.Screens;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Bench;

/// <summary>All lot screens on one lot of 300 bids with documents (goal: under 1 s).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class LotScreensBenchmark
{
    private OpenedLot lot = null!;
    private ScreeningBaseline baseline = null!;

    /// <summary>300 bids of 300 different firms, taken from a simulated market with their documents.</summary>
    internal static (OpenedLot Lot, ScreeningBaseline Baseline) Build()
    {
        var market = MarketSimulator.Generate(new MarketOptions { Seed = 42, Years = 1, LotsPerYear = 400, HonestFirms = 420 });
        var byFirm = market.Firms.ToDictionary(f => f.FirmId);
        var picked = market.Lots.SelectMany(l => l.Bids.Select(b => (Lot: l, Bid: b))).DistinctBy(x => x.Bid.FirmId).Take(300).ToList();
        var bids = picked.Select((x, i) => x.Bid with { BidId = $"BIG-B{i + 1:D3}" }).ToList();
        var lot = new OpenedLot
        {
            LotId = "BIG",
            Category = "works/roads",
            Bids = bids,
            Firms = bids.Select(b => byFirm[b.FirmId]).ToList(),
            // The bids come from many simulated lots; each brought its own lot's form, so all those forms are templates here.
            TenderTemplates = picked.Select(x => x.Lot).Distinct().SelectMany(l => l.TenderTemplates).ToList(),
        };
        var documents = new DocumentBaseline();
        foreach (var past in market.Lots)
        {
            documents.AddLot(past);
        }
        return (lot, new ScreeningBaseline(PriceBaseline.Build(market.History), documents));
    }

    [GlobalSetup]
    public void Setup() => (lot, baseline) = Build();

    [Benchmark]
    public int AllLotScreens300Bids() => IntegrityScreens.ScreenLot(lot, baseline).Findings.Count;
}

/// <summary>The history screens (H1-H4, and the price baseline H5 and PS use) on about 100,000 bids (goal: under 60 s).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class HistoryScreensBenchmark
{
    private MarketHistory history = null!;

    internal static MarketHistory Build() => MarketSimulator.Generate(new MarketOptions
    {
        Seed = 7, Years = 4, LotsPerYear = 3400, HonestFirms = 900, WithDocuments = false, RotationGroups = 8, CoverGroups = 8,
    }).History;

    [GlobalSetup]
    public void Setup() => history = Build();

    [Benchmark]
    public int HistoryScreens100kBids() =>
        IntegrityScreens.ScreenHistory(history).Findings.Count + PriceBaseline.Build(history).LotCount;
}
