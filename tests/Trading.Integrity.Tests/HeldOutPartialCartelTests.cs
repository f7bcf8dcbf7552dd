using Trading.Integrity.Simulation;

namespace Trading.Integrity.Tests;

/// <summary>Held-out markets of bench/results/collusion-screens.md (issue 20), screened once and shared.</summary>
public sealed class HeldOutMarkets
{
    /// <summary>
    /// Seeds never used to choose a threshold (H6's cohesive path was tuned on seeds 101-108): the first three of the six the
    /// bench measures, to keep the test near half a minute of CPU.
    /// </summary>
    public static readonly int[] Seeds = [301, 302, 303];

    public HeldOutMarkets()
    {
        // Documents off: the partial-cartel screens read prices only, and the markets stay as large as the (510 lots).
        Results = Seeds.AsParallel().AsOrdered().Select(seed =>
        {
            var market = MarketSimulator.Generate(new MarketOptions { Seed = seed, Years = 3, LotsPerYear = 170, HonestFirms = 100, WithDocuments = false });
            return (market, ScreenEvaluation.Evaluate(market));
        }).ToList();
    }

    public IReadOnlyList<(SimulatedMarket Market, EvaluationResult Result)> Results { get; }
}

/// <summary>
/// Promise of issue 20 on markets the thresholds never saw: the "+5 % when we meet" cartel is named by a history screen in
/// more than half of the held-out markets, no clean lot meets a false partial-cartel lead in more than 5 % of cases, and no
/// conclusive finding is false. The regional ring's recall is measured here too but stays below half (see the bench
/// results); this test fails if it silently drops to nothing or if the cartel's recall or the false-positive rate moves.
/// </summary>
public class HeldOutPartialCartelTests(HeldOutMarkets heldOut) : IClassFixture<HeldOutMarkets>
{
    private static readonly string[] PartialCartelScreens = ["H1", "H6", "H7", "H8"];

    private static bool Named(EvaluationResult result, CartelKind kind) =>
        result.Groups.Any(g => g.Kind == kind && g.FoundBy.Any(PartialCartelScreens.Contains));

    [Fact]
    public void The_five_percent_cartel_is_named_in_more_than_half_of_the_held_out_markets()
    {
        var named = heldOut.Results.Count(r => Named(r.Result, CartelKind.MeetingMarkup));
        Assert.True(named * 2 > heldOut.Results.Count, $"+5 % cartel named in {named} of {heldOut.Results.Count} held-out markets");
    }

    [Fact]
    public void The_regional_ring_is_still_named_somewhere()
    {
        var named = heldOut.Results.Count(r => Named(r.Result, CartelKind.RegionalRing));
        Assert.True(named >= 1, $"regional ring named in {named} of {heldOut.Results.Count} held-out markets");
    }

    [Fact]
    public void Fewer_than_five_percent_of_clean_lots_meet_a_false_partial_cartel_lead()
    {
        var clean = 0;
        var flagged = 0;
        foreach (var (market, result) in heldOut.Results)
        {
            var groups = market.Cases.Where(c => c.LotId is null).ToList();
            var cartelFirms = groups.SelectMany(c => c.FirmIds).ToHashSet(StringComparer.Ordinal);
            var falseLeads = result.HistoryFindings.Where(f => f.IndicatorId is "H6" or "H7" or "H8" &&
                !groups.Any(c => f.FirmIds.Count(c.FirmIds.Contains) >= Math.Min(2, f.FirmIds.Count))).ToList();
            var planted = market.Cases.Where(c => c.LotId is not null).Select(c => c.LotId!).ToHashSet(StringComparer.Ordinal);
            var ordered = market.Lots.OrderBy(l => l.OpenedAt).ToList();
            var cleanLots = ordered.Skip(ordered.Count / 3).Where(l => !planted.Contains(l.LotId) && l.Bids.All(b => !cartelFirms.Contains(b.FirmId))).ToList();
            Assert.Equal(result.CleanLots, cleanLots.Count);
            clean += cleanLots.Count;
            flagged += cleanLots.Count(l => falseLeads.Any(f => f.FirmIds.Count(id => l.Bids.Any(b => b.FirmId == id)) >= 2));
        }
        Assert.True(clean >= 100, $"only {clean} clean lots");
        Assert.True(flagged * 20 < clean, $"{flagged} of {clean} clean lots meet a false H6-H8 lead");
    }

    [Fact]
    public void No_conclusive_finding_is_false_in_a_held_out_market()
    {
        Assert.All(heldOut.Results, r => Assert.True(r.Result.FalseConclusive.Count == 0,
            string.Join("\n", r.Result.FalseConclusive.Select(f => $"seed {r.Market.Options.Seed} {f.Id}: {f.Explanation.En}"))));
        Assert.All(heldOut.Results, r => Assert.Empty(r.Result.MissedConclusive));
    }
}
