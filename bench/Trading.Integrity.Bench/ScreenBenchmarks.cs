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

    /// <summary>
    /// 300 bids of 300 different firms, taken from a simulated market with their documents (the smoke run,
    /// <see cref="Smoke"/>, takes fewer bids from a smaller market).
    /// </summary>
    internal static (OpenedLot Lot, ScreeningBaseline Baseline) Build(int bidCount = 300, int lotsPerYear = 400, int honestFirms = 420)
    {
        var market = MarketSimulator.Generate(new MarketOptions { Seed = 42, Years = 1, LotsPerYear = lotsPerYear, HonestFirms = honestFirms });
        var byFirm = market.Firms.ToDictionary(f => f.FirmId);
        var picked = market.Lots.SelectMany(l => l.Bids.Select(b => (Lot: l, Bid: b))).DistinctBy(x => x.Bid.FirmId).Take(bidCount).ToList();
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
    public int AllLotScreens300Bids() => Screen(lot, baseline).Findings.Count;

    /// <summary>What the benchmark times, for the smoke run to check the report too.</summary>
    internal static LotScreenReport Screen(OpenedLot lot, ScreeningBaseline baseline) => IntegrityScreens.ScreenLot(lot, baseline);
}

/// <summary>The history screens (H1-H4, and the price baseline H5 and PS use) on about 100,000 bids (goal: under 60 s).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class HistoryScreensBenchmark
{
    private MarketHistory history = null!;

    internal static MarketHistory Build() => Market().History;

    /// <summary>The simulated market of about 100,000 bids (the smoke run's is a few hundred lots).</summary>
    internal static SimulatedMarket Market(int years = 4, int lotsPerYear = 3400, int honestFirms = 900, int groups = 8) => MarketSimulator.Generate(new MarketOptions
    {
        Seed = 7, Years = years, LotsPerYear = lotsPerYear, HonestFirms = honestFirms, WithDocuments = false, RotationGroups = groups, CoverGroups = groups,
    });

    [GlobalSetup]
    public void Setup() => history = Build();

    [Benchmark]
    public int HistoryScreens100kBids() => Screen(history).Findings.Count + PriceBaseline.Build(history).LotCount;

    internal static HistoryScreenReport Screen(MarketHistory history) => IntegrityScreens.ScreenHistory(history);
}
