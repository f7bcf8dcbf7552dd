using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class TenderTests(PostgresServer pg) : WebTest(pg)
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private Tender Load(Guid id) => App.WithDb(db => db.Tenders.Include(t => t.Lots).Include(t => t.Transitions).AsNoTracking().First(t => t.Id == id));

    [Fact]
    public async Task An_owner_registers_documents_files_and_publishes_and_every_act_is_logged()
    {
        var owner = await App.ApiAsync("owner2");
        var logBefore = App.WithDb(db => db.LogEntries.Count());
        var id = await TestApi.PublishedTenderAsync(owner, Now.AddDays(21));
        var t = Load(id);
        Assert.Equal(LifecycleStep.NoticePublished, t.Step);
        Assert.Equal(Now, t.PublishedAt);
        Assert.Equal([LifecycleStep.DocumentsFiled, LifecycleStep.NoticePublished], t.Transitions.OrderBy(x => x.At).ThenBy(x => x.To).Select(x => x.To));
        Assert.All(t.Transitions, x => { Assert.Equal("owner2", x.ActorName); Assert.Equal(Now, x.At); });

        var entries = App.WithDb(db => db.LogEntries.OrderBy(e => e.Index).ToList());
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Index)); // gapless
        // Publication starts the key ceremony in the same transaction (docs/bidding.md).
        Assert.Equal(["tender.registered", "tender.document.added", "tender.documents.filed", "tender.published", "ceremony.started"], entries.Skip(logBefore).Select(e => e.Type));
        foreach (var e in entries)
            Assert.Equal(Trading.Web.Infrastructure.PublicLogWriter.LeafHash(System.Text.Encoding.UTF8.GetBytes(e.Payload)), e.LeafHash);

        // Now public: anyone can read it without signing in.
        var pub = await App.Anonymous().GetAsync($"/api/public/tenders/{id}");
        Assert.Equal(HttpStatusCode.OK, pub.StatusCode);
    }

    [Fact]
    public async Task Schedule_and_bond_rules_refuse_with_reasons_and_save_nothing()
    {
        var owner = await App.ApiAsync("owner1");
        var before = App.WithDb(db => db.Tenders.Count());

        var tooSoon = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(19)));
        var text = await tooSoon.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.DocumentsTooLate");
        Assert.Contains("20", text, StringComparison.Ordinal);

        await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(-1)))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.DeadlineInPast");
        var bond = await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), price: 1_000_000m, bond: 20_000.01m)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.BondTooHigh");
        Assert.Contains("2", bond, StringComparison.Ordinal);
        await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), opening: Now.AddDays(25).AddHours(1))))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.OpeningNotAtDeadline");
        await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), price: 0m)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.EstimatedPriceInvalid");
        Assert.Equal(before, App.WithDb(db => db.Tenders.Count()));
    }

    [Fact]
    public async Task Refusals_speak_the_users_language()
    {
        var zh = await App.ApiAsync("owner1", culture: "zh-CN");
        var en = await App.ApiAsync("owner1", culture: "en");
        var zhText = await (await zh.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(5)))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.DocumentsTooLate");
        var enText = await (await en.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(5)))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.DocumentsTooLate");
        Assert.Contains("招标投标法", zhText, StringComparison.Ordinal);
        Assert.Contains("Bidding Law", enText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_owner_cannot_touch_another_owners_tender()
    {
        var owner1 = await App.ApiAsync("owner1");
        var owner2 = await App.ApiAsync("owner2");
        var created = await owner1.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25)));
        var id = (await created.Json()).GetProperty("id").GetGuid();

        // Unpublished: invisible to everyone but its owner side and the oversight offices.
        Assert.Equal(HttpStatusCode.NotFound, (await owner2.GetAsync($"/api/tenders/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner2.PutAsJsonAsync($"/api/tenders/{id}", TestApi.TenderBody(Now.AddDays(30), title: "hijacked"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner2.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "x.pdf", TestApi.Pdf()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Anonymous().GetAsync($"/api/public/tenders/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}")).StatusCode);
        Assert.Equal("Test road works", Load(id).Title);

        // Published: visible, still not editable.
        await owner1.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "d.pdf", TestApi.Pdf()));
        await owner1.PostAsync($"/api/tenders/{id}/file-documents", null);
        await owner1.PostAsync($"/api/tenders/{id}/publish", null);
        await (await owner2.PostAsJsonAsync($"/api/tenders/{id}/clarifications", new { question = "q", answer = "a", changesDocuments = false }))
            .AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwnerSide);
        var bidder = await App.ApiAsync("bidder01");
        Assert.Equal(HttpStatusCode.Forbidden, (await bidder.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25)))).StatusCode);
    }

    [Fact]
    public async Task Publishing_without_documents_or_out_of_order_is_refused_and_changes_nothing()
    {
        var owner = await App.ApiAsync("owner3");
        var id = (await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25)))).Json()).GetProperty("id").GetGuid();
        await (await owner.PostAsync($"/api/tenders/{id}/publish", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Lifecycle.WrongStep");
        await (await owner.PostAsync($"/api/tenders/{id}/file-documents", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.NoDocuments");
        var t = Load(id);
        Assert.Equal(LifecycleStep.ProjectRegistration, t.Step);
        Assert.Empty(t.Transitions);
    }

    [Fact]
    public async Task Publishing_late_rechecks_the_twenty_days_from_the_actual_issue()
    {
        var owner = await App.ApiAsync("owner3");
        var id = (await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(21)))).Json()).GetProperty("id").GetGuid();
        await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "d.pdf", TestApi.Pdf()));
        await owner.PostAsync($"/api/tenders/{id}/file-documents", null);
        App.Clock.Advance(TimeSpan.FromDays(2));
        await (await owner.PostAsync($"/api/tenders/{id}/publish", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.DocumentsTooLate");
        var t = Load(id);
        Assert.Equal(LifecycleStep.DocumentsFiled, t.Step);
        Assert.Null(t.PublishedAt);
        Assert.Null(t.DocumentsFirstIssuedAt);
    }

    [Fact]
    public async Task A_clarification_changing_documents_needs_fifteen_days_or_a_later_deadline()
    {
        var owner = await App.ApiAsync("owner2");
        var id = await TestApi.PublishedTenderAsync(owner, Now.AddDays(21));
        App.Clock.Advance(TimeSpan.FromDays(7)); // 14 days left
        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/clarifications", new { question = "Change spec?", answer = "Yes", changesDocuments = true }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.ClarificationTooLate");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/tenders/{id}/clarifications", new { question = "Site visit?", answer = "Monday", changesDocuments = false })).StatusCode);

        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/postpone", new { newDeadlineUtc = Now.AddDays(1) })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.PostponeEarlier");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync($"/api/tenders/{id}/postpone", new { newDeadlineUtc = Now.AddDays(15) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/tenders/{id}/clarifications", new { question = "Change spec?", answer = "Yes", changesDocuments = true })).StatusCode);
        var t = Load(id);
        Assert.Equal(Now.AddDays(15), t.BidDeadline);
        Assert.Equal(t.BidDeadline, t.OpeningTime);
    }

    [Fact]
    public async Task Bidders_obtain_documents_only_while_approved_unsuspended_and_before_the_deadline()
    {
        var owner = await App.ApiAsync("owner1");
        var id = await TestApi.PublishedTenderAsync(owner, Now.AddDays(21));
        var docId = (await (await owner.GetAsync($"/api/tenders/{id}")).Json()).GetProperty("documents")[0].GetProperty("id").GetGuid();
        var url = $"/api/tenders/{id}/documents/{docId}";

        var approved = await App.ApiAsync("bidder01");
        var ok = await approved.PostAsync(url, null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(TestApi.Pdf(), await ok.Content.ReadAsByteArrayAsync());

        var pending = await App.ApiAsync("bidder10");
        await (await pending.PostAsync(url, null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.NotApproved");
        var suspended = await App.ApiAsync("bidder12");
        var why = await (await suspended.PostAsync(url, null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.Suspended");
        Assert.Contains("2026年第3号", why, StringComparison.Ordinal); // names the record

        // Each firm sees only its own downloads; the owner sees them all.
        var mine = await (await approved.GetAsync($"/api/tenders/{id}/downloads")).Json();
        Assert.Equal(1, mine.GetArrayLength());
        var other = await App.ApiAsync("bidder02");
        Assert.Equal(0, (await (await other.GetAsync($"/api/tenders/{id}/downloads")).Json()).GetArrayLength());
        Assert.Equal(1, (await (await owner.GetAsync($"/api/tenders/{id}/downloads")).Json()).GetArrayLength());
        // Logged sealed: the server keeps the opening for the deadline's reveal; the public log has no entry naming the tender.
        Assert.Single(App.WithDb(db => db.SealedLogActs.Where(a => a.TenderId == id && a.Entry!.Contains("\"type\":\"tender.document.obtained\"")).ToList()));
        Assert.Empty(App.WithDb(db => db.LogEntries.Where(e => e.Type == "tender.document.obtained").ToList()));

        // The deadline passes on the server clock: the job closes bidding and documents are no longer issued.
        App.Clock.Advance(TimeSpan.FromDays(21));
        Assert.True(await App.RunDeadlineJobAsync() >= 1);
        Assert.Equal(LifecycleStep.BidDeadline, Load(id).Step);
        await (await other.PostAsync(url, null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Lifecycle.DeadlinePassed");
    }

    [Fact]
    public async Task Tender_documents_are_checked_by_content_and_size()
    {
        var owner = await App.ApiAsync("owner1");
        var id = (await (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25)))).Json()).GetProperty("id").GetGuid();
        await (await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "spec.pdf", "<html>not a pdf</html>"u8.ToArray())))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.ContentMismatch");
        await (await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "spec.exe", TestApi.Pdf())))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.TypeNotAllowed");
        await (await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "empty.pdf", [])))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.Empty");
        Assert.Empty(App.WithDb(db => db.TenderDocuments.Where(d => d.TenderId == id).ToList()));
    }

    [Fact]
    public async Task An_agent_registers_for_a_named_owner_and_both_may_act()
    {
        var agent = await App.ApiAsync("agent");
        await (await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25)))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.OwnerRequired");
        var ownerOrg = App.WithDb(db => db.Users.First(u => u.UserName == "owner3").OrganisationId);
        var r = await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), owner: ownerOrg));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var id = (await r.Json()).GetProperty("id").GetGuid();
        var owner3 = await App.ApiAsync("owner3");
        Assert.Equal(HttpStatusCode.OK, (await owner3.GetAsync($"/api/tenders/{id}")).StatusCode);
    }
}
