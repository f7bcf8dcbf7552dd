using System.Net;
using System.Net.Http.Json;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Every role against every endpoint: allowed (2xx, or a rule refusal 422 that proves the request got
/// past authorisation) or refused (401, 403, 404, or a redirect to sign-in). Mismatches are listed together.
/// </summary>
public class AuthorizationMatrixTests(PostgresServer pg) : WebTest(pg)
{
    private static readonly string[] Users = ["anonymous", "owner1", "agent", "bidder01", "expert01", "centre", "supervisor", "admin"];

    private sealed record Case(string Method, string Url, Func<HttpContent?> Body, Dictionary<string, HttpStatusCode[]> Expect);

    [Fact]
    public async Task Every_role_against_every_endpoint()
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var owner1 = await App.ApiAsync("owner1");
        var owner1Org = App.WithDb(db => db.Users.First(u => u.UserName == "owner1").OrganisationId);
        var draft = (await (await owner1.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(now.AddDays(25)))).Json()).GetProperty("id").GetGuid();
        var published = await TestApi.PublishedTenderAsync(owner1, now.AddDays(25));
        var doc = (await (await owner1.GetAsync($"/api/tenders/{published}")).Json()).GetProperty("documents")[0].GetProperty("id").GetGuid();
        var firm2 = App.WithDb(db => db.Users.First(u => u.UserName == "bidder02").OrganisationId);
        var pendingFirm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder10").OrganisationId);

        HttpStatusCode[] ok = [HttpStatusCode.OK], created = [HttpStatusCode.Created], rule = [HttpStatusCode.UnprocessableEntity],
            no = [HttpStatusCode.Forbidden], hidden = [HttpStatusCode.NotFound], anon = [HttpStatusCode.Unauthorized], login = [HttpStatusCode.Redirect];
        Dictionary<string, HttpStatusCode[]> All(HttpStatusCode[] signedIn, HttpStatusCode[]? anonymous = null, params (string User, HttpStatusCode[] Codes)[] except)
        {
            var d = Users.ToDictionary(u => u, u => u == "anonymous" ? anonymous ?? anon : signedIn);
            foreach (var (u, c) in except) d[u] = c;
            return d;
        }
        Func<HttpContent?> none = () => null;
        Func<HttpContent?> Json(object o) => () => JsonContent.Create(o);
        var tenderBody = TestApi.TenderBody(now.AddDays(25), owner: owner1Org);
        (string User, HttpStatusCode[] Codes)[] oversightOk = [("centre", ok), ("supervisor", ok), ("admin", ok)];
        (string User, HttpStatusCode[] Codes)[] ownerAndOversight = [("owner1", ok), .. oversightOk];
        (string User, HttpStatusCode[] Codes)[] ownerBidderOversight = [("owner1", ok), ("bidder01", ok), .. oversightOk];

        Case[] cases =
        [
            new("GET", "/api/public/tenders", none, All(ok, ok)),
            new("GET", $"/api/public/tenders/{published}", none, All(ok, ok)),
            new("GET", $"/api/public/tenders/{draft}", none, All(hidden, hidden)),
            new("GET", "/api/tenders", none, All(ok)),
            new("GET", $"/api/tenders/{draft}", none, All(hidden, null, ownerAndOversight)),
            new("GET", $"/api/tenders/{published}", none, All(ok)),
            new("POST", "/api/tenders", Json(tenderBody), All(no, null, ("owner1", created), ("agent", created))),
            new("PUT", $"/api/tenders/{draft}", Json(tenderBody), All(hidden, null, ("owner1", ok), ("centre", no), ("supervisor", no), ("admin", no))),
            new("POST", $"/api/tenders/{draft}/documents", () => TestApi.File("file", "d.pdf", TestApi.Pdf()), All(hidden, null, ("owner1", created), ("centre", no), ("supervisor", no), ("admin", no))),
            new("POST", $"/api/tenders/{published}/publish", none, All(no, null, ("owner1", rule))),
            new("POST", $"/api/tenders/{published}/clarifications", Json(new { question = "q", answer = "a", changesDocuments = false }), All(no, null, ("owner1", created))),
            new("POST", $"/api/tenders/{published}/close-bidding", none, All(no, null, ("owner1", rule), ("centre", rule), ("supervisor", rule), ("admin", rule))),
            new("POST", $"/api/tenders/{published}/documents/{doc}", none, All(no, null, ownerBidderOversight)),
            new("GET", $"/api/tenders/{published}/downloads", none, All(no, null, ownerBidderOversight)),
            new("GET", "/api/firms", none, All(no, null, oversightOk)),
            new("GET", $"/api/firms/{firm2}", none, All(no, null, oversightOk)),
            new("POST", $"/api/firms/{firm2}/approve", none, All(no, null, ("centre", rule), ("supervisor", rule))),
            new("POST", $"/api/firms/{pendingFirm}/reject", Json(new { reason = "" }), All(no, null, ("centre", rule), ("supervisor", rule))),
            new("POST", $"/api/firms/{firm2}/documents", () => { var f = TestApi.File("file", "q.pdf", TestApi.Pdf()); f.Add(new StringContent("QualificationCertificate"), "kind"); return f; }, All(no)),
            new("POST", $"/api/firms/{firm2}/suspend", Json(new { reason = "x", untilUtc = now.AddDays(-1) }), All(no, null, ("supervisor", rule))),
            // The public log: anyone, signed in or not, may read and check it.
            new("GET", "/api/log/checkpoint", none, All(ok, ok)),
            new("GET", "/api/log/entries?start=0&count=10", none, All(ok, ok)),
            new("GET", "/api/log/proof/inclusion?index=0&size=2", none, All(ok, ok)),
            new("GET", "/api/log/proof/consistency?from=1&to=2", none, All(ok, ok)),
            // Pages: anonymous users are sent to sign in; signed-in users without the role get 403.
            new("GET", "/", none, All(ok, ok)),
            new("GET", "/Tenders", none, All(ok, ok)),
            new("GET", $"/Tenders/Details/{published}", none, All(ok, ok)),
            new("GET", $"/Tenders/Details/{draft}", none, All(hidden, hidden, ownerAndOversight)),
            new("GET", "/Tenders/Create", none, All(no, login, ("owner1", ok), ("agent", ok))),
            new("GET", "/Firms", none, All(no, login, oversightOk)),
            new("GET", $"/Firms/Details/{firm2}", none, All(no, login, oversightOk)),
            new("GET", "/Account/Security", none, All(ok, login)),
            new("GET", "/Audit", none, All(no, login, oversightOk)),
        ];

        var mismatches = new List<string>();
        foreach (var user in Users)
        {
            var api = user == "anonymous" ? App.Anonymous() : await App.ApiAsync(user);
            var pages = user == "anonymous" ? App.Anonymous() : await Browser.SignInAsync(App, user);
            foreach (var c in cases)
            {
                var client = c.Url.StartsWith("/api/", StringComparison.Ordinal) ? api : pages;
                using var req = new HttpRequestMessage(new HttpMethod(c.Method), c.Url) { Content = c.Body() };
                var res = await client.SendAsync(req);
                var status = res.StatusCode;
                var target = res.Headers.Location is { } loc ? new Uri(new Uri("http://localhost"), loc).AbsolutePath : "";
                // Pages answer a signed-in user without the role by sending them to the access-denied page.
                if (status == HttpStatusCode.Redirect && target == "/Account/Denied")
                    status = HttpStatusCode.Forbidden;
                else if (status == HttpStatusCode.Redirect && target != "/Account/Login")
                    status = HttpStatusCode.Ambiguous; // any other redirect is not an expected answer
                if (!c.Expect[user].Contains(status))
                    mismatches.Add($"{user} {c.Method} {c.Url}: expected {string.Join("/", c.Expect[user])}, got {(int)res.StatusCode} {res.StatusCode} {res.Headers.Location}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
