using Microsoft.Playwright;
using Trading.Domain.Integrity;
using Trading.Domain.Supervision;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class IntegrityBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task A_supervisor_reads_a_finding_with_its_evidence_confirms_it_with_a_reason_and_records_bad_behaviour()
    {
        var l6 = App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.IndicatorId == "L6" && f.Grade == FindingGrade.Conclusive));
        var page = await NewPageAsync();
        await SignInAsync(page, "supervisor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Oversight", Exact = true }).ClickAsync(); // the oversight group of the menu
        await page.GetByRole(AriaRole.Link, new() { Name = "Collusion screens", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Collusion screens");
        await page.GetByTestId("overview-row").Filter(new() { Has = page.Locator($"a[href='/Integrity/Tender/{l6.TenderId}']") }).GetByRole(AriaRole.Link).First.ClickAsync();

        // The lot's findings with grade badges, the price chart, and the screens that lacked data.
        var row = page.GetByTestId("finding").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "L6" }) });
        await Assertions.Expect(row).ToContainTextAsync("Conclusive");
        await Assertions.Expect(row).ToContainTextAsync("were paid from the same account");
        await Assertions.Expect(page.GetByTestId("price-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("not-enough-data")).ToContainTextAsync("H3");

        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("grade")).ToHaveTextAsync("Conclusive");
        var evidence = page.GetByRole(AriaRole.Table, new() { Name = "Evidence: values, passages, files and pages" });
        await Assertions.Expect(evidence).ToContainTextAsync("bond account");
        await Assertions.Expect(evidence).ToContainTextAsync("35001880000002222");

        // Refused without a reason, saved with one.
        await page.GetByLabel("Confirmed").CheckAsync();
        await page.GetByTestId("decide").ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("Give a reason for the decision");
        await page.GetByLabel("Confirmed").CheckAsync();
        await page.GetByLabel("Reason", new() { Exact = true }).FillAsync("Bank statements show both bonds left account 35001 8800 0000 2222.");
        await page.GetByTestId("decide").ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("Decision saved: Confirmed.");
        await Assertions.Expect(page.GetByTestId("decision")).ToContainTextAsync("Confirmed");
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.Type == "integrity.finding.decided").ToList()));

        // The record form starts from the finding; the record links back to it.
        await Assertions.Expect(page.GetByLabel("Facts")).Not.ToBeEmptyAsync();
        await page.GetByTestId("record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("2026-");
        await page.GetByTestId("records").GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("record-number")).ToContainTextAsync("Bad-behaviour record 2026-");
        var record = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(r => r.CollusionFindingRef == IntegrityService.FindingRefPrefix + l6.Id));
        Assert.Contains(record.SubjectId, l6.Firms);
        Assert.Equal(SanctionKind.Warning, record.Sanction);
    }
}
