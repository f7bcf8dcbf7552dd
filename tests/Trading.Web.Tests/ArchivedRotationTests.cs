using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Trading.Domain.Integrity;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A planted bid rotation found when tenders are archived (issue 17, "awards feed the history screens, which re-run when
/// a tender is archived"). Three firms bid in six tenders, always the three of them: a designated member prices lowest
/// and wins, the other two cover a few per cent above, and the winner rotates. Four honest firms bid in six other
/// tenders, three at a time, and whoever prices lowest wins. Each tender goes from its signed report to the archive
/// through the API as the people who act (publicity, award, contract, every refund, the archive act), and the archive
/// act queues the screens' re-run, which the screening job runs.
/// <para>
/// What the documented rules need, and no more: the history screens speak only over 50 lots or more; H1 (rotation) judges
/// a group the co-bidding screen (H3) has found (a pair together at least 6 times, 3 times what the market makes likely,
/// Poisson p at most 1e-7) and that bid together in at least 6 lots, won 60 % of them, with at least 2 different winners.
/// Six ring tenders are therefore the fewest that can be found, and the finding must not come before the sixth. Six
/// meetings are only improbable in a market of some size, so the centre's past results (the import page, as a centre
/// brings them on day one) hold 200 honest construction lots of five bidders each, about two years of a mid-sized centre;
/// with them six meetings of two firms of six bids each have p of about 3e-8. H2 (cover) needs 15 bids of one firm and H4
/// needs withdrawals after the deadline or subcontracts, so neither applies to six tenders; neither is asserted here.
/// </para>
/// <para>
/// The tenders start at their signed report, arranged as <see cref="AwardTests"/> does (the opened bids, the committee
/// and the report's row with its real log entry); the bidding and evaluation tests show how those come about.
/// </para>
/// </summary>
public class ArchivedRotationTests(PostgresServer pg) : WebTest(pg)
{
    private static readonly string[] Ring = ["bidder06", "bidder07", "bidder08"];
    private static readonly string[] Honest = ["bidder01", "bidder02", "bidder03", "bidder04"];

    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    /// <summary>200 honest past lots in the platform's construction category: 60 firms, five random ones a lot, the lowest price wins.</summary>
    private static byte[] PastResults()
    {
        var random = new Random(17);
        var csv = new StringBuilder("lot_id,opened_at,category,estimate,firm_id,price,status,winner\n");
        var opened = new DateTime(2024, 1, 8, 1, 30, 0, DateTimeKind.Utc);
        for (var lot = 1; lot <= 200; lot++)
        {
            var estimate = 500_000 + random.Next(0, 40) * 100_000;
            var firms = Enumerable.Range(1, 60).OrderBy(_ => random.Next()).Take(5).ToList();
            var prices = firms.Select(_ => Math.Round(estimate * (0.88 + random.NextDouble() * 0.12))).ToList();
            var low = prices.Min();
            for (var i = 0; i < firms.Count; i++)
                csv.Append(CultureInfo.InvariantCulture, $"HX-{lot:000}-1,{opened.AddDays(lot * 3):yyyy-MM-dd HH:mm},ConstructionWorks,{estimate},F{firms[i]:00},{prices[i]},valid,{(prices[i] == low ? "1" : "")}\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private async Task<Guid> ToArchiveAsync(HttpClient owner, string[] biddersWinnerFirst, long[] pricesFen)
    {
        var s = await AwardTests.ArrangeAtReportAsync(App, biddersWinnerFirst, pricesFen);
        var url = $"/api/award/{s.TenderId}";
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(url + "/publicity", new { days = 3 })).StatusCode);
        App.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var award = await owner.PostAsJsonAsync(url + "/awards", new { lotId = s.LotId, bidId = s.Bids[0] });
        Assert.True(award.StatusCode == HttpStatusCode.Created, await award.Content.ReadAsStringAsync());
        var contract = await owner.PostAsync(url + "/contracts", AwardTests.ContractForm(s.LotId, pricesFen[0] / 100m, Now));
        Assert.True(contract.StatusCode == HttpStatusCode.Created, await contract.Content.ReadAsStringAsync());
        var today = DateOnly.FromDateTime(Now.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var bid in s.Bids)
        {
            var refund = await owner.PostAsJsonAsync(url + "/refunds", new { bidId = bid, amountYuan = 20_000m, interestYuan = 0m, refundedOn = today });
            Assert.True(refund.StatusCode == HttpStatusCode.Created, await refund.Content.ReadAsStringAsync());
        }
        var archived = await owner.PostAsync($"/api/tenders/{s.TenderId}/archive", null);
        Assert.True(archived.StatusCode == HttpStatusCode.NoContent, await archived.Content.ReadAsStringAsync());
        // The archive act queued the re-run in its transaction; the job (timers are off in tests) runs it now.
        Assert.Equal(1, App.WithDb(db => db.Set<ScreenRun>().Count(r => r.TenderId == s.TenderId && r.Trigger == IntegrityService.ArchiveTrigger && r.Status == ScreenRunStatus.Queued)));
        await App.RunJobAsync<IntegrityScreenJob>();
        Assert.Equal(ScreenRunStatus.Completed, App.WithDb(db => db.Set<ScreenRun>().Single(r => r.TenderId == s.TenderId && r.Trigger == IntegrityService.ArchiveTrigger).Status));
        return s.TenderId;
    }

    private List<IntegrityFinding> Findings(IEnumerable<Guid> tenders, params string[] indicators)
    {
        var ids = tenders.ToList();
        return App.WithDb(db => db.Set<IntegrityFinding>().AsNoTracking().Where(f => ids.Contains(f.TenderId) && indicators.Contains(f.IndicatorId)).ToList());
    }

    private Guid Firm(string user) => App.WithDb(db => db.Users.Single(u => u.UserName == user).OrganisationId);

    [Fact]
    public async Task A_planted_rotation_is_found_when_its_sixth_tender_is_archived_and_an_honest_group_is_not()
    {
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var imported = await IntegrityHistoryImportTests.UploadAsync(supervisor, "过往开标结果.csv", PastResults());
        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        var owner = await App.ApiAsync("owner1");
        var ringFirms = Ring.Select(Firm).Order().ToList();
        var honestFirms = Honest.Select(Firm).ToHashSet();

        var ringTenders = new List<Guid>();
        var honestTenders = new List<Guid>();
        var random = new Random(1717);
        for (var round = 0; round < 6; round++)
        {
            // The ring: this round's member wins at a plausible price, the other two cover 3 to 6 % above it.
            var winner = Ring[round % 3];
            var price = 900_000_00L + round * 1_500_000L;
            string[] ring = [winner, .. Ring.Where(r => r != winner)];
            ringTenders.Add(await ToArchiveAsync(owner, ring, [price, price * 103 / 100, price * 106 / 100]));

            // Honest competition: three of the four, each pricing on its own; the lowest wins.
            string[] three = [.. Honest.Where((_, i) => i != (round + 3) % 4)];
            var bids = three.Select(b => (Bidder: b, Price: 880_000_00L + random.Next(0, 120) * 100_000L)).OrderBy(b => b.Price).ToList();
            honestTenders.Add(await ToArchiveAsync(owner, [.. bids.Select(b => b.Bidder)], [.. bids.Select(b => b.Price)]));

            if (round == 4)
            {
                // Five rotations are one lot short of what H1 needs: nothing yet, and H3 has no group either.
                Assert.Empty(Findings(ringTenders, "H1", "H3"));
            }
        }

        // The sixth archive's re-run finds the rotation on that tender's lot, naming exactly the three firms.
        var h1 = Assert.Single(Findings([ringTenders[5]], "H1"));
        Assert.Equal(string.Join(',', ringFirms), h1.FirmIds);
        Assert.Equal(FindingGrade.Lead, h1.Grade);
        Assert.Contains("\"6/6\"", h1.EvidenceJson, StringComparison.Ordinal);
        Assert.Single(Findings([ringTenders[5]], "H3"));
        // The honest firms, who met as often as three of four firms taking turns at six tenders do, are in no group finding.
        Assert.Empty(Findings(honestTenders, "H1", "H3"));
        Assert.DoesNotContain(App.WithDb(db => db.Set<IntegrityFinding>().AsNoTracking().Where(f => f.IndicatorId == "H1" || f.IndicatorId == "H3").Select(f => f.FirmIds).ToList()),
            ids => ids.Split(',').Any(id => honestFirms.Contains(Guid.Parse(id))));

        // Every archive logged its re-run with the history it read (the imported lots and the platform's own).
        var screened = App.WithDb(db => db.LogEntries.AsNoTracking().Where(e => e.Type == "integrity.screened" && e.Payload.Contains("\"trigger\":\"archive\"")).Select(e => e.TenderId).ToList());
        Assert.Equal(ringTenders.Concat(honestTenders).Order(), screened.OfType<Guid>().Order());

        // The supervision office is told, and sees it on the tender's page in its language.
        Assert.True(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Any(n => n.Kind == "integrity.findings" && n.TenderId == ringTenders[5])));
        var page = await supervisor.GetStringAsync($"/Integrity/Tender/{ringTenders[5]}?culture=en");
        Assert.Contains("data-indicator=\"H1\"", page, StringComparison.Ordinal);
        var finding = await supervisor.GetStringAsync($"/Integrity/Finding/{h1.Id}?culture=en");
        Assert.Contains("took turns winning: 3 different members won 6 of those lots", finding, StringComparison.Ordinal);
        Assert.DoesNotContain("data-indicator=\"H1\"", await supervisor.GetStringAsync($"/Integrity/Tender/{honestTenders[5]}?culture=en"), StringComparison.Ordinal);
    }
}
