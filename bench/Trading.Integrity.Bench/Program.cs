using System.Globalization;
using BenchmarkDotNet.Running;
using Trading.Integrity.Simulation;

// "measure [seed] [years] [lotsPerYear]" prints the quality tables of the screens on a simulated market;
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "measure")
{
    var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20260101;
    var years = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
    var perYear = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 300;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var docs = !(args.Length > 4 && args[4] == "nodocs");
    var firms = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 160;
    var market = MarketSimulator.Generate(new MarketOptions { Seed = seed, Years = years, LotsPerYear = perYear, WithDocuments = docs, HonestFirms = firms });
    Console.Error.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s");
    // MARKUP="pairT,groupT,minDiff" tries other H6 thresholds (tuning seeds only).
    var historyOptions = Environment.GetEnvironmentVariable("MARKUP") is { } mk && mk.Split(',') is [var pt, var gt, var md]
        ? new Trading.Integrity.HistoryOptions
        {
            MarkupPairMinT = double.Parse(pt, CultureInfo.InvariantCulture), MarkupGroupMinT = double.Parse(gt, CultureInfo.InvariantCulture),
            MarkupMinDifference = double.Parse(md, CultureInfo.InvariantCulture),
        }
        : null;
    var result = ScreenEvaluation.Evaluate(market, historyOptions: historyOptions);
    foreach (var f in result.HistoryFindings.Where(f => f.IndicatorId is "H6" or "H7" or "H8"))
    {
        Console.WriteLine($"{f.IndicatorId} finding: {string.Join("+", f.FirmIds)} {f.Explanation.En}");
    }
    foreach (var c in market.Cases.Where(c => c.Indicator == "H6"))
    {
        Console.WriteLine($"H6 planted: {c.Kind} {string.Join("+", c.FirmIds)}");
        if (Environment.GetEnvironmentVariable("DEBUG_H6") is not null)
        {
            var tog = new List<double>(); var apart = new List<double>();
            foreach (var l in market.History.Lots.Where(l => l.Estimate > 0))
            {
                var inside = l.Bids.Where(b => c.FirmIds.Contains(b.FirmId)).ToList();
                var outside = l.Bids.Where(b => !c.FirmIds.Contains(b.FirmId)).ToList();
                if (inside.Count == 0 || outside.Count == 0) continue;
                var ctrl = outside.Average(b => Math.Log((double)(b.Price / l.Estimate!.Value)));
                foreach (var b in inside) (inside.Count >= 2 ? tog : apart).Add(Math.Log((double)(b.Price / l.Estimate!.Value)) - ctrl);
            }
            Console.WriteLine($"  raw: together {tog.Count} mean {tog.DefaultIfEmpty().Average():0.0000}, apart {apart.Count} mean {apart.DefaultIfEmpty().Average():0.0000}");
        }
    }
    Console.WriteLine(result.ToMarkdown());
    if (Environment.GetEnvironmentVariable("SHOW") is { } show)
    {
        var pb = Trading.Integrity.Screens.PriceBaseline.Build(market.History);
        var cases = market.Cases.Where(c => c.LotId != null).ToLookup(c => c.LotId);
        foreach (var lot in market.Lots)
        {
            var r = Trading.Integrity.IntegrityScreens.ScreenLot(lot, new Trading.Integrity.ScreeningBaseline(pb, null));
            foreach (var f in r.Findings.Where(f => f.IndicatorId == show))
            {
                Console.WriteLine($"{f.Id} n={lot.Bids.Count} cases=[{string.Join(",", cases[lot.LotId].Select(c => c.Kind + ":" + string.Join("+", c.FirmIds)))}] {f.Explanation.En}");
            }
        }
    }
    foreach (var f in result.FalseConclusive.Take(10))
    {
        Console.WriteLine($"FALSE CONCLUSIVE: {f.Id} {f.Explanation.En}");
    }
    foreach (var c in result.MissedConclusive.Take(10))
    {
        Console.WriteLine($"MISSED: {c}");
    }
    return;
}

if (args.Length > 0 && args[0] == "ring-probe")
{
    Trading.Integrity.Bench.RingProbe.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "heldout")
{
    Trading.Integrity.Bench.HeldOut.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "sizes")
{
    // Quick wall-clock check of the two benchmark inputs without BenchmarkDotNet.
    var (lot, baseline) = Trading.Integrity.Bench.LotScreensBenchmark.Build();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var report = Trading.Integrity.IntegrityScreens.ScreenLot(lot, baseline);
    Console.WriteLine($"lot of {lot.Bids.Count} bids: {clock.Elapsed.TotalMilliseconds:0} ms (first run), {report.Findings.Count} findings");
    clock.Restart();
    Trading.Integrity.IntegrityScreens.ScreenLot(lot, baseline);
    Console.WriteLine($"lot of {lot.Bids.Count} bids: {clock.Elapsed.TotalMilliseconds:0} ms (second run)");
    clock.Restart();
    var atts = lot.Bids.SelectMany(b => b.Attachments).ToList();
    var docs = atts.Select(Trading.Integrity.Documents.AttachmentReader.Read).ToList();
    Console.WriteLine($"read {atts.Count} attachments: {clock.Elapsed.TotalMilliseconds:0} ms; pdf {atts.Count(a => a.FileName.EndsWith(".pdf"))}");
    clock.Restart();
    foreach (var d in docs) Trading.Integrity.Documents.Shingles.Tokenize(d, 8);
    Console.WriteLine($"tokenize: {clock.Elapsed.TotalMilliseconds:0} ms");
    clock.Restart();
    Trading.Integrity.IntegrityScreens.ScreenLot(lot with { Bids = lot.Bids.Select(b => b with { Attachments = [] }).ToList() }, baseline);
    Console.WriteLine($"no attachments: {clock.Elapsed.TotalMilliseconds:0} ms");
    var fl = new List<Trading.Integrity.Finding>(); var ol = new List<Trading.Integrity.ScreenOutcome>();
    void T(string name, Action a) { var c = System.Diagnostics.Stopwatch.StartNew(); a(); Console.WriteLine($"{name}: {c.Elapsed.TotalMilliseconds:0} ms"); }
    T("machine", () => Trading.Integrity.Screens.LegalScreens.MachineScreen(lot, fl, ol));
    T("upload", () => Trading.Integrity.Screens.LegalScreens.UploadScreen(lot, Trading.Integrity.ScreenOptions.Default, fl, ol));
    T("agent", () => Trading.Integrity.Screens.LegalScreens.AgentScreen(lot, null, Trading.Integrity.ScreenOptions.Default, fl, ol));
    T("person", () => Trading.Integrity.Screens.LegalScreens.PersonScreen(lot, fl, ol));
    T("bond", () => Trading.Integrity.Screens.LegalScreens.BondScreen(lot, fl, ol));
    T("relation", () => Trading.Integrity.Screens.LegalScreens.RelationScreen(lot, Trading.Integrity.ScreenOptions.Default, fl, ol));
    T("price", () => Trading.Integrity.Screens.PriceScreens.Run(lot, baseline.Prices, Trading.Integrity.ScreenOptions.Default, fl, ol));
    var history = Trading.Integrity.Bench.HistoryScreensBenchmark.Build();
    clock.Restart();
    var h = Trading.Integrity.IntegrityScreens.ScreenHistory(history);
    var pb = Trading.Integrity.Screens.PriceBaseline.Build(history);
    Console.WriteLine($"history of {history.Lots.Sum(l => l.Bids.Count)} bids in {history.Lots.Count} lots: {clock.Elapsed.TotalMilliseconds:0} ms, {h.Findings.Count} findings, {pb.LotCount} baseline lots");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
