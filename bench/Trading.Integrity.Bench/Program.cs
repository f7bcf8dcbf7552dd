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
    var market = MarketSimulator.Generate(new MarketOptions { Seed = seed, Years = years, LotsPerYear = perYear });
    Console.Error.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s");
    var result = ScreenEvaluation.Evaluate(market);
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

if (args.Length > 0 && args[0] == "profile")
{
    var c = System.Diagnostics.Stopwatch.StartNew();
    var m0 = MarketSimulator.Generate(new MarketOptions { Seed = 1, Years = 1, LotsPerYear = 250, WithDocuments = false });
    Console.WriteLine($"no docs: {c.Elapsed.TotalSeconds:0.00}");
    c.Restart();
    var m1 = MarketSimulator.Generate(new MarketOptions { Seed = 1, Years = 1, LotsPerYear = 250 });
    Console.WriteLine($"docs: {c.Elapsed.TotalSeconds:0.00}");
    foreach (var ext in new[] { ".txt", ".docx", ".pdf" })
    {
        var atts = m1.Lots.SelectMany(l => l.Bids).SelectMany(b => b.Attachments).Where(a => a.FileName.EndsWith(ext, StringComparison.Ordinal)).Take(200).ToList();
        c.Restart();
        foreach (var a in atts) Trading.Integrity.Documents.AttachmentReader.Read(a);
        Console.WriteLine($"{ext}: {atts.Count} in {c.Elapsed.TotalMilliseconds:0} ms");
    }
    var pdfs = m1.Lots.SelectMany(l => l.Bids).SelectMany(b => b.Attachments).Where(a => a.FileName.EndsWith(".pdf", StringComparison.Ordinal)).Take(100).ToList();
    c.Restart();
    var chars = 0;
    foreach (var a in pdfs)
    {
        using var d = UglyToad.PdfPig.PdfDocument.Open(a.Content.ToArray());
        foreach (var pg in d.GetPages()) chars += pg.Text.Length;
    }
    Console.WriteLine($"page.Text: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    foreach (var a in pdfs) { using var d = UglyToad.PdfPig.PdfDocument.Open(a.Content.ToArray()); chars += d.NumberOfPages; }
    Console.WriteLine($"open only: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    foreach (var a in pdfs) { using var d = UglyToad.PdfPig.PdfDocument.Open(a.Content.ToArray()); chars += d.GetPage(1).Letters.Count; }
    Console.WriteLine($"open+page1 letters: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    foreach (var a in pdfs) { using var d = UglyToad.PdfPig.PdfDocument.Open(a.Content.ToArray()); chars += d.Information.Author?.Length ?? 0; }
    Console.WriteLine($"open+info: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    foreach (var a in pdfs) Trading.Integrity.Documents.AttachmentReader.Read(a);
    Console.WriteLine($"reader again: {c.Elapsed.TotalMilliseconds:0} ms");
    Console.WriteLine(Trading.Integrity.Documents.AttachmentReader.Read(pdfs[0]).Pages[0].Text[..300]);
    Console.WriteLine(string.Join(";", Trading.Integrity.Documents.AttachmentReader.Read(pdfs[0]).Metadata));
    c.Restart();
    for (var i = 0; i < 50; i++) MarketSimulator.Pdf(["hello world lorem ipsum dolor sit amet", "second paragraph"], "x");
    Console.WriteLine($"build 50 pdf: {c.Elapsed.TotalMilliseconds:0} ms");
    var lf = new Bogus.Faker("en") { Random = new Bogus.Randomizer(3) };
    c.Restart();
    var paras = Enumerable.Range(0, 20).Select(_ => string.Join(' ', lf.Lorem.Words(20))).ToList();
    Console.WriteLine($"lorem 20x20: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    for (var i = 0; i < 50; i++) MarketSimulator.Pdf(paras, "x");
    Console.WriteLine($"build 50 real pdf: {c.Elapsed.TotalMilliseconds:0} ms");
    c.Restart();
    for (var i = 0; i < 50; i++) MarketSimulator.Docx(paras, "x");
    Console.WriteLine($"build 50 docx: {c.Elapsed.TotalMilliseconds:0} ms");
    var zf = new Bogus.Faker("zh_CN") { Random = new Bogus.Randomizer(3) };
    c.Restart();
    for (var i = 0; i < 1000; i++) zf.Name.FullName();
    Console.WriteLine($"1000 names: {c.Elapsed.TotalMilliseconds:0} ms");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
