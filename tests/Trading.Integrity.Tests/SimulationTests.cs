using Trading.Integrity.Documents;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Tests;

/// <summary>One seeded market with documents, screened once and shared by the tests below.</summary>
public sealed class SeededMarket
{
    public SeededMarket()
    {
        Market = MarketSimulator.Generate(new MarketOptions { Seed = 20260101, Years = 2, LotsPerYear = 220 });
        Result = ScreenEvaluation.Evaluate(Market);
    }

    public SimulatedMarket Market { get; }
    public EvaluationResult Result { get; }
}

public class SimulationTests(SeededMarket seeded) : IClassFixture<SeededMarket>
{
    private static readonly string[] ConclusiveIndicators = ["L1", "L2", "L3", "L4a", "L5", "L6", "L7"];

    [Fact]
    public void Same_seed_gives_the_same_market_and_another_seed_does_not()
    {
        var options = new MarketOptions { Seed = 5, Years = 1, LotsPerYear = 40, HonestFirms = 60, RotationGroups = 1, CoverGroups = 1, RelatedPairs = 3, WithdrawalPairs = 1 };
        static string Fingerprint(SimulatedMarket m) => string.Join("|", m.Lots.SelectMany(l => l.Bids).Select(b =>
            $"{b.BidId}:{b.FirmId}:{b.Price}:{string.Join(",", b.Attachments.Select(a => AttachmentReader.Read(a).Sha256[..8]))}"))
            + string.Join("|", m.Cases);
        var a = MarketSimulator.Generate(options);
        var b = MarketSimulator.Generate(options);
        var c = MarketSimulator.Generate(options with { Seed = 6 });
        Assert.Equal(Fingerprint(a), Fingerprint(b));
        Assert.NotEqual(Fingerprint(a), Fingerprint(c));
    }

    [Fact]
    public void Every_kind_of_cartel_is_planted()
    {
        var kinds = seeded.Market.Cases.Select(c => c.Kind).ToHashSet();
        Assert.All(Enum.GetValues<CartelKind>(), k => Assert.Contains(k, kinds));
        Assert.Contains(seeded.Market.Lots, l => l.Bids.Count <= 4);
    }

    [Fact]
    public void Every_conclusive_indicator_finds_every_planted_case()
    {
        Assert.Empty(seeded.Result.MissedConclusive);
        foreach (var id in ConclusiveIndicators)
        {
            var m = seeded.Result.Indicators.Single(x => x.Indicator == id && x.Grade == Grade.Conclusive && x.Scope == "all");
            Assert.True(m.Planted > 0, $"{id}: nothing planted");
            Assert.Equal(m.Planted, m.Detected);
        }
    }

    [Fact]
    public void No_conclusive_finding_is_false()
    {
        Assert.Empty(seeded.Result.FalseConclusive);
        Assert.All(seeded.Result.Indicators.Where(m => m.Grade == Grade.Conclusive && m.Scope != "history"),
            m => Assert.Equal(0, m.CleanUnitsFlagged));
    }

    [Fact]
    public void Lead_screens_report_precision_recall_and_false_positive_rate_with_thin_lots_apart()
    {
        var leads = seeded.Result.Indicators.Where(m => m.Grade == Grade.Lead).ToList();
        Assert.Contains(leads, m => m.Scope == "thin");
        Assert.Contains(leads, m => m.Scope == "regular");
        Assert.All(leads.Where(m => m.Scope == "all"), m => Assert.NotNull(m.FalsePositiveRate));
        var markdown = seeded.Result.ToMarkdown();
        Assert.Contains("| L4a | Lead | thin |", markdown, StringComparison.Ordinal);
        Assert.Contains("| H3 | Lead | history |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_finding_explains_itself_in_both_languages()
    {
        var findings = seeded.Market.Lots.Take(120).SelectMany(l => IntegrityScreens.ScreenLot(l).Findings)
            .Concat(IntegrityScreens.ScreenHistory(seeded.Market.History).Findings).ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f =>
        {
            Assert.DoesNotContain("{", f.Explanation.En, StringComparison.Ordinal);
            Assert.DoesNotContain("{", f.Explanation.ZhCn, StringComparison.Ordinal);
            // A nested message key ("@c.mac") must have been rendered, not shown.
            Assert.DoesNotMatch(@"@(c|a|r|p|m|s|field)\.[a-z]", f.Explanation.ZhCn);
            Assert.DoesNotMatch(@"@(c|a|r|p|m|s|field)\.[a-z]", f.Explanation.En);
            Assert.Contains(f.Explanation.ZhCn, c => c >= '\u4E00' && c <= '\u9FFF');
            Assert.NotEmpty(f.Evidence);
            Assert.NotEmpty(f.FirmIds);
        });
    }
}

public class MessagesTests
{
    [Fact]
    public void Every_message_has_both_languages_with_the_same_placeholders()
    {
        foreach (var (key, (en, zh)) in Messages.Table)
        {
            Assert.False(string.IsNullOrWhiteSpace(en), key);
            Assert.Contains(zh, c => c >= '\u4E00' && c <= '\u9FFF');
            var holders = new System.Text.RegularExpressions.Regex(@"\{(\d+)\}");
            Assert.Equal(holders.Matches(en).Select(m => m.Value).Distinct().Order(), holders.Matches(zh).Select(m => m.Value).Distinct().Order());
        }
    }

    [Fact]
    public void Nested_keys_render_in_the_same_language()
    {
        var text = LocalizedText.Of("nodata.field", "@field.bond");
        Assert.Equal("Not enough data: fewer than two bids carry a bond payment.", text.En);
        Assert.Contains("保证金缴纳记录", text.ZhCn, StringComparison.Ordinal);
        Assert.Equal(text.ZhCn, text.For("zh-CN"));
        Assert.Equal(text.En, text.For("en-GB"));
    }
}

/// <summary>
/// Promise 3 on markets the thresholds never saw: the defaults were chosen on tuning seeds 101 and 102
/// (bench "measure"), and these held-out seeds, full of honest look-alikes (template vendors, makers' brochures,
/// registration agencies, consultants, sister companies, staff who move, software defaults, reference lines naming
/// competitors), must produce no conclusive finding against a firm that did not collude.
/// </summary>
public class HeldOutSeedTests
{
    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(203)]
    public void No_false_conclusive_finding_on_a_held_out_seed_with_look_alikes(int seed)
    {
        var market = MarketSimulator.Generate(new MarketOptions { Seed = seed, Years = 2, LotsPerYear = 120, HonestFirms = 70, PlantedLotShare = 0.15 });
        var result = ScreenEvaluation.Evaluate(market);
        Assert.True(result.Lots >= 150, $"scored {result.Lots} lots");
        // The look-alikes are really there: shared files, agency contacts and competitor names do occur.
        var leads = result.Indicators.Where(m => m.Grade == Grade.Lead && m.Scope == "all" && m.Indicator is "L2" or "L4a" or "L5").Sum(m => m.Findings - m.TruePositives);
        Assert.True(leads > 0, "no honest look-alike produced even a lead: the simulator lost them");
        Assert.True(result.FalseConclusive.Count == 0,
            string.Join("\n", result.FalseConclusive.Select(f => $"{f.Id}: {f.Explanation.En}")));
        Assert.Empty(result.MissedConclusive);
    }
}
