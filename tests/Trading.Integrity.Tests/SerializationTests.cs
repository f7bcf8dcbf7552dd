using System.Text.Json;
using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

public class SerializationTests
{
    [Fact]
    public void A_report_round_trips_through_json_with_both_languages_and_string_grades()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 3 ? b with { ProjectManagerIdNumber = "PM000001" } : b);
        var report = IntegrityScreens.ScreenLot(lot);
        var json = JsonSerializer.Serialize(report);
        Assert.Contains("\"Grade\":\"Conclusive\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ZhCn\":", json, StringComparison.Ordinal);
        Assert.Contains("\"Status\":\"NotEnoughData\"", json, StringComparison.Ordinal);

        var back = JsonSerializer.Deserialize<LotScreenReport>(json)!;
        Assert.Equal(report.Findings.Select(f => f.Id), back.Findings.Select(f => f.Id));
        Assert.Equal(report.Findings[0].Explanation.ZhCn, back.Findings[0].Explanation.ZhCn);
        Assert.Equal(report.Outcomes.Select(o => (o.IndicatorId, o.Status)), back.Outcomes.Select(o => (o.IndicatorId, o.Status)));
    }
}
