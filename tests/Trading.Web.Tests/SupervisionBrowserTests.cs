using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain.Supervision;
using Trading.Web.Features.Supervision;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class SupervisionBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task A_supervisor_filters_the_dashboard_by_red_downloads_the_csv_and_records_a_suspension()
    {
        await App.RunJobAsync<SupervisionJob>(); // the demo's late limits turn red and yellow and give the chart its counts
        var page = await NewPageAsync();
        await SignInAsync(page, "supervisor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Oversight", Exact = true }).ClickAsync(); // the oversight group of the menu
        await page.GetByRole(AriaRole.Link, new() { Name = "Supervision", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Electronic supervision");
        // The chart drew from the counts (the table beside it carries the same numbers).
        await page.WaitUntilAsync("() => window.Chart && Chart.getChart('counts-chart') !== undefined");

        await page.GetByLabel("Status").SelectOptionAsync("Red");
        await page.GetByTestId("filter").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("Colour=Red", StringComparison.Ordinal));
        var rows = page.GetByTestId("limits").Locator("tbody tr[data-colour]");
        Assert.True(await rows.CountAsync() > 0);
        foreach (var c in await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.colour)"))
            Assert.Equal("red", c);
        await Assertions.Expect(page.GetByTestId("limits")).ToContainTextAsync("Red: overdue");
        await Assertions.Expect(page.GetByTestId("limits")).Not.ToContainTextAsync("Yellow: warning");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var saved = Path.Combine(App.DataDirectory, "dashboard.csv");
        await download.SaveAsAsync(saved);
        var bytes = await File.ReadAllBytesAsync(saved);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("Tender or firm,", csv, StringComparison.Ordinal);
        Assert.Contains("示范市滨江绿道景观提升工程", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("Yellow: warning", csv.Split("\r\n\r\n")[0], StringComparison.Ordinal);

        // Record a suspension through the form: refused without a reason, saved with one.
        var firm = App.WithDb(db => db.Users.Include(u => u.Organisation).First(u => u.UserName == "bidder06").Organisation!);
        await page.GotoAsync("/Supervision/Records");
        await page.GetByTestId("new-record").ClickAsync();
        await page.GetByLabel("Subject").SelectOptionAsync($"Firm:{firm.Id}");
        await page.GetByLabel("Facts").FillAsync("Bid documents of three firms were written on the same computer.");
        await page.GetByLabel("Rule broken").FillAsync("招标投标法实施条例第四十条");
        await page.GetByLabel("Suspension from trading").CheckAsync();
        var today = TimeZoneInfo.ConvertTimeFromUtc(App.Clock.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        await page.GetByLabel("Suspension from (date)").FillAsync(today.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Suspension until (last day)").FillAsync(today.AddDays(180).ToString("yyyy-MM-dd"));
        await page.GetByTestId("save-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("A suspension needs a reason.");
        await Assertions.Expect(page.GetByLabel("Facts")).ToHaveValueAsync("Bid documents of three firms were written on the same computer.");

        await page.GetByLabel("Reason for the suspension").FillAsync("Collusive bidding");
        await page.GetByTestId("save-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("record-number")).ToContainTextAsync("Bad-behaviour record 2026-");
        await Assertions.Expect(page.GetByTestId("in-force")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("subject")).ToContainTextAsync(firm.Name);
        var record = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(r => r.SubjectId == firm.Id));
        Assert.Equal("Collusive bidding", record.SuspensionReason);

        // The firm's user sees why when it tries to obtain documents.
        var bidder = await NewPageAsync();
        await SignInAsync(bidder, "bidder06");
        var tender = App.WithDb(db => db.Tenders.First(t => t.Step == Trading.Domain.LifecycleStep.NoticePublished && t.BidDeadline > App.Clock.GetUtcNow().UtcDateTime));
        await bidder.GotoAsync($"/Tenders/Details/{tender.Id}");
        await bidder.GetByTestId("download").First.ClickAsync();
        await Assertions.Expect(bidder.GetByTestId("errors")).ToContainTextAsync(record.Number);
        await Assertions.Expect(bidder.GetByTestId("errors")).ToContainTextAsync("Collusive bidding");
    }
}
