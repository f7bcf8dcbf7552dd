using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Steps 13 to 18 in Chromium, each act done on the pages by the person who does it: the owner publishes the
/// candidates, a bidder objects and the owner answers, the bidder complains and the supervisor suspends and decides,
/// the owner awards, uploads the contract and records every refund; the public pages show the publicity and then the
/// result with the committee's names. The tender starts at its signed report (arranged as in <see cref="AwardTests"/>).
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
        Assert.Empty(CspViolations);
    }
}
