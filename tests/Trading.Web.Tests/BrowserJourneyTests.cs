using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class BrowserJourneyTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task An_owner_publishes_a_tender_and_a_bidder_obtains_its_documents()
    {
        var owner = await NewPageAsync();
        await SignInAsync(owner, "owner2");
        await owner.GotoAsync("/Tenders/Create");
        await owner.Locator("#Form_Title").FillAsync("Hospital lift replacement");
        await owner.Locator("#Form_Qualifications").FillAsync("Lift installation licence, grade A");
        await owner.Locator("#Form_Place").FillAsync("Opening room 2");
        await owner.Locator("#lot-name-0").FillAsync("Lifts, building A");
        await owner.Locator("#lot-price-0").FillAsync("2500000");
        await owner.Locator("#lot-bond-0").FillAsync("60000"); // 2.4%: over the limit
        await owner.GetByRole(AriaRole.Button, new() { Name = "Register the project" }).ClickAsync();
        // Refused with the rule, in English, and the form keeps what was typed.
        await Assertions.Expect(owner.GetByTestId("errors")).ToContainTextAsync("more than 2% of the estimated price");
        await Assertions.Expect(owner.Locator("#Form_Title")).ToHaveValueAsync("Hospital lift replacement");

        await owner.Locator("#lot-bond-0").FillAsync("50000");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Register the project" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("step")).ToContainTextAsync("1. Project registration");

        var pdf = Path.Combine(App.DataDirectory, "upload-documents.pdf");
        Directory.CreateDirectory(App.DataDirectory);
        var bytes = TestApi.Pdf("Hospital lift replacement: tender documents");
        await File.WriteAllBytesAsync(pdf, bytes);
        await owner.Locator("#File").SetInputFilesAsync(pdf);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("documents")).ToContainTextAsync("upload-documents.pdf");
        await owner.GetByTestId("file-documents").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("step")).ToContainTextAsync("2. Tender documents filed");
        await owner.GetByTestId("publish").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("step")).ToContainTextAsync("3. Tender notice published");
        var tenderUrl = owner.Url;

        // The notice is public.
        var visitor = await NewPageAsync("zh-CN");
        await visitor.GotoAsync("/Tenders");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Hospital lift replacement" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("招标公告");

        var bidder = await NewPageAsync();
        await SignInAsync(bidder, "bidder03");
        await bidder.GotoAsync(tenderUrl);
        var download = await bidder.RunAndWaitForDownloadAsync(() => bidder.GetByTestId("download").ClickAsync());
        var saved = Path.Combine(App.DataDirectory, "downloaded.pdf");
        await download.SaveAsAsync(saved);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(saved));

        var tender = App.WithDb(db => db.Tenders.Include(t => t.Transitions).First(t => t.Title == "Hospital lift replacement"));
        Assert.Equal(LifecycleStep.NoticePublished, tender.Step);
        Assert.All(tender.Transitions, x => Assert.Equal("127.0.0.1", x.IpAddress));
        var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder03").OrganisationId);
        var dl = App.WithDb(db => db.DocumentDownloads.Single(d => d.TenderId == tender.Id));
        Assert.Equal(firm, dl.FirmId);
        Assert.Equal("127.0.0.1", dl.IpAddress);

        // The owner sees who obtained the documents.
        await owner.ReloadAsync();
        await Assertions.Expect(owner.GetByTestId("download-log")).ToContainTextAsync(App.WithDb(db => db.Organisations.First(o => o.Id == firm).Name));
    }

    [Fact]
    public async Task A_suspended_bidder_sees_why_and_gets_no_document()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, "bidder12");
        var tender = App.WithDb(db => db.Tenders.First(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline > App.Clock.GetUtcNow().UtcDateTime));
        await page.GotoAsync($"/Tenders/Details/{tender.Id}");
        await page.GetByTestId("download").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("suspended from trading");
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("2026年第3号");
        Assert.Empty(App.WithDb(db => db.DocumentDownloads.Where(d => d.TenderId == tender.Id).ToList()));
    }
}
