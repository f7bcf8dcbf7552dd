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

    private static string WithoutTrace(string answer) => System.Text.RegularExpressions.Regex.Replace(answer, "\"traceId\":\"[^\"]*\"", "");

    [Fact]
    public async Task Wrong_passwords_throttle_that_name_from_that_address_without_locking_the_account_and_an_unknown_name_gets_the_same_answers()
    {
        var c = App.Anonymous();
        var answers = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "bidder05", "nobody-by-this-name" })
        {
            var seen = answers[name] = [];
            for (var i = 0; i < 5; i++)
            {
                var bad = await c.PostAsJsonAsync("/api/auth/token", new { userName = name, password = "wrong-password" });
                seen.Add(WithoutTrace($"{(int)bad.StatusCode} {await bad.Content.ReadAsStringAsync()}"));
            }
            // The sixth try is not even checked, right password or not, and says the same for both names.
            var sixth = await c.PostAsJsonAsync("/api/auth/token", new { userName = name, password = Trading.Web.Demo.DemoSeeder.Password });
            seen.Add(WithoutTrace($"{(int)sixth.StatusCode} {await sixth.Content.ReadAsStringAsync()}"));
        }
        Assert.Equal(answers["bidder05"], answers["nobody-by-this-name"]);
        Assert.All(answers["bidder05"].Take(5), a => Assert.Contains("Auth.Invalid", a, StringComparison.Ordinal));
        Assert.StartsWith("429", answers["bidder05"][5], StringComparison.Ordinal);
        Assert.Contains("Auth.Throttled", answers["bidder05"][5], StringComparison.Ordinal);

        // Nothing was locked: Identity's lockout is not used, so nobody can lock an officer out by typing their name.
        Assert.Null(App.WithDb(db => db.Users.Single(u => u.UserName == "bidder05").LockoutEnd));
        // Another account from the same address is not affected.
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsJsonAsync("/api/auth/token", new { userName = "owner1", password = Trading.Web.Demo.DemoSeeder.Password })).StatusCode);
        // The page says the same, in words.
        var page = await Browser.PostFormAsync(Browser.Client(App), "/Account/Login", "/Account/Login", new Dictionary<string, string> { ["UserName"] = "bidder05", ["Password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Contains("Your account is not locked", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Requests carrying a fixed Cookie header, as a second machine with a copied cookie would send them.</summary>
    private async Task<HttpResponseMessage> WithCookiesAsync(string cookies, HttpMethod method, string url, HttpContent? body = null)
    {
        var c = App.NewClient(cookies: false);
        using var request = new HttpRequestMessage(method, url) { Content = body };
        if (cookies.Length > 0) request.Headers.Add("Cookie", cookies);
        return await c.SendAsync(request);
    }

    private static string Cookies(HttpResponseMessage r, string existing = "")
    {
        var jar = existing.Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(x => x.Split('=', 2)).ToDictionary(x => x[0], x => x[1]);
        if (r.Headers.TryGetValues("Set-Cookie", out var set))
            foreach (var nv in set.Select(v => v.Split(';')[0].Split('=', 2))) jar[nv[0]] = nv[1];
        return string.Join("; ", jar.Select(kv => kv.Key + "=" + kv.Value));
    }

    private static string FormToken(string html) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);

    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copied_cookie_no_longer_works()
    {
        var login = await WithCookiesAsync("", HttpMethod.Get, "/Account/Login");
        var jar = Cookies(login);
        var signIn = await WithCookiesAsync(jar, HttpMethod.Post, "/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "owner1", ["Password"] = Trading.Web.Demo.DemoSeeder.Password, ["__RequestVerificationToken"] = FormToken(await login.Content.ReadAsStringAsync()),
        }));
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, jar + "\n" + await signIn.Content.ReadAsStringAsync());
        jar = Cookies(signIn, jar);
        Assert.Contains("trading.auth=", jar, StringComparison.Ordinal);
        // What a thief or a shared computer keeps: the cookie as it was while signed in.
        var copied = jar;
        Assert.Equal(HttpStatusCode.OK, (await WithCookiesAsync(copied, HttpMethod.Get, "/Account/Security")).StatusCode);

        var tenders = await WithCookiesAsync(jar, HttpMethod.Get, "/Tenders");
        jar = Cookies(tenders, jar);
        var logout = await WithCookiesAsync(jar, HttpMethod.Post, "/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(await tenders.Content.ReadAsStringAsync()),
        }));
        Assert.True(logout.StatusCode == HttpStatusCode.Redirect, "logout " + logout.StatusCode);

        // The test clock stands still; on a real one the next request is always later than the sign-in.
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var after = await WithCookiesAsync(copied, HttpMethod.Get, "/Account/Security");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private static string Key(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"totp-key\">([A-Z2-7 ]+)<").Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);

    [Fact]
    public async Task Two_factor_set_up_needs_the_password_then_is_required_at_sign_in_and_each_code_works_once()
    {
        var page = await Browser.SignInAsync(App, "supervisor");
        var key = Key(await page.GetStringAsync("/Account/Security"));
        Assert.NotEmpty(key);

        var wrong = await Browser.PostFormAsync(page, "/Account/Security", "/Account/Security?handler=Enable", new Dictionary<string, string> { ["Code"] = "000000", ["Password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode); // stays on the page with the refusal
        var noPassword = await Browser.PostFormAsync(page, "/Account/Security", "/Account/Security?handler=Enable", new Dictionary<string, string> { ["Code"] = Totp.FreshCode(key) });
        Assert.Equal(HttpStatusCode.OK, noPassword.StatusCode);
        Assert.Matches("current password|当前密码", await noPassword.Content.ReadAsStringAsync());
        Assert.False(App.WithDb(db => db.Users.First(u => u.UserName == "supervisor").TwoFactorEnabled));
        var enable = await Browser.PostFormAsync(page, "/Account/Security", "/Account/Security?handler=Enable", new Dictionary<string, string> { ["Code"] = Totp.FreshCode(key), ["Password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Equal(HttpStatusCode.Redirect, enable.StatusCode);
        Assert.True(App.WithDb(db => db.Users.First(u => u.UserName == "supervisor").TwoFactorEnabled));

        var api = App.Anonymous();
        var noCode = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password });
        await noCode.AssertRefused(HttpStatusCode.Unauthorized, "Auth.TwoFactorRequired");
        var code = Totp.FreshCode(key);
        var withCode = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password, twoFactorCode = code });
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        // The same code again, a moment later: refused.
        var replay = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password, twoFactorCode = code });
        await replay.AssertRefused(HttpStatusCode.Unauthorized, "Auth.BadCode");
        // A code from 75 seconds ago: refused (only one 30-second step either side is accepted).
        var stale = await api.PostAsJsonAsync("/api/auth/token", new { userName = "supervisor", password = Trading.Web.Demo.DemoSeeder.Password, twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(-75)) });
        await stale.AssertRefused(HttpStatusCode.Unauthorized, "Auth.BadCode");
        Assert.Equal(["account.twofactor.enabled"], App.WithDb(db => db.LogEntries.Where(e => e.Type.StartsWith("account.")).Select(e => e.Type).ToList()));

        // Turning it off takes the password and a current code; the password alone is not enough.
        var page2 = Browser.Client(App);
        var first = await Browser.PostFormAsync(page2, "/Account/Login", "/Account/Login", new Dictionary<string, string> { ["UserName"] = "supervisor", ["Password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Contains("LoginWith2fa", first.Headers.Location!.ToString(), StringComparison.Ordinal);
        var second = await Browser.PostFormAsync(page2, first.Headers.Location!.ToString(), "/Account/LoginWith2fa", new Dictionary<string, string> { ["Code"] = Totp.FreshCode(key) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var passwordOnly = await Browser.PostFormAsync(page2, "/Account/Security", "/Account/Security?handler=Disable", new Dictionary<string, string> { ["Password"] = Trading.Web.Demo.DemoSeeder.Password, ["Code"] = "" });
        Assert.Equal(HttpStatusCode.OK, passwordOnly.StatusCode);
        Assert.True(App.WithDb(db => db.Users.First(u => u.UserName == "supervisor").TwoFactorEnabled));
        var disable = await Browser.PostFormAsync(page2, "/Account/Security", "/Account/Security?handler=Disable", new Dictionary<string, string> { ["Password"] = Trading.Web.Demo.DemoSeeder.Password, ["Code"] = Totp.FreshCode(key) });
        Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);
        Assert.False(App.WithDb(db => db.Users.First(u => u.UserName == "supervisor").TwoFactorEnabled));
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
