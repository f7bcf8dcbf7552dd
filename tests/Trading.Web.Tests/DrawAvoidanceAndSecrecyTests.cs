using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Data.Notifications;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Draw;
using Trading.Web.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Trading.Web.Tests;

/// <summary>
/// The remaining avoidance rules through the web app (the tender's agent, the owner as employer,
/// relation and registry link, a bidder as former employer, region and specialty), experts retired
/// by age on the pool pages and in the draw, and a sweep of every draw and expert endpoint for the
/// committee's identities before the award.
/// </summary>
public class DrawAvoidanceAndSecrecyTests(PostgresServer pg) : WebTest(pg)
{
    /// <summary>Experts 1-20 technical, 21-30 economic, all clean, so each test plants only what it checks.</summary>
    private void NormalisePool() => DrawPages.NormalisePool(App);

    private Tender TenderByOwner(string ownerUser) => DrawPages.TenderByOwner(App, ownerUser);

    private static Dictionary<string, string> RequestForm(Tender t, Lot lot, string? techRegionsWithin = null)
    {
        var f = new Dictionary<string, string>
        {
            ["Input.TenderId"] = t.Id.ToString(), ["Input.LotId"] = lot.Id.ToString(), ["Input.EvaluationRoom"] = "评标室三",
            ["Day"] = "2026-11-24", ["From"] = "09:00", ["To"] = "12:00",
            ["Input.CommitteeSize"] = "5", ["Input.OwnerRepresentativeSeats"] = "0", ["Input.ResponseWindowHours"] = "2",
            ["Input.Strata[0].Stratum"] = "1-tech", ["Input.Strata[0].Kind"] = "Technical", ["Input.Strata[0].Specialties"] = "construction/*", ["Input.Strata[0].Count"] = "3",
            ["Input.Strata[1].Stratum"] = "2-econ", ["Input.Strata[1].Kind"] = "Economic", ["Input.Strata[1].Specialties"] = "economics/*", ["Input.Strata[1].Count"] = "2",
        };
        if (techRegionsWithin is not null)
        {
            f["Input.Strata[0].RegionMode"] = "Within";
            f["Input.Strata[0].Regions"] = techRegionsWithin;
        }
        return f;
    }

    private static string Errors(string html) => DrawPages.Errors(html);

    private async Task<Guid> RequestAsync(HttpClient c, Tender t, Dictionary<string, string> form)
    {
        var r = await Browser.PostFormAsync(c, $"/Draw/Request?tenderId={t.Id}", "/Draw/Request", form);
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"request refused: {Errors(await r.Content.ReadAsStringAsync())}");
        return Guid.Parse(r.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    private static Task<HttpResponseMessage> ActAsync(HttpClient c, Guid id, string handler, Dictionary<string, string>? fields = null) =>
        DrawPages.ActAsync(c, id, handler, fields);

    private EvaluationSession Session(Guid id) => DrawPages.Session(App, id);

    /// <summary>The three offices commit and reveal on the page, then the centre draws.</summary>
    private async Task DrawAsync(Guid id, string ownerUser)
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["supervision"] = await Browser.SignInAsync(App, "supervisor"), ["centre"] = await Browser.SignInAsync(App, "centre"), ["owner"] = await Browser.SignInAsync(App, ownerUser),
        };
        var drawId = Session(id).DrawId;
        var values = clients.Keys.ToDictionary(o => o, _ => RandomNumberGenerator.GetBytes(32));
        foreach (var (office, c) in clients)
            Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(c, id, "Commit", new() { ["commitment"] = DrawAlgorithm.Commitment(drawId, office, values[office]) })).StatusCode);
        foreach (var (office, c) in clients)
            Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(c, id, "Reveal", new() { ["value"] = Convert.ToHexStringLower(values[office]) })).StatusCode);
        var d = await ActAsync(clients["centre"], id, "Draw");
        Assert.True(d.StatusCode == HttpStatusCode.Redirect, $"draw: {Errors(await d.Content.ReadAsStringAsync())}");
    }

    [Fact]
    public async Task The_tenders_agent_the_owner_side_and_the_request_rules_exclude_planted_experts_with_their_reasons()
    {
        NormalisePool();
        var t = TenderByOwner("owner1");
        Assert.NotNull(t.AgentOrganisationId); // the demo's first owner works through the agency
        var agent = t.AgentOrganisationId!.Value;
        var owner = t.OwnerOrganisationId;
        var firm = App.WithDb(db => db.Organisations.Where(x => x.Kind == OrganisationKind.BidderFirm).OrderBy(x => x.Name).Select(x => x.Id).First());
        var today = new DateOnly(2026, 11, 22);
        App.WithDb(db =>
        {
            var doc = db.TenderDocuments.First(d => d.TenderId == t.Id);
            db.DocumentDownloads.Add(new DocumentDownload { TenderId = t.Id, DocumentId = doc.Id, FirmId = firm, UserId = db.Users.First(u => u.OrganisationId == firm).Id, DownloadedAt = DateTime.UtcNow });
            var ex = db.Set<PoolExpert>().Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks)
                .OrderBy(e => e.RegistrationNumber).ToList();
            ex[0].EmployerOrganisationId = agent; ex[0].EmployerName = "agency";                                                   // works for the agent
            ex[1].Employments.Add(new ExpertEmployment { OrganisationId = agent, EmployerName = "agency", From = today.AddYears(-8), To = today.AddYears(-2) }); // left the agent 2 years ago
            ex[2].Relationships.Add(new ExpertRelationship { OrganisationId = agent, PartyName = "agency", Kind = RelationshipKind.Relative });
            ex[3].RegistryLinks.Add(new ExpertRegistryLink { OrganisationId = agent, PartyName = "agency", Kind = RegistryLinkKind.Officer });
            ex[4].EmployerOrganisationId = owner; ex[4].EmployerName = "owner";                                                   // works for the owner
            ex[5].Relationships.Add(new ExpertRelationship { OrganisationId = owner, PartyName = "owner", Kind = RelationshipKind.FinancialInterest });
            ex[6].RegistryLinks.Add(new ExpertRegistryLink { OrganisationId = owner, PartyName = "owner", Kind = RegistryLinkKind.LegalRepresentative });
            ex[7].Employments.Add(new ExpertEmployment { OrganisationId = firm, EmployerName = "firm", From = today.AddYears(-6), To = today.AddMonths(-30) }); // left a bidder 2.5 years ago
            ex[8].Region = "hz/xihu";                                                                                              // outside the region rule
            ex[9].Specialties = ["water/hydraulic"];                                                                               // not a requested specialty
            ex[22].Employments.Add(new ExpertEmployment { OrganisationId = agent, EmployerName = "agency", From = today.AddYears(-1), To = null }); // open-ended job at the agent
            db.SaveChanges();
            return 0;
        });
        var regs = App.WithDb(db => db.Set<PoolExpert>().OrderBy(e => e.RegistrationNumber).Select(e => e.RegistrationNumber).ToList());
        (int Index, string Code, string? Role)[] planted =
        [
            (0, ReasonCodes.CurrentEmployer, "agent"), (1, ReasonCodes.FormerEmployer, "agent"), (2, ReasonCodes.DeclaredRelationship, "agent"),
            (3, ReasonCodes.RegistryLink, "agent"), (4, ReasonCodes.CurrentEmployer, "owner"), (5, ReasonCodes.DeclaredRelationship, "owner"),
            (6, ReasonCodes.RegistryLink, "owner"), (7, ReasonCodes.FormerEmployer, "bidder"), (8, ReasonCodes.RegionRuleNotMet, null),
            (9, ReasonCodes.SpecialtyNotRequested, null), (22, ReasonCodes.CurrentEmployer, "agent"),
        ];

        var centre = await Browser.SignInAsync(App, "centre");
        var id = await RequestAsync(centre, t, RequestForm(t, t.Lots.OrderBy(l => l.Number).First(), techRegionsWithin: "sf"));
        var screening = JsonSerializer.Deserialize<StoredScreening>(Session(id).ScreeningJson)!;
        foreach (var (i, code, role) in planted)
        {
            var reasons = Assert.Single(screening.Excluded, x => x.ExpertId == regs[i]).Reasons;
            Assert.True(reasons.Any(r => r.Code == code && (role is null || r.Args["role"] == role)),
                $"expert {i}: wanted {code}/{role}, got {string.Join("; ", reasons.Select(r => r.Code + " " + string.Join(",", r.Args.Select(a => a.Key + "=" + a.Value))))}");
        }
        Assert.Equal(regs.Count - planted.Length, screening.Eligible.Count);

        // Oversight reads why, in words; the agent is named as the tender's agent.
        var sup = await App.ApiAsync("supervisor");
        var exclusions = await sup.GetFromJsonAsync<List<ExclusionDto>>($"/api/draws/{id}/exclusions?culture=zh-CN");
        Assert.Contains(exclusions!, x => x.RegistrationNumber == regs[0] && x.Reasons.Any(r => r.Contains("招标代理机构", StringComparison.Ordinal)));
        var exclusionsEn = await sup.GetFromJsonAsync<List<ExclusionDto>>($"/api/draws/{id}/exclusions?culture=en");
        Assert.Contains(exclusionsEn!, x => x.RegistrationNumber == regs[3] && x.Reasons.Any(r => r.Contains("director or officer link with", StringComparison.Ordinal) && r.Contains("the tendering agent of this lot", StringComparison.Ordinal)));
        var page = await (await Browser.SignInAsync(App, "supervisor")).GetStringAsync($"/Draw/Details/{id}");
        Assert.Contains("受雇于本标段的招标代理机构", page, StringComparison.Ordinal);
        // Staff read the party by its name; its id stays in the record for the verifier, not in the sentence.
        var agentName = App.WithDb(db => db.Organisations.Single(o => o.Id == agent).Name);
        Assert.Contains(exclusions!, x => x.RegistrationNumber == regs[0] && x.Reasons.Any(r => r.Contains("招标代理机构" + agentName, StringComparison.Ordinal)));
        Assert.DoesNotContain(exclusions!.SelectMany(x => x.Reasons), r => r.Contains(agent.ToString(), StringComparison.OrdinalIgnoreCase));
        var pageEn = await (await Browser.SignInAsync(App, "supervisor")).GetStringAsync($"/Draw/Details/{id}?culture=en");
        Assert.Contains("the tendering agent of this lot", pageEn, StringComparison.Ordinal);

        await DrawAsync(id, "owner1");
        var plantedIds = App.WithDb(db => db.Set<PoolExpert>().Where(e => planted.Select(p => regs[p.Index]).Contains(e.RegistrationNumber)).Select(e => e.Id).ToList());
        var members = Session(id).Members;
        Assert.Equal(5, members.Count);
        Assert.DoesNotContain(members, m => plantedIds.Contains(m.ExpertId));
    }

    [Fact]
    public async Task An_expert_past_the_retirement_age_shows_as_retired_on_the_pool_pages_and_is_not_drawn()
    {
        NormalisePool();
        var today = new DateOnly(2026, 11, 22);
        var (retiredId, retiredReg, retiredUser) = App.WithDb(db =>
        {
            var e = db.Set<PoolExpert>().OrderBy(x => x.RegistrationNumber).Skip(2).First();
            e.BirthDate = today.AddYears(-71); // 71 on the evaluation day; the configured age is 70
            db.SaveChanges();
            return (e.Id, e.RegistrationNumber, db.Users.Single(u => u.Id == e.UserId).UserName!);
        });
        var youngReg = App.WithDb(db => db.Set<PoolExpert>().OrderBy(x => x.RegistrationNumber).Skip(3).First().RegistrationNumber);

        var centre = await Browser.SignInAsync(App, "centre");
        var listZh = await centre.GetStringAsync("/Experts?culture=zh-CN");
        Assert.Contains($"data-registration=\"{retiredReg}\" data-status=\"retired-by-age\"", listZh, StringComparison.Ordinal);
        Assert.Contains($"data-registration=\"{youngReg}\" data-status=\"active\"", listZh, StringComparison.Ordinal);
        Assert.True(RowOf(listZh, retiredReg).Contains("已退休：年满71岁，达到退休年龄70岁，不参加抽取", StringComparison.Ordinal), RowOf(listZh, retiredReg));
        var listEn = await centre.GetStringAsync("/Experts?culture=en");
        Assert.Contains("retired: reached the retirement age 70 (age 71); not drawn", RowOf(listEn, retiredReg), StringComparison.Ordinal);
        Assert.DoesNotContain("retired", RowOf(listEn, youngReg), StringComparison.Ordinal);

        var profile = await centre.GetStringAsync($"/Experts/Edit/{retiredId}?culture=en");
        Assert.Contains("data-status=\"retired-by-age\">retired: reached the retirement age 70 (age 71); not drawn<", profile, StringComparison.Ordinal);
        var own = await Browser.SignInAsync(App, retiredUser);
        Assert.Contains("data-status=\"retired-by-age\">已退休：年满71岁，达到退休年龄70岁，不参加抽取<", await own.GetStringAsync("/Experts/Me?culture=zh-CN"), StringComparison.Ordinal);
        // Staff retiring the expert as well shows both.
        App.WithDb(db => { db.Set<PoolExpert>().Single(e => e.Id == retiredId).Status = ExpertStatus.Suspended; db.Set<PoolExpert>().Single(e => e.Id == retiredId).SuspendedUntil = DateTime.UtcNow.AddDays(30); return db.SaveChanges(); });
        var both = RowOf(await centre.GetStringAsync("/Experts?culture=en"), retiredReg);
        Assert.Contains("suspended", both, StringComparison.Ordinal);
        Assert.Contains("reached the retirement age 70", both, StringComparison.Ordinal);
        App.WithDb(db => { var e = db.Set<PoolExpert>().Single(x => x.Id == retiredId); e.Status = ExpertStatus.Active; e.SuspendedUntil = null; return db.SaveChanges(); });

        // The draw leaves them out with the age and the configured retirement age, and never draws them.
        var t = TenderByOwner("owner2");
        var id = await RequestAsync(centre, t, RequestForm(t, t.Lots[0]));
        var exclusions = await (await App.ApiAsync("centre")).GetFromJsonAsync<List<ExclusionDto>>($"/api/draws/{id}/exclusions?culture=zh-CN");
        var mine = Assert.Single(exclusions!, x => x.RegistrationNumber == retiredReg);
        Assert.Equal([ReasonCodes.RetirementAge], mine.Codes);
        Assert.Contains("评标日该专家年满71岁，达到退休年龄70岁", mine.Reasons[0], StringComparison.Ordinal);
        await DrawAsync(id, "owner2");
        Assert.DoesNotContain(Session(id).Members, m => m.ExpertId == retiredId);
        Assert.Equal(App.WithDb(db => db.Set<PoolExpert>().Count()) - 1, DrawRecordJson.Deserialize(Session(id).RecordJson).Eligible.Count);
    }

    private static string RowOf(string html, string registration)
    {
        var start = html.IndexOf($"data-registration=\"{registration}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, registration);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task No_draw_or_expert_page_or_api_tells_owner_agent_or_bidders_who_was_drawn_before_the_award()
    {
        NormalisePool();
        var t = TenderByOwner("owner1");
        var centre = await Browser.SignInAsync(App, "centre");
        var id = await RequestAsync(centre, t, RequestForm(t, t.Lots[0]));
        await DrawAsync(id, "owner1");
        // One declines, so the committee has a replacement and the log a replacement entry.
        var first = Session(id).Members.First();
        var firstUser = App.WithDb(db => (from e in db.Set<PoolExpert>() join u in db.Users on e.UserId equals u.Id where e.Id == first.ExpertId select u.UserName).Single()!);
        var declined = await Browser.PostFormAsync(await Browser.SignInAsync(App, firstUser), "/Draw/Invitations", "/Draw/Invitations?handler=Decline",
            new Dictionary<string, string> { ["memberId"] = first.Id.ToString(), ["reason"] = "travel" });
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        var members = Session(id).Members;
        Assert.Equal(6, members.Count);
        var secrets = App.WithDb(db => (from m in db.Set<CommitteeMember>() join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id join u in db.Users on e.UserId equals u.Id
                                        where m.SessionId == id select new[] { e.Name, e.RegistrationNumber, e.Id.ToString(), u.UserName!, u.Id.ToString(), m.Id.ToString() }).ToList())
            .SelectMany(x => x).ToList();
        var pseudonyms = members.Select(m => m.Pseudonym).ToList();
        var experts = App.WithDb(db => db.Set<PoolExpert>().Select(e => e.Id).ToList());

        void Clean(string what, string body)
        {
            foreach (var s in secrets) Assert.False(body.Contains(s, StringComparison.Ordinal), $"{what} shows {s}");
        }

        foreach (var user in new[] { "owner1", "agent", "bidder01", "bidder05" })
        {
            var web = await Browser.SignInAsync(App, user);
            // Pages that are open to them show pseudonyms only.
            foreach (var url in new[] { "/Draw", $"/Draw?tenderId={t.Id}", $"/Draw/Details/{id}", $"/Draw/Details/{id}?culture=en", $"/Draw/Details/{id}?handler=Record" })
            {
                var r = await web.GetAsync(url);
                Assert.True(r.StatusCode == HttpStatusCode.OK, $"{user} {url}: {r.StatusCode}");
                Clean($"{user} {url}", await r.Content.ReadAsStringAsync());
            }
            Assert.Contains(pseudonyms[0], await web.GetStringAsync($"/Draw/Details/{id}?handler=Record"), StringComparison.Ordinal);
            var pdf = await web.GetAsync($"/Draw/Details/{id}?handler=Pdf");
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            using (var doc = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
            {
                var text = string.Concat(doc.GetPages().Select(p => p.Text)).Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
                Clean($"{user} pdf", text);
                Assert.Contains(Session(id).DrawId, text, StringComparison.Ordinal);
            }
            // Pages for experts, the pool and check-in are closed to them.
            foreach (var url in new[] { "/Draw/Invitations", "/Experts", "/Experts/Create", "/Experts/Me", $"/Experts/Edit/{experts[0]}", $"/Experts/Edit/{first.ExpertId}", "/CheckIn", "/CheckIn/Kiosk" })
            {
                var r = await web.GetAsync(url);
                Assert.True(r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{user} {url}: {r.StatusCode}");
                Assert.False(r.StatusCode == HttpStatusCode.Redirect && !r.Headers.Location!.OriginalString.Contains("Account", StringComparison.OrdinalIgnoreCase), $"{user} {url} went to {r.Headers.Location}");
                Clean($"{user} {url}", await r.Content.ReadAsStringAsync());
            }
            // In-app messages name no expert either.
            var inbox = await web.GetAsync("/Notifications");
            Clean($"{user} notifications", await inbox.Content.ReadAsStringAsync());

            var api = await App.ApiAsync(user);
            foreach (var url in new[] { "/api/draws", $"/api/draws?tenderId={t.Id}", $"/api/draws/{id}", $"/api/draws/{id}/record", $"/api/public/draws/{id}/record" })
            {
                var r = await api.GetAsync(url);
                Assert.True(r.StatusCode == HttpStatusCode.OK, $"{user} {url}: {r.StatusCode}");
                Clean($"{user} {url}", await r.Content.ReadAsStringAsync());
            }
            var dto = await api.GetFromJsonAsync<JsonElement>($"/api/draws/{id}");
            Assert.False(dto.GetProperty("identitiesShown").GetBoolean());
            foreach (var url in new[] { $"/api/draws/{id}/exclusions", "/api/checkin/attempts" })
            {
                var r = await api.GetAsync(url);
                Assert.True(r.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"{user} {url}: {r.StatusCode}");
                Clean($"{user} {url}", await r.Content.ReadAsStringAsync());
            }
        }

        // Anonymous readers get the public record and the public log, and nothing that names anyone.
        var anon = Browser.Client(App);
        foreach (var url in new[] { $"/api/public/draws/{id}/record", $"/api/log/entries.jsonl?tender={t.Id}", "/api/log/entries.jsonl" })
        {
            var r = await anon.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"anonymous {url}: {r.StatusCode}");
            var body = await r.Content.ReadAsStringAsync();
            Clean($"anonymous {url}", body);
            if (url.Contains("log", StringComparison.Ordinal)) Assert.Contains("draw.replaced", body, StringComparison.Ordinal);
        }
        foreach (var url in new[] { "/api/draws", $"/api/draws/{id}", $"/api/draws/{id}/exclusions" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anon.GetAsync($"/Draw/Details/{id}?handler=Pdf")).StatusCode);

        // The check: oversight does see the names on the same endpoints (so the sweep above could fail).
        var sup = await App.ApiAsync("supervisor");
        var seen = await sup.GetStringAsync($"/api/draws/{id}");
        Assert.Contains(secrets[0], await centre.GetStringAsync($"/Draw/Details/{id}"), StringComparison.Ordinal);
        Assert.Contains(secrets, s => seen.Contains(s, StringComparison.Ordinal));
    }
}
