using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trading.Integrity.Documents;
using Trading.Integrity.Model;
using Trading.Integrity.Screens;

namespace Trading.Integrity.Simulation;

/// <summary>Quality of one indicator at one grade on one slice of lots.</summary>
/// <param name="Indicator">Indicator id.</param>
/// <param name="Grade">Grade of the findings and cases counted.</param>
/// <param name="Scope">"all", "thin" (3-4 bids), "regular" (5 or more), or "history".</param>
/// <param name="Planted">Planted cases expected at this indicator and grade.</param>
/// <param name="Detected">Of those, found.</param>
/// <param name="Findings">Findings of this indicator and grade.</param>
/// <param name="TruePositives">Findings that point at planted colluders.</param>
/// <param name="CleanUnits">Clean lots (lot screens) or honest firms (history screens).</param>
/// <param name="CleanUnitsFlagged">Of those, with at least one finding of this indicator and grade.</param>
public sealed record IndicatorMeasure(string Indicator, Grade Grade, string Scope, int Planted, int Detected, int Findings,
    int TruePositives, int CleanUnits, int CleanUnitsFlagged)
{
    /// <summary>Detected / planted (null when nothing was planted).</summary>
    public double? Recall => Planted == 0 ? null : (double)Detected / Planted;
    /// <summary>True positives / findings (null without findings).</summary>
    public double? Precision => Findings == 0 ? null : (double)TruePositives / Findings;
    /// <summary>Flagged clean units / clean units.</summary>
    public double? FalsePositiveRate => CleanUnits == 0 ? null : (double)CleanUnitsFlagged / CleanUnits;
}

/// <summary>Recall per planted kind.</summary>
public sealed record KindMeasure(CartelKind Kind, string Indicator, Grade Grade, int Planted, int Detected, int PlantedThin, int DetectedThin);

/// <summary>Outcome of measuring the screens on a simulated market.</summary>
public sealed record EvaluationResult(
    MarketOptions Market,
    int Lots,
    int CleanLots,
    int Bids,
    IReadOnlyList<IndicatorMeasure> Indicators,
    IReadOnlyList<KindMeasure> Kinds,
    IReadOnlyList<Finding> FalseConclusive,
    IReadOnlyList<PlantedCase> MissedConclusive,
    TimeSpan LotScreensTime,
    TimeSpan HistoryScreensTime,
    IReadOnlyList<Finding> HistoryFindings)
{
    /// <summary>Each persistent group planted (kind and firms) and the history screens that named two or more of its firms.</summary>
    public IReadOnlyList<(CartelKind Kind, IReadOnlyList<string> Firms, IReadOnlyList<string> FoundBy)> Groups { get; init; } = [];

    /// <summary>A markdown report (the tables recorded in docs and bench results).</summary>
    public string ToMarkdown()
    {
        static string P(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "–";
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Market: seed {Market.Seed}, {Market.Years} years × {Market.LotsPerYear} lots, {Market.HonestFirms} honest firms; {Lots} lots scored ({CleanLots} clean), {Bids} bids; documents {(Market.WithDocuments ? "on" : "off")}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Lot screens {LotScreensTime.TotalSeconds:0.0} s, history screens {HistoryScreensTime.TotalSeconds:0.00} s. False conclusive findings: {FalseConclusive.Count}; conclusive cases missed: {MissedConclusive.Count}.");
        sb.AppendLine();
        sb.AppendLine("| indicator | grade | scope | planted | found | recall | findings | true | precision | clean units | flagged | FP rate |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in Indicators)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Indicator} | {m.Grade} | {m.Scope} | {m.Planted} | {m.Detected} | {P(m.Recall)} | {m.Findings} | {m.TruePositives} | {P(m.Precision)} | {m.CleanUnits} | {m.CleanUnitsFlagged} | {P(m.FalsePositiveRate)} |");
        }
        sb.AppendLine();
        sb.AppendLine("| planted kind | indicator | grade | planted | found | planted in thin lots | found in thin lots |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var k in Kinds)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {k.Kind} | {k.Indicator} | {k.Grade} | {k.Planted} | {k.Detected} | {k.PlantedThin} | {k.DetectedThin} |");
        }
        sb.AppendLine();
        sb.AppendLine("| persistent group | firms | named by (history screens) |");
        sb.AppendLine("| --- | --- | --- |");
        foreach (var (kind, firms, by) in Groups)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {string.Join("+", firms)} | {(by.Count == 0 ? "–" : string.Join(", ", by))} |");
        }
        return sb.ToString();
    }
}

/// <summary>Measures precision, recall and the false-positive rate of every screen on a simulated market.</summary>
public static class ScreenEvaluation
{
    private static readonly string[] LotIndicators = ["L1", "L1b", "L2", "L3", "L4a", "L4b", "L5", "L6", "L7", "PS", "H5"];
    private static readonly string[] HistoryIndicators = ["H1", "H2", "H3", "H4", "H6", "H7", "H8"];

    /// <summary>
    /// Screens the market as a centre would live: the first <paramref name="warmUpShare"/> of lots (by opening time) is the
    /// imported history and is not scored; every later lot is screened with baselines built only from lots opened before it
    /// (documents added lot by lot, prices rebuilt every 25 lots), and the registry of every firm. The history screens run
    /// over the whole history, as a supervisor's look back would. Findings are then compared with the planted cases.
    /// </summary>
    public static EvaluationResult Evaluate(SimulatedMarket market, ScreenOptions? options = null, HistoryOptions? historyOptions = null,
        double warmUpShare = 1.0 / 3)
    {
        ArgumentNullException.ThrowIfNull(market);
        options ??= ScreenOptions.Default;
        var clock = Stopwatch.StartNew();
        var ordered = market.Lots.Select((lot, i) => (lot, i)).OrderBy(x => x.lot.OpenedAt).ThenBy(x => x.i).Select(x => x.lot).ToList();
        var warm = (int)(ordered.Count * warmUpShare);
        var historyById = market.History.Lots.ToDictionary(l => l.LotId, StringComparer.Ordinal);
        var registry = RegistryBaseline.Build(market.Firms);
        var documents = market.Options.WithDocuments ? new DocumentBaseline(options.ShingleSize) : null;
        PriceBaseline? prices = null;
        var reports = new List<LotScreenReport>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var lot = ordered[i];
            if (i >= warm)
            {
                if (prices is null || (i - warm) % 25 == 0)
                {
                    prices = PriceBaseline.Build(new MarketHistory(ordered.Take(i).Select(l => historyById[l.LotId]).ToList()), options.MinBaselineLots);
                }
                reports.Add(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(prices, documents, registry), options));
            }
            documents?.AddLot(lot);
        }
        var scored = ordered.Skip(warm).Select(l => l.LotId).ToHashSet(StringComparer.Ordinal);
        var lotTime = clock.Elapsed;
        clock.Restart();
        var history = IntegrityScreens.ScreenHistory(market.History, historyOptions);
        var historyTime = clock.Elapsed;

        var lotSize = market.Lots.ToDictionary(l => l.LotId, l => l.Bids.Count, StringComparer.Ordinal);
        var casesByLot = market.Cases.Where(c => c.LotId is not null && scored.Contains(c.LotId)).GroupBy(c => c.LotId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var historyCases = market.Cases.Where(c => c.LotId is null).ToList();
        // A clean lot has no planted case and no member of a persistent cartel among its bidders.
        var cartelFirms = historyCases.SelectMany(c => c.FirmIds).ToHashSet(StringComparer.Ordinal);
        var clean = market.Lots.Where(l => scored.Contains(l.LotId) && !casesByLot.ContainsKey(l.LotId) && l.Bids.All(b => !cartelFirms.Contains(b.FirmId)))
            .Select(l => l.LotId).ToHashSet(StringComparer.Ordinal);

        var lotFindings = reports.SelectMany(r => r.Findings).ToList();
        var allFindings = lotFindings.Concat(history.Findings).ToList();

        bool Matches(Finding f, PlantedCase c)
        {
            var overlap = f.FirmIds.Count(c.FirmIds.Contains);
            return f.Grade == Grade.Conclusive ? overlap == f.FirmIds.Count : overlap >= Math.Min(2, f.FirmIds.Count);
        }
        IEnumerable<PlantedCase> CasesFor(Finding f) =>
            f.LotId is { } lot ? casesByLot.GetValueOrDefault(lot) ?? [] : historyCases;
        bool IsTrue(Finding f) => CasesFor(f).Any(c => Matches(f, c));
        bool Detects(Finding f, PlantedCase c) =>
            f.IndicatorId == c.Indicator && f.LotId == c.LotId && (c.ExpectedGrade == Grade.Lead || f.Grade == Grade.Conclusive) && Matches(f, c);

        var findingsByLot = allFindings.Where(f => f.LotId is not null).GroupBy(f => f.LotId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var historyWide = allFindings.Where(f => f.LotId is null).ToList();
        bool Found(PlantedCase c) => (c.LotId is { } lot ? findingsByLot.GetValueOrDefault(lot) ?? [] : historyWide).Any(f => Detects(f, c));

        var plantedCases = market.Cases.Where(c => c.LotId is null || scored.Contains(c.LotId)).ToList();
        var measures = new List<IndicatorMeasure>();
        foreach (var indicator in LotIndicators)
        {
            foreach (var grade in new[] { Grade.Conclusive, Grade.Lead })
            {
                foreach (var scope in new[] { "all", "thin", "regular" })
                {
                    bool InScope(string? lotId) => lotId is null ? scope == "all" : scope switch
                    {
                        "thin" => lotSize[lotId] <= 4,
                        "regular" => lotSize[lotId] >= 5,
                        _ => true,
                    };
                    var cases = plantedCases.Where(c => c.Indicator == indicator && c.ExpectedGrade == grade && InScope(c.LotId)).ToList();
                    var findings = allFindings.Where(f => f.IndicatorId == indicator && f.Grade == grade && InScope(f.LotId)).ToList();
                    var cleanLots = clean.Where(l => InScope(l)).ToList();
                    var flagged = findings.Where(f => f.LotId is not null && clean.Contains(f.LotId)).Select(f => f.LotId!).Distinct().Count();
                    if (cases.Count == 0 && findings.Count == 0 && scope != "all")
                    {
                        continue;
                    }
                    if (cases.Count == 0 && findings.Count == 0 && !Defined(indicator, grade))
                    {
                        continue;
                    }
                    measures.Add(new IndicatorMeasure(indicator, grade, scope, cases.Count, cases.Count(Found), findings.Count,
                        findings.Count(IsTrue), cleanLots.Count, flagged));
                }
            }
        }
        var honestFirms = market.Firms.Select(f => f.FirmId).Where(id => !cartelFirms.Contains(id)).ToHashSet(StringComparer.Ordinal);
        foreach (var indicator in HistoryIndicators)
        {
            var cases = market.Cases.Where(c => c.Indicator == indicator).ToList();
            var findings = allFindings.Where(f => f.IndicatorId == indicator).ToList();
            var flaggedHonest = findings.Where(f => !IsTrue(f)).SelectMany(f => f.FirmIds).Where(honestFirms.Contains).Distinct().Count();
            measures.Add(new IndicatorMeasure(indicator, Grade.Lead, "history", cases.Count, cases.Count(Found), findings.Count,
                findings.Count(IsTrue), honestFirms.Count, flaggedHonest));
            // What a supervisor sees on a lot page: a false history finding naming two or more of a clean lot's bidders.
            var falseFindings = findings.Where(f => !IsTrue(f)).ToList();
            var flaggedLots = market.Lots.Where(l => clean.Contains(l.LotId)).Count(l =>
            {
                var bidders = l.Bids.Select(b => b.FirmId).ToHashSet(StringComparer.Ordinal);
                return falseFindings.Any(f => f.FirmIds.Count(bidders.Contains) >= 2);
            });
            measures.Add(new IndicatorMeasure(indicator, Grade.Lead, "history-lots", cases.Count, cases.Count(Found), findings.Count,
                findings.Count(IsTrue), clean.Count, flaggedLots));
        }

        var kinds = plantedCases.Where(c => c.Indicator.Length > 0).GroupBy(c => (c.Kind, c.Indicator, c.ExpectedGrade))
            .Select(g => new KindMeasure(g.Key.Kind, g.Key.Indicator, g.Key.ExpectedGrade, g.Count(), g.Count(Found),
                g.Count(c => c.LotId is not null && lotSize[c.LotId] <= 4), g.Count(c => c.LotId is not null && lotSize[c.LotId] <= 4 && Found(c))))
            .OrderBy(k => k.Kind).ThenBy(k => k.Indicator, StringComparer.Ordinal).ToList();

        var falseConclusive = allFindings.Where(f => f.Grade == Grade.Conclusive && !IsTrue(f)).ToList();
        var missed = plantedCases.Where(c => c.ExpectedGrade == Grade.Conclusive && !Found(c)).ToList();
        return new EvaluationResult(market.Options, scored.Count, clean.Count, market.Lots.Where(l => scored.Contains(l.LotId)).Sum(l => l.Bids.Count), measures, kinds,
            falseConclusive, missed, lotTime, historyTime, history.Findings)
        {
            Groups = historyCases.GroupBy(c => (c.Kind, string.Join("+", c.FirmIds))).Select(g =>
            {
                var c = g.First();
                IReadOnlyList<string> by = history.Findings.Where(f => f.FirmIds.Count(c.FirmIds.Contains) >= 2).Select(f => f.IndicatorId)
                    .Distinct().Order(StringComparer.Ordinal).ToList();
                return (c.Kind, c.FirmIds, by);
            }).ToList(),
        };
    }

    private static bool Defined(string indicator, Grade grade) => (indicator, grade) switch
    {
        ("L1b" or "L4b" or "PS" or "H5", Grade.Conclusive) => false,
        ("L2" or "L3" or "L5" or "L6", Grade.Lead) => false,
        _ => true,
    };
}
