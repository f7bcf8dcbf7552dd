using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class AccountTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task A_form_post_without_the_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var owner = await Browser.SignInAsync(App, "owner1");
        var before = App.WithDb(db => db.Tenders.Count());
        var r = await Browser.PostFormAsync(owner, "/Tenders/Create", "/Tenders/Create", new Dictionary<string, string>
        {
            ["Form.Title"] = "csrf", ["Form.Qualifications"] = "x", ["Form.Place"] = "x",
            ["Form.Deadline"] = "2027-01-10T09:30", ["Form.Opening"] = "2027-01-10T09:30",
            ["Form.Lots[0].Name"] = "L", ["Form.Lots[0].Price"] = "1000000", ["Form.Lots[0].Bond"] = "1000",
        }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(before, App.WithDb(db => db.Tenders.Count()));
    }

    [Fact]
    public async Task The_same_form_with_its_token_registers_the_tender()
    {
        var owner = await Browser.SignInAsync(App, "owner1");
        var r = await Browser.PostFormAsync(owner, "/Tenders/Create", "/Tenders/Create", new Dictionary<string, string>
        {
            ["Form.Title"] = "with token", ["Form.Qualifications"] = "x", ["Form.Place"] = "Room 2",
            ["Form.Deadline"] = "2027-01-10T09:30", ["Form.Opening"] = "2027-01-10T09:30",
            ["Form.Lots[0].Name"] = "L", ["Form.Lots[0].Price"] = "1000000", ["Form.Lots[0].Bond"] = "1000",
        });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var t = App.WithDb(db => db.Tenders.First(x => x.Title == "with token"));
        // 09:30 in Asia/Shanghai is 01:30 UTC.
        Assert.Equal(new DateTime(2027, 1, 10, 1, 30, 0, DateTimeKind.Utc), t.BidDeadline);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_with_the_right_one_after()
    {
        var c = App.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            var bad = await c.PostAsJsonAsync("/api/auth/token", new { userName = "bidder05", password = "wrong-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        }
        var locked = await c.PostAsJsonAsync("/api/auth/token", new { userName = "bidder05", password = Trading.Web.Demo.DemoSeeder.Password });
        await locked.AssertRefused(HttpStatusCode.Unauthorized, "Auth.LockedOut");
    }

    [Fact]
    public async Task Two_factor_set_up_then_required_at_sign_in()
    {
        var page = await Browser.SignInAsync(App, "supervisor");
        var html = await page.GetStringAsync("/Account/Security");
        var key = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"totp-key\">([A-Z2-7 ]+)<").Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        Assert.NotEmpty(key);

        var wrong = await Browser.PostFormAsync(page, "/Account/Security", "/Account/Security?handler=Enable", new Dictionary<string, string> { ["Code"] = "000000" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode); // stays on the page with the refusal
        var enable = await Browser.PostFormAsync(page, "/Account/Security", "/Account/Security?handler=Enable", new Dictionary<string, string> { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, enable.StatusCode);
        Assert.True(App.WithDb(db => db.Users.First(u => u.UserName == "supervisor").TwoFactorEnabled));

        var api = App.Anonymous();
        var noCode = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password });
        await noCode.AssertRefused(HttpStatusCode.Unauthorized, "Auth.TwoFactorRequired");
        var withCode = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password, twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        Assert.Equal(["account.twofactor.enabled"], App.WithDb(db => db.LogEntries.Where(e => e.Type.StartsWith("account.")).Select(e => e.Type).ToList()));
    }

    [Fact]
    public async Task Passwords_are_stored_as_argon2id()
    {
        var hash = App.WithDb(db => db.Users.First(u => u.UserName == "owner1").PasswordHash);
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hash, StringComparison.Ordinal);
        var ok = await App.Anonymous().PostAsJsonAsync("/api/auth/token", new { userName = "owner1", password = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task The_language_choice_persists_in_a_cookie()
    {
        var c = Browser.Client(App, "en");
        Assert.Contains("Tender notices", await c.GetStringAsync("/"), StringComparison.Ordinal);
        var r = await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "zh-CN", ["returnUrl"] = "/Tenders" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/Tenders", r.Headers.Location?.OriginalString);
        Assert.Contains("招标公告", await c.GetStringAsync("/"), StringComparison.Ordinal);
        var evil = await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "https://evil.example/" });
        Assert.Equal("/", evil.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Health_and_openapi_are_served()
    {
        var c = App.Anonymous();
        Assert.Equal("Healthy", await c.GetStringAsync("/health"));
        var doc = await c.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/tenders/{id}/publish", doc, StringComparison.Ordinal);
    }
}
