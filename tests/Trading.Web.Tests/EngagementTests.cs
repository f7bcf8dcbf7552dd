using System.Net;
using System.Net.Http.Json;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>An agency acts in an owner's name only under an engagement the owner recorded and can end (issue 18, "Authority").</summary>
public class EngagementTests(PostgresServer pg) : WebTest(pg)
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private Guid Org(string user) => App.WithDb(db => db.Users.First(u => u.UserName == user).OrganisationId);

    [Fact]
    public async Task An_agency_registers_only_for_an_owner_that_engaged_it_and_stops_acting_when_the_owner_ends_it()
    {
        var agent = await App.ApiAsync("agent");
        var owner2 = await App.ApiAsync("owner2");
        var agency = Org("agent");
        // The demo engaged the agency for owner1 and owner3, never for owner2.
        var before = App.WithDb(db => db.Tenders.Count());
        await (await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), owner: Org("owner2"))))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.NotEngaged");
        Assert.Equal(before, App.WithDb(db => db.Tenders.Count()));

        // Only the owner records an engagement, and not twice.
        await (await agent.PostAsJsonAsync("/api/engagements", new { agentOrganisationId = agency, scope = "self-engagement" }))
            .AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.OwnerOnly");
        await (await owner2.PostAsJsonAsync("/api/engagements", new { agentOrganisationId = agency, scope = "" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Engagement.ScopeRequired");
        await (await owner2.PostAsJsonAsync("/api/engagements", new { agentOrganisationId = Org("bidder01"), scope = "x" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Engagement.NotAnAgency");
        var recorded = await owner2.PostAsJsonAsync("/api/engagements", new { agentOrganisationId = agency, scope = "2027 施工招标" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var engagement = (await recorded.Json()).GetProperty("id").GetGuid();
        await (await owner2.PostAsJsonAsync("/api/engagements", new { agentOrganisationId = agency, scope = "again" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Engagement.AlreadyActive");

        var created = await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), owner: Org("owner2")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tender = (await created.Json()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/tenders/{tender}")).StatusCode);

        // Another owner cannot end it; the owner must give a reason.
        await (await (await App.ApiAsync("owner1")).PostAsJsonAsync($"/api/engagements/{engagement}/end", new { reason = "x" }))
            .AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.OwnerOnly");
        await (await owner2.PostAsJsonAsync($"/api/engagements/{engagement}/end", new { reason = " " }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Engagement.ReasonRequired");
        Assert.Equal(HttpStatusCode.NoContent, (await owner2.PostAsJsonAsync($"/api/engagements/{engagement}/end", new { reason = "合同到期" })).StatusCode);
        await (await owner2.PostAsJsonAsync($"/api/engagements/{engagement}/end", new { reason = "again" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Engagement.AlreadyEnded");

        // The agency is off the owner's tender and registers nothing more in its name; the owner still has it.
        Assert.Null(App.WithDb(db => db.Tenders.Single(t => t.Id == tender).AgentOrganisationId));
        Assert.NotEqual(HttpStatusCode.OK, (await agent.PutAsJsonAsync($"/api/tenders/{tender}", TestApi.TenderBody(Now.AddDays(26), owner: Org("owner2")))).StatusCode);
        await (await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(25), owner: Org("owner2"))))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Tender.NotEngaged");
        Assert.Equal(HttpStatusCode.OK, (await owner2.PutAsJsonAsync($"/api/tenders/{tender}", TestApi.TenderBody(Now.AddDays(26)))).StatusCode);

        // Both acts are in the public log, in the same order.
        var types = App.WithDb(db => db.LogEntries.Where(e => e.Type.StartsWith("agent.")).OrderBy(e => e.Index).Select(e => e.Type).ToList());
        Assert.Equal(["agent.engaged", "agent.engagement.ended"], types);
    }

    [Fact]
    public async Task The_owner_records_and_ends_an_engagement_on_its_page_and_the_agency_sees_it()
    {
        var owner = await Browser.SignInAsync(App, "owner2");
        var agency = Org("agent");
        var r = await Browser.PostFormAsync(owner, "/Engagements", "/Engagements?handler=Record", new Dictionary<string, string> { ["AgentOrganisationId"] = agency.ToString(), ["Scope"] = "" });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode); // stays on the page with the reason
        Assert.Empty(App.WithDb(db => db.AgentEngagements.Where(e => e.OwnerOrganisationId == Org("owner2")).ToList()));
        r = await Browser.PostFormAsync(owner, "/Engagements", "/Engagements?handler=Record", new Dictionary<string, string> { ["AgentOrganisationId"] = agency.ToString(), ["Scope"] = "医院设备采购代理" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);

        var agentPage = await (await Browser.SignInAsync(App, "agent")).GetStringAsync("/Engagements");
        Assert.Contains("医院设备采购代理", agentPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Record", agentPage, StringComparison.Ordinal); // agencies read, never record

        var id = App.WithDb(db => db.AgentEngagements.Single(e => e.OwnerOrganisationId == Org("owner2")).Id);
        r = await Browser.PostFormAsync(owner, "/Engagements", "/Engagements?handler=End", new Dictionary<string, string> { ["EngagementId"] = id.ToString(), ["Reason"] = "项目完成" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.NotNull(App.WithDb(db => db.AgentEngagements.Single(e => e.Id == id).EndedAt));

        // A bidder has no engagements page.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Browser.SignInAsync(App, "bidder01")).GetAsync("/Engagements")).StatusCode);
    }
}
