using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Organisations and accounts managed by an administrator (issue 22): every act refused with its rule when it breaks
/// one, nothing half-saved, passwords set only by their users, deactivation ending cookie sessions and API tokens.
/// </summary>
public class AdminTests(PostgresServer pg) : WebTest(pg)
{
    private const string NewPassword = "Sanmen-Bridge-2027";
    private static readonly string[] Owner = ["Owner"], Bidder = ["Bidder"], CentreStaff = ["CentreStaff"], CentreAdmin = ["CentreStaff", "Admin"];

    private int Count(string type) => App.WithDb(db => db.LogEntries.Count(e => e.Type == type));

    private Guid Org(string user) => App.WithDb(db => db.Users.First(u => u.UserName == user).OrganisationId);

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The user follows the set-password link as a browser would: the page, then its form.</summary>
    private async Task<HttpResponseMessage> SetPasswordAsync(string path, string password, string? confirm = null, string? code = null)
    {
        var c = Browser.Client(App);
        var page = await c.GetStringAsync(path);
        Assert.Contains("data-testid=\"set-password\"", page, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + path).Query);
        var fields = new Dictionary<string, string> { ["user"] = query["user"]!, ["Token"] = query["token"]!, ["Password"] = password, ["Confirm"] = confirm ?? password };
        if (code is not null) fields["Code"] = code;
        return await Browser.PostFormAsync(c, path, "/Account/SetPassword", fields);
    }

    [Fact]
    public async Task Only_an_administrator_manages_organisations_and_accounts()
    {
        foreach (var user in new[] { "centre", "supervisor", "owner1", "bidder01" })
        {
            var api = await App.ApiAsync(user);
            await (await api.GetAsync("/api/admin/users")).AssertRefused(HttpStatusCode.Forbidden, "Rule.Admin.AdminOnly");
            await (await api.PostAsJsonAsync("/api/admin/organisations", new { kind = "OwnerUnit", name = "x", creditCode = "91350100M000100Y43" }))
                .AssertRefused(HttpStatusCode.Forbidden, "Rule.Admin.AdminOnly");
            var page = await Browser.SignInAsync(App, user);
            Assert.NotEqual(HttpStatusCode.OK, (await page.GetAsync("/Admin")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync("/api/admin/users")).StatusCode);
        Assert.Equal(0, Count("admin.organisation.created"));
    }

    [Fact]
    public async Task An_administrator_creates_an_owner_unit_and_its_account_whose_user_sets_their_own_password_once()
    {
        var admin = await App.ApiAsync("admin");
        var orgsBefore = App.WithDb(db => db.Organisations.Count());
        // Refused by rule, nothing saved: a bad check character, a bidder firm, a duplicate name.
        await (await admin.PostAsJsonAsync("/api/admin/organisations", new { kind = "OwnerUnit", name = "示范市水务局", creditCode = "91350100M000100Y44" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.CreditCode.Check");
        await (await admin.PostAsJsonAsync("/api/admin/organisations", new { kind = "BidderFirm", name = "某建设有限公司", creditCode = "91350100M000100Y43" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.KindNotManaged");
        await (await admin.PostAsJsonAsync("/api/admin/organisations", new { kind = "OwnerUnit", name = "示范市交通运输局", creditCode = "91350100M000100Y43" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.DuplicateName");
        Assert.Equal(orgsBefore, App.WithDb(db => db.Organisations.Count()));

        var created = await admin.PostAsJsonAsync("/api/admin/organisations", new { kind = "OwnerUnit", name = "示范市水务局", creditCode = "91350100M000100Y43", contactName = "周敏" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await Json(created)).GetProperty("id").GetGuid();
        Assert.Equal(1, Count("admin.organisation.created"));

        // Accounts: a role that does not fit the unit, a bad or taken user name, no role — each refused, no account made.
        var usersBefore = App.WithDb(db => db.Users.Count());
        await (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "water1", displayName = "水务局 周敏", organisationId = org, roles = CentreStaff }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.RoleNotForKind");
        await (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "water 1", displayName = "水务局 周敏", organisationId = org, roles = Owner }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.UserNameInvalid");
        await (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "owner1", displayName = "水务局 周敏", organisationId = org, roles = Owner }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.UserNameTaken");
        await (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "water1", displayName = "水务局 周敏", organisationId = org, roles = Array.Empty<string>() }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.NoRole");
        await (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "firmhand", displayName = "x", organisationId = Org("bidder01"), roles = Bidder }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.KindNotManaged");
        Assert.Equal(usersBefore, App.WithDb(db => db.Users.Count()));

        var made = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "water1", displayName = "水务局 周敏", organisationId = org, roles = Owner });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var path = (await Json(made)).GetProperty("path").GetString()!;
        // No password yet: nobody, the administrator included, can sign in as the new user.
        Assert.Null(App.WithDb(db => db.Users.Single(u => u.UserName == "water1").PasswordHash));

        // The user sets it: two different entries are refused, then it is set and the link is spent.
        var differ = await SetPasswordAsync(path, NewPassword, confirm: NewPassword + "x");
        Assert.Equal(HttpStatusCode.OK, differ.StatusCode);
        Assert.Contains("The two passwords are empty or differ.", await differ.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(path, NewPassword)).StatusCode);
        var spent = await Browser.Client(App).GetStringAsync(path);
        Assert.Contains("does not work", spent, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"set-password\"", spent, StringComparison.Ordinal);
        Assert.Equal(1, Count("account.password.set"));

        // The new owner works as an owner of its own unit.
        var water = await App.ApiAsync("water1", NewPassword);
        var tender = await water.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25)));
        Assert.Equal(HttpStatusCode.Created, tender.StatusCode);

        // The changes page names the people behind the log's pseudonyms, for the administrator.
        var changes = await (await Browser.SignInAsync(App, "admin")).GetStringAsync("/Admin/Changes");
        Assert.Contains("示范市水务局", changes, StringComparison.Ordinal);
        Assert.Contains("水务局 周敏 (water1)", changes, StringComparison.Ordinal);
        Assert.Contains("本人设置密码", changes, StringComparison.Ordinal);
        // The public log carries pseudonyms, never the account's id or name.
        var entry = App.WithDb(db => db.LogEntries.Single(e => e.Type == "admin.user.created").Payload);
        var id = App.WithDb(db => db.Users.Single(u => u.UserName == "water1").Id);
        Assert.DoesNotContain(id.ToString(), entry, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("water1", entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deactivated_account_loses_its_sessions_and_tokens_at_once_and_signs_in_again_only_when_reactivated()
    {
        var admin = await App.ApiAsync("admin");
        var owner2Id = App.WithDb(db => db.Users.Single(u => u.UserName == "owner2").Id);
        var cookie = await Browser.SignInAsync(App, "owner2");
        var token = await App.ApiAsync("owner2");
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/tenders")).StatusCode);

        await (await admin.PostAsJsonAsync($"/api/admin/users/{owner2Id}/deactivate", new { reason = " " }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.ReasonRequired");
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/tenders")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/admin/users/{owner2Id}/deactivate", new { reason = "调离本单位" })).StatusCode);
        await (await admin.PostAsJsonAsync($"/api/admin/users/{owner2Id}/deactivate", new { reason = "again" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.AlreadyInactive");

        // The token issued before is refused from the next request; the page session is gone; signing in fails.
        Assert.Equal(HttpStatusCode.Unauthorized, (await token.GetAsync("/api/tenders")).StatusCode);
        var page = await cookie.GetAsync("/Engagements");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
        var login = await Browser.PostFormAsync(Browser.Client(App), "/Account/Login", "/Account/Login", new Dictionary<string, string> { ["UserName"] = "owner2", ["Password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().PostAsJsonAsync("/api/auth/token", new { userName = "owner2", password = Trading.Web.Demo.DemoSeeder.Password })).StatusCode);
        // A set-password link is not issued for a deactivated account.
        await (await admin.PostAsync($"/api/admin/users/{owner2Id}/reset", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.Inactive");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/admin/users/{owner2Id}/reactivate", new { reason = "复核后恢复" })).StatusCode);
        await Browser.SignInAsync(App, "owner2");
        Assert.Equal(1, Count("admin.user.deactivated"));
        Assert.Equal(1, Count("admin.user.reactivated"));
    }

    [Fact]
    public async Task An_administrator_keeps_their_own_account_and_the_last_administrator_and_roles_follow_the_unit()
    {
        var admin = await App.ApiAsync("admin");
        var adminId = App.WithDb(db => db.Users.Single(u => u.UserName == "admin").Id);
        await (await admin.PostAsJsonAsync($"/api/admin/users/{adminId}/deactivate", new { reason = "test" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.NotYourself");
        await (await admin.PostAsJsonAsync($"/api/admin/users/{adminId}/roles", new { roles = CentreStaff }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.NotYourself");

        // Roles: the centre's staff member may become an administrator too, never an owner.
        var centreId = App.WithDb(db => db.Users.Single(u => u.UserName == "centre").Id);
        await (await admin.PostAsJsonAsync($"/api/admin/users/{centreId}/roles", new { roles = Owner }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.RoleNotForKind");
        var centreToken = await App.ApiAsync("centre");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/admin/users/{centreId}/roles", new { roles = CentreAdmin })).StatusCode);
        // New roles end the old token (its claims would be stale); a new one carries the administrator role.
        Assert.Equal(HttpStatusCode.Unauthorized, (await centreToken.GetAsync("/api/tenders")).StatusCode);
        var second = await App.ApiAsync("centre");
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/admin/users")).StatusCode);
        // With two administrators, one may deactivate the other; the remaining one is then the last.
        Assert.Equal(HttpStatusCode.NoContent, (await second.PostAsJsonAsync($"/api/admin/users/{adminId}/deactivate", new { reason = "离职" })).StatusCode);
        await (await second.PostAsJsonAsync($"/api/admin/users/{centreId}/roles", new { roles = CentreStaff }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Admin.NotYourself");
        Assert.Equal(1, App.WithDb(db => db.UserRoles.Count(ur => db.Roles.Any(r => r.Id == ur.RoleId && r.Name == "Admin") && db.Users.Any(u => u.Id == ur.UserId && u.LockoutEnd == null))));
    }

    [Fact]
    public async Task A_reset_link_for_a_user_with_two_factor_also_needs_the_users_code()
    {
        string key;
        using (var scope = App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var u = (await users.FindByNameAsync("supervisor"))!;
            await users.ResetAuthenticatorKeyAsync(u);
            key = (await users.GetAuthenticatorKeyAsync(u))!;
            await users.SetTwoFactorEnabledAsync(u, true);
        }
        var admin = await App.ApiAsync("admin");
        var id = App.WithDb(db => db.Users.Single(u => u.UserName == "supervisor").Id);
        var reset = await admin.PostAsync($"/api/admin/users/{id}/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var path = (await Json(reset)).GetProperty("path").GetString()!;

        var noCode = await SetPasswordAsync(path, NewPassword);
        Assert.Equal(HttpStatusCode.OK, noCode.StatusCode);
        Assert.Contains("give the current code from your authenticator app", await noCode.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var before = App.WithDb(db => db.Users.Single(u => u.UserName == "supervisor").PasswordHash);
        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(path, NewPassword, code: Totp.FreshCode(key))).StatusCode);
        Assert.NotEqual(before, App.WithDb(db => db.Users.Single(u => u.UserName == "supervisor").PasswordHash));
        Assert.Equal(1, Count("admin.user.reset.issued"));
    }
}
