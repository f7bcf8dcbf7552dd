using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The commit-reveal in Chromium: each office's value is made and hashed in its own browser (draw.js), kept there until the reveal.</summary>
public class DrawBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task Three_offices_commit_and_reveal_in_their_browsers_and_the_record_verifies()
    {
        var tender = App.WithDb(db => db.Tenders.Include(t => t.Lots).AsNoTracking().Where(t => t.Step == LifecycleStep.NoticePublished && t.Lots.Count == 2).OrderBy(t => t.Code).First());
        var ownerUser = App.WithDb(db => db.Users.First(u => u.OrganisationId == tender.OwnerOrganisationId).UserName!);

        var centre = await NewPageAsync();
        await SignInAsync(centre, "centre");
        await centre.GotoAsync($"/Draw/Request?tenderId={tender.Id}");
        await centre.GetByTestId("submit-request").ClickAsync();
        await centre.WaitForURLAsync(u => u.Contains("/Draw/Details/", StringComparison.Ordinal));
        var url = new Uri(centre.Url).PathAndQuery;
        await Assertions.Expect(centre.GetByTestId("phase")).ToHaveTextAsync("Commitments");

        var supervisor = await NewPageAsync();
        await SignInAsync(supervisor, "supervisor");
        var owner = await NewPageAsync();
        await SignInAsync(owner, ownerUser);
        var offices = new[] { (supervisor, "supervision"), (centre, "centre"), (owner, "owner") };
        var values = new Dictionary<string, string>();
        foreach (var (page, office) in offices)
        {
            await page.GotoAsync(url);
            await page.Locator("#generate-value").ClickAsync();
            await Assertions.Expect(page.Locator("#commitment")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
            values[office] = await page.Locator("#office-value").InputValueAsync();
            await page.GetByTestId("commit").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-office-commitment='{office}']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        }
        // The server saw only commitments, and each matches the value the browser kept.
        var session = App.WithDb(db => db.Set<EvaluationSession>().AsNoTracking().Single(s => s.TenderId == tender.Id));
        var record = DrawRecordJson.Deserialize(session.RecordJson);
        Assert.Equal(DrawPhase.Revealing, record.Phase);
        foreach (var (_, office) in offices)
        {
            Assert.Equal(DrawAlgorithm.Commitment(session.DrawId, office, Convert.FromHexString(values[office])), record.Commitments.Single(c => c.Office == office).Commitment);
            Assert.DoesNotContain(values[office], session.RecordJson, StringComparison.Ordinal);
        }

        foreach (var (page, office) in offices)
        {
            await page.GotoAsync(url);
            await Assertions.Expect(page.Locator("#reveal-value")).ToHaveValueAsync(values[office]); // kept in this browser since the commit
            await page.GetByTestId("reveal").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-office-reveal='{office}']")).ToHaveTextAsync(values[office]);
        }
        await centre.GetByTestId("draw").ClickAsync();
        await Assertions.Expect(centre.GetByTestId("phase")).ToHaveTextAsync("Drawn");
        await Assertions.Expect(centre.GetByTestId("seed")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await Assertions.Expect(owner.GetByTestId("expert-name")).ToHaveCountAsync(0);

        var download = await supervisor.RunAndWaitForDownloadAsync(async () => { await supervisor.GotoAsync(url); await supervisor.GetByTestId("download-record").ClickAsync(); });
        var path = Path.Combine(App.DataDirectory, "browser-draw.json");
        await download.SaveAsAsync(path);
        var output = new StringWriter();
        Assert.True(Trading.Cli.ExpertPool.DrawCommands.VerifyFile(path, "en", output) == 0, output.ToString());
    }
}
