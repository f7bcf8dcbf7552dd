using System.Text;
using Trading.Integrity.Import;
using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

/// <summary>The history importer on real files (tests/Trading.Integrity.Tests/Data), as a centre would export them.</summary>
public class ImportTests
{
    private static FileStream Data(string name) => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Data", name));

    [Fact]
    public void A_csv_with_chinese_headers_gives_lots_with_estimate_control_price_region_buyer_and_winner_and_skips_bad_rows_with_reasons()
    {
        using var file = Data("past-results.csv");
        var import = HistoryImporter.ReadCsv(file);
        Assert.Equal(2, import.History.Lots.Count);
        var first = import.History.Lots[0];
        Assert.Equal(("ZB-2024-001-1", "works/roads", "R01", "BUY-1"), (first.LotId, first.Category, first.Region, first.Buyer));
        Assert.Equal((1_080_000m, 1_000_000m), (first.ControlPrice!.Value, first.Estimate!.Value));
        Assert.Equal("F01", first.WinnerFirmId);
        Assert.Equal(HistoricBidStatus.Rejected, first.Bids.Single(b => b.FirmId == "F03").Status);
        var second = import.History.Lots[1];
        Assert.Null(second.ControlPrice);
        Assert.Equal(HistoricBidStatus.WithdrawnAfterDeadline, second.Bids.Single(b => b.FirmId == "F04").Status);
        Assert.Equal(5, import.Bids);
        Assert.Equal(2, import.Skipped.Count);
        Assert.Contains(import.Skipped, s => s.Reason == HistorySkip.Price && s.Value == "not-a-price" && s.Line is > 1);
        Assert.Contains(import.Skipped, s => s.Reason == HistorySkip.Status && s.ToString().Contains("\"lost\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_csv_without_a_price_column_is_refused_naming_the_rule()
    {
        using var csv = new MemoryStream(Encoding.UTF8.GetBytes("lot_id,firm_id,opened_at\nL1,F1,2024-01-01\n"));
        var e = Assert.Throws<IntegrityInputException>(() => HistoryImporter.ReadCsv(csv));
        Assert.Equal("history.csv.column-missing", e.Rule);
        Assert.Contains("price", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ocds_release_package_is_merged_per_process_into_lots_with_bids_winners_and_values()
    {
        using var file = Data("ocds-release-package.json");
        var import = HistoryImporter.ReadOcds(file);
        var lots = import.History.Lots.ToDictionary(l => l.LotId);
        Assert.Equal(2, lots.Count);
        var lot1 = lots["ocds-abc123-ZB-2024-010/1"];
        Assert.Equal(("works", "R03", "BUY-7", "F01"), (lot1.Category, lot1.Region, lot1.Buyer, lot1.WinnerFirmId));
        Assert.Equal(2_000_000m, lot1.Estimate);
        Assert.Equal(3, lot1.Bids.Count);
        Assert.Equal(HistoricBidStatus.Rejected, lot1.Bids.Single(b => b.FirmId == "F03").Status);
        var lot2 = lots["ocds-abc123-ZB-2024-010/2"];
        Assert.Equal("F04", lot2.WinnerFirmId);   // the cancelled award does not count
        Assert.Equal(2, lot2.Bids.Count);
        Assert.Contains(import.Skipped, s => s.Reason == HistorySkip.BidIncomplete && s.Value == "b6");
        Assert.Contains(import.Skipped, s => s.Reason == HistorySkip.NoBids && s.ToString().Contains("ZB-2024-011", StringComparison.Ordinal) && s.ToString().Contains("bids extension", StringComparison.Ordinal));
    }

    [Fact]
    public void Not_json_or_not_a_package_is_refused()
    {
        Assert.Equal("history.ocds.json", Assert.Throws<IntegrityInputException>(() => HistoryImporter.ReadOcds(new MemoryStream("lot,price"u8.ToArray()))).Rule);
        Assert.Equal("history.ocds.package", Assert.Throws<IntegrityInputException>(() => HistoryImporter.ReadOcds(new MemoryStream("{\"a\":1}"u8.ToArray()))).Rule);
    }

    [Fact]
    public void An_imported_history_gives_the_price_screens_their_baseline_on_day_one()
    {
        var lots = Enumerable.Range(0, 40).Select(k => string.Join('\n', Enumerable.Range(1, 5).Select(i =>
            $"L{k},2024-01-{k % 28 + 1:D2},works/roads,F{i},{1_000_000 + i * 21_000 + k * 300}"))).ToList();
        using var csv = new MemoryStream(Encoding.UTF8.GetBytes("lot_id,opened_at,category,firm_id,price\n" + string.Join('\n', lots)));
        var import = HistoryImporter.ReadCsv(csv);
        var baseline = new ScreeningBaseline(Screens.PriceBaseline.Build(import.History), null);
        var report = IntegrityScreens.ScreenLot(TestLots.Lot(5), baseline);
        Assert.Equal(ScreenStatus.Ran, report.Outcomes.Single(o => o.IndicatorId == "PS.distribution").Status);
        Assert.All(report.PriceScreens.Where(p => p.Value is not null), p => Assert.Equal(40, p.BaselineSize));
    }
}
