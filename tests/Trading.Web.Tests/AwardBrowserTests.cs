using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Steps 13 to 18 in Chromium, each act done on the pages by the person who does it: the owner publishes the
/// candidates, a bidder objects and the owner answers, the bidder complains and the supervisor suspends and decides,
/// the owner awards, uploads the contract and records every refund; the public pages show the publicity and then the
/// result with the committee's names; the owner archives, the supervisor cosigns on the witness desk, the downloaded
/// package verifies with <c>trading verify-archive</c>, and the public finds the result on the results page and in the
/// OCDS package, which validates against the schemas. The tender starts at its signed report (arranged as in
/// <see cref="AwardTests"/>; <see cref="NewcomerJourneyTests"/> takes a demo tender through the real opening, draw and
/// evaluation to the archive in Chromium).
/// </summary>
public class AwardBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    private static ILocator Flash(IPage p) => p.Locator("div.alert-success[role=status]");

    private LifecycleStep Step(Guid id) => App.WithDb(db => db.Tenders.AsNoTracking().Single(t => t.Id == id).Step);

    private async Task<IPage> AsAsync(string user, string url)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, user);
        await page.GotoAsync(url);
        return page;
    }

    private static async Task SubmitAsync(IPage page, ILocator button, string url)
    {
        await button.ClickAsync();
        await Assertions.Expect(Flash(page)).ToBeVisibleAsync();
        await page.GotoAsync(url);
    }

    [Fact]
    public async Task A_tender_goes_from_its_signed_report_through_publicity_objection_complaint_award_contract_and_refunds_to_step_18()
    {
        var s = await AwardTests.ArrangeAtReportAsync(App);
        var url = $"/Award/Tender/{s.TenderId}";
        var owner = await AsAsync("owner1", url);

        await SubmitAsync(owner, owner.GetByTestId("publish-form").Locator("button"), url);
        Assert.Equal(LifecycleStep.CandidatePublicity, Step(s.TenderId));

        var visitor = await NewPageAsync();
        await visitor.GotoAsync($"/Award/Public/{s.TenderId}");
        await Assertions.Expect(visitor.GetByTestId("candidates").Locator("tbody tr")).ToHaveCountAsync(3);
        Assert.Equal(0, await visitor.GetByTestId("committee").CountAsync());

        var bidder = await AsAsync("bidder02", url);
        await bidder.Locator("#objection-text").FillAsync("第一名的类似工程业绩不真实，请复核。");
        await SubmitAsync(bidder, bidder.GetByTestId("objection-form").Locator("button"), url);

        await owner.GotoAsync(url);
        await owner.GetByTestId("objection").Locator("textarea").FillAsync("经复核，第一名业绩真实有效。");
        await SubmitAsync(owner, owner.GetByTestId("objection").Locator("button"), url);
        await Assertions.Expect(owner.GetByTestId("answer")).ToBeVisibleAsync();

        App.Clock.Advance(TimeSpan.FromDays(3));
        await bidder.GotoAsync(url);
        await bidder.Locator("#complaint-text").FillAsync("异议答复未附任何证据。");
        await SubmitAsync(bidder, bidder.GetByTestId("complaint-form").Locator("button"), url);

        var supervisor = await AsAsync("supervisor", url);
        await SubmitAsync(supervisor, supervisor.GetByTestId("suspend"), url);
        await Assertions.Expect(supervisor.GetByTestId("suspended")).ToBeVisibleAsync();

        // While suspended the award is refused with the rule's words, and nothing is awarded.
        await owner.GotoAsync(url);
        await owner.GetByTestId("award-form").Locator("button").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("errors")).ToContainTextAsync("suspended");
        Assert.False(App.WithDb(db => db.Set<Trading.Domain.Award.LotAward>().Any(a => a.TenderId == s.TenderId)));

        await supervisor.GotoAsync(url);
        await supervisor.GetByTestId("decide-form").Locator("select").SelectOptionAsync("Dismissed");
        await supervisor.GetByTestId("decide-form").Locator("textarea").FillAsync("投诉缺乏事实根据，予以驳回。");
        await SubmitAsync(supervisor, supervisor.GetByTestId("decide-form").Locator("button"), url);
        await Assertions.Expect(supervisor.GetByTestId("decision")).ToBeVisibleAsync();

        await owner.GotoAsync(url);
        await SubmitAsync(owner, owner.GetByTestId("award-form").Locator("button"), url);
        Assert.Equal(LifecycleStep.AwardNotice, Step(s.TenderId));
        await Assertions.Expect(owner.GetByTestId("notices").Locator("li")).ToHaveCountAsync(3);
        await Assertions.Expect(owner.GetByTestId("committee")).ToBeVisibleAsync();

        var pdf = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(pdf, TestApi.Pdf("施工合同"));
        try
        {
            await owner.GetByTestId("contract-form").Locator("input[type=file]").SetInputFilesAsync(pdf);
            await SubmitAsync(owner, owner.GetByTestId("contract-form").Locator("button"), url);
        }
        finally { File.Delete(pdf); }
        Assert.Equal(LifecycleStep.Contract, Step(s.TenderId));
        await Assertions.Expect(owner.GetByTestId("contract")).ToBeVisibleAsync();
        await AccessibilityBrowserTests.AssertUsableAsync(owner, url);
        await owner.SetViewportSizeAsync(1280, 800);
        await owner.GotoAsync(url);

        for (var i = 0; i < 3; i++)
            await SubmitAsync(owner, owner.GetByTestId("refund-form").First.Locator("button"), url);
        await Assertions.Expect(owner.GetByTestId("refunded")).ToHaveCountAsync(3);
        Assert.Equal(LifecycleStep.BondRefundAndArchive, Step(s.TenderId));
        await Assertions.Expect(owner.GetByTestId("step")).ToContainTextAsync("18.");

        await visitor.GotoAsync($"/Award/Public/{s.TenderId}");
        await Assertions.Expect(visitor.GetByTestId("results").Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(visitor.GetByTestId("decision")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByTestId("committee")).ToBeVisibleAsync();
        await AccessibilityBrowserTests.AssertUsableAsync(visitor, $"/Award/Public/{s.TenderId}");
        await AccessibilityBrowserTests.AssertUsableAsync(visitor, "/Award");

        // The archive: the owner archives from the tender's page; the package waits for the office's cosignature, which
        // the supervisor gives on the witness desk; the owner downloads it and `trading verify-archive` checks it offline
        // with the root certificate alone.
        await owner.GotoAsync($"/Tenders/Details/{s.TenderId}");
        await owner.GetByTestId("archive-link").ClickAsync();
        await SubmitAsync(owner, owner.GetByTestId("archive"), $"/Archive/{s.TenderId}");
        await Assertions.Expect(owner.GetByTestId("why-no-package")).ToBeVisibleAsync();
        await supervisor.GotoAsync("/Log/Witness");
        await supervisor.GetByTestId("cosign").ClickAsync();
        await Assertions.Expect(Flash(supervisor)).ToBeVisibleAsync();
        await owner.GotoAsync($"/Archive/{s.TenderId}");
        await Assertions.Expect(owner.GetByTestId("download")).ToBeVisibleAsync();
        var download = await owner.RunAndWaitForDownloadAsync(() => owner.GetByTestId("download").ClickAsync());
        var dir = Directory.CreateTempSubdirectory("trading-award-archive-").FullName;
        try
        {
            var tar = Path.Combine(dir, download.SuggestedFilename);
            await download.SaveAsAsync(tar);
            var root = Path.Combine(dir, "root-ca.crt");
            await File.WriteAllTextAsync(root, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
            var sealCa = Path.Combine(dir, "centre-ca.crt");
            await File.WriteAllTextAsync(sealCa, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
            var (code, output) = await Log.CliRunner.RunAsync("verify-archive", tar, "--root", root, "--seal-ca", sealCa, "--lang", "en");
            Assert.True(code == 0, output);
            Assert.Contains("Archive is valid", output, StringComparison.Ordinal);
            // Every record of steps 13-17 is in it: the report, the three notices, the contract, and the acts' log entries.
            var pkiRoot = App.Services.GetRequiredService<Trading.Web.Features.Log.CentreKeys>().Pki.Root;
            var verified = await Trading.PublicLog.Archive.TenderArchiveVerifier.VerifyAsync(File.OpenRead(tar), pkiRoot,
                Trading.Cli.PublicLog.SealedPdf.ArchiveIndex(App.Services.GetRequiredService<Trading.Web.Features.Certificates.CertificateAuthority>().Ca.Ca, pkiRoot), TestContext.Current.CancellationToken);
            Assert.True(verified.Ok, verified.Problem?.Message);
            var kinds = verified.Manifest!.Files.Select(f => f.Kind).ToList();
            Assert.Single(kinds, k => k == "evaluation-report");
            Assert.Equal(3, kinds.Count(k => k == "award-notice"));
            Assert.Single(kinds, k => k == "contract");
        }
        finally { Directory.Delete(dir, recursive: true); }

        // The public: the results page finds the tender with its winner and contract, without signing in; the open-data
        // package has its award and contract releases and validates against the OCDS schemas.
        var tenderCode = App.WithDb(db => db.Tenders.AsNoTracking().Single(t => t.Id == s.TenderId).Code);
        await visitor.SetViewportSizeAsync(1280, 800);
        await visitor.GotoAsync("/Results");
        await visitor.GetByTestId("results-q").FillAsync(tenderCode);
        await visitor.GetByTestId("results-search").ClickAsync();
        var row = visitor.GetByTestId("result-row").Filter(new() { HasText = tenderCode });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("result-award")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("result-contract")).ToBeVisibleAsync();
        await AccessibilityBrowserTests.AssertUsableAsync(visitor, $"/Results?q={tenderCode}");
        var package = await (await visitor.GotoAsync("/api/ocds/release-package"))!.TextAsync();
        await Archive.OpenDataTests.ValidateAsync(package);
        var releases = await (await visitor.GotoAsync($"/api/ocds/tenders/{s.TenderId}/releases"))!.TextAsync();
        await Archive.OpenDataTests.ValidateAsync(releases);
        using (var doc = System.Text.Json.JsonDocument.Parse(releases))
        {
            var tags = doc.RootElement.GetProperty("releases").EnumerateArray().Select(r => r.GetProperty("tag")[0].GetString()).ToList();
            Assert.Contains("award", tags);
            Assert.Contains("contract", tags);
        }
        Assert.Contains(s.TenderId.ToString(), package, StringComparison.Ordinal);
        Assert.Empty(CspViolations);
    }
}
