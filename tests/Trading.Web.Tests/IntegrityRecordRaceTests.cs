using System.Net;
using Trading.Domain.Integrity;
using Trading.Domain.Supervision;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>A confirmed finding gives one bad-behaviour record per firm, even when several requests make it at once.</summary>
public class IntegrityRecordRaceTests(PostgresServer pg) : WebTest(pg)
{
    private async Task<HttpClient> SignInAsync()
    {
        var c = await Browser.SignInAsync(App, "supervisor");
        var r = await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return c;
    }

    [Fact]
    public async Task Simultaneous_record_requests_for_one_finding_and_firm_make_exactly_one_record_and_refuse_the_rest_with_the_rule()
    {
        var finding = App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Grade == FindingGrade.Conclusive && f.IndicatorId == "L6"));
        var page = $"/Integrity/Finding/{finding.Id}";
        var first = await SignInAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(first, page, $"{page}?handler=Decide",
            new Dictionary<string, string> { ["Decide.Decision"] = "Confirmed", ["Decide.Reason"] = "银行流水证实同一账户" })).StatusCode);

        // Several supervisors' browsers, each past the "already recorded" check before any of them has saved.
        var clients = new List<HttpClient> { first };
        for (var i = 0; i < 3; i++) clients.Add(await SignInAsync());
        var form = new Dictionary<string, string>
        {
            ["Record.FirmId"] = finding.Firms[0].ToString(), ["Record.Facts"] = "同一账户缴纳保证金",
            ["Record.RuleBroken"] = "招标投标法实施条例第四十条", ["Record.Sanction"] = "Warning",
        };
        // Every entry, not a type: an unpublished warning is logged as a sealed commitment (docs/public-log.md), and the
        // refused requests must add nothing at all.
        int Created() => App.WithDb(db => db.LogEntries.Count());
        var before = Created();
        var responses = await Task.WhenAll(clients.Select(c => Browser.PostFormAsync(c, page, $"{page}?handler=Record", form)));

        var reference = IntegrityService.FindingRefPrefix + finding.Id;
        Assert.Single(App.WithDb(db => db.Set<BadBehaviourRecord>().Where(r => r.CollusionFindingRef == reference).ToList()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Redirect))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("already has a record", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(before + 1, Created());
    }
}
