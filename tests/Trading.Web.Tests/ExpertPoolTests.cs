using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Experts;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The pool's pages: staff maintain profiles, an expert edits only their own and not the staff-owned fields; every change logged without personal data.</summary>
public class ExpertPoolTests(PostgresServer pg) : WebTest(pg)
{
    private PoolExpert Expert(string userName) => App.WithDb(db =>
    {
        var uid = db.Users.Single(u => u.UserName == userName).Id;
        return db.Set<PoolExpert>().Include(e => e.RegistryLinks).AsNoTracking().Single(e => e.UserId == uid);
    });

    private static Dictionary<string, string> Form(PoolExpert e, Action<Dictionary<string, string>>? change = null)
    {
        var f = new Dictionary<string, string>
        {
            ["Version"] = e.Version.ToString(), ["Input.Name"] = e.Name, ["Input.Phone"] = e.Phone ?? "", ["Input.Email"] = e.Email ?? "",
            ["Input.BirthDate"] = e.BirthDate.ToString("yyyy-MM-dd"), ["Input.EmployerName"] = e.EmployerName ?? "", ["Input.Region"] = e.Region,
            ["Input.Title"] = e.Title.ToString(), ["Input.PracticeSince"] = e.PracticeSince.ToString("yyyy-MM-dd"), ["Input.Specialties"] = e.Specialties[0],
        };
        change?.Invoke(f);
        return f;
    }

    private static string Errors(string html) =>
        string.Join(" | ", System.Text.RegularExpressions.Regex.Matches(html, "<li>(.*?)</li>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));

    [Fact]
    public async Task An_expert_edits_only_their_own_profile_and_never_the_staff_fields()
    {
        var me = Expert("expert01");
        var other = Expert("expert02");
        var c = await Browser.SignInAsync(App, "expert01");

        var page = await c.GetStringAsync("/Experts/Me");
        Assert.Contains(me.RegistrationNumber, page, StringComparison.Ordinal);
        Assert.Contains(me.IdNumberHint, page, StringComparison.Ordinal);
        Assert.DoesNotContain(other.RegistrationNumber, page, StringComparison.Ordinal);
        // The staff pages, and so every other profile, are closed to experts (and owners, bidders).
        foreach (var url in new[] { "/Experts", $"/Experts/Edit/{other.Id}", $"/Experts/Edit/{me.Id}", "/Experts/Create" })
        {
            var r = await c.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Contains("/Account/Denied", r.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        var staffToken = await Browser.TokenAsync(c, "/Experts/Me");
        var post = await c.PostAsync($"/Experts/Edit/{other.Id}", new FormUrlEncodedContent(new Dictionary<string, string>(Form(other, f => f["Input.Phone"] = "13900000000")) { ["__RequestVerificationToken"] = staffToken }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Contains("/Account/Denied", post.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(other.Phone, Expert("expert02").Phone);
        foreach (var user in new[] { "owner1", "bidder01" })
        {
            var u = await Browser.SignInAsync(App, user);
            Assert.Equal(HttpStatusCode.Redirect, (await u.GetAsync("/Experts")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await u.GetAsync("/Experts/Me")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await u.GetAsync("/Draw/Invitations")).StatusCode);
        }

        // Own contact details: saved and logged with the field name only.
        var logBefore = App.WithDb(db => db.LogEntries.Count());
        var ok = await Browser.PostFormAsync(c, "/Experts/Me", "/Experts/Me", Form(me, f => f["Input.Phone"] = "13811112222"));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("13811112222", Expert("expert01").Phone);
        var entry = App.WithDb(db => db.LogEntries.OrderBy(e => e.Index).Skip(logBefore).Single());
        Assert.Equal("expert.profile.changed", entry.Type);
        Assert.Contains("\"phone\"", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"self\"", entry.Payload, StringComparison.Ordinal);
        foreach (var secret in new[] { "13811112222", me.Name, me.RegistrationNumber, me.Phone ?? "" })
            Assert.DoesNotContain(secret, entry.Payload, StringComparison.Ordinal);

        // A forged post of a staff-owned field is refused and changes nothing.
        me = Expert("expert01");
        foreach (var forge in new Action<Dictionary<string, string>>[]
        {
            f => f["Input.Title"] = nameof(ExpertTitle.FullSenior),
            f => f["Input.PracticeSince"] = "1980-01-01",
            f => f["Input.RegistryLinks"] = "某公司 | Shareholder",
        })
        {
            var r = await Browser.PostFormAsync(c, "/Experts/Me", "/Experts/Me", Form(me, forge));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("expert.edit.staff-only", Errors(await r.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        var after = Expert("expert01");
        Assert.Equal(me.Title, after.Title);
        Assert.Equal(me.PracticeSince, after.PracticeSince);
        Assert.Equal(me.Version, after.Version);

        // Malformed lines name the field and line; a stale form is refused.
        var bad = await Browser.PostFormAsync(c, "/Experts/Me", "/Experts/Me", Form(me, f => f["Input.Unavailable"] = "2026-12-01 | 2026-12-03\nnext week"));
        Assert.Contains("unavailable:2", Errors(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var stale = await Browser.PostFormAsync(c, "/Experts/Me", "/Experts/Me", Form(me, f => { f["Version"] = Guid.NewGuid().ToString(); f["Input.Phone"] = "1"; }));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("13811112222", Expert("expert01").Phone);
        // Without the anti-forgery token nothing is saved.
        var noToken = await Browser.PostFormAsync(c, "/Experts/Me", "/Experts/Me", Form(me, f => f["Input.Phone"] = "13700000000"), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("13811112222", Expert("expert01").Phone);
    }

    [Fact]
    public async Task Centre_staff_maintain_profiles_and_the_id_number_stays_protected()
    {
        var e = Expert("expert05");
        var centre = await Browser.SignInAsync(App, "centre");
        var list = await centre.GetStringAsync("/Experts");
        Assert.Contains(e.IdNumberHint, list, StringComparison.Ordinal);
        using (var scope = App.Services.CreateScope())
        {
            var clear = scope.ServiceProvider.GetRequiredService<ExpertIdNumbers>().Unprotect(e.ProtectedIdNumber);
            Assert.DoesNotContain(clear, list, StringComparison.Ordinal);
            Assert.DoesNotContain(clear, await centre.GetStringAsync($"/Experts/Edit/{e.Id}"), StringComparison.Ordinal);
        }

        var wrongCheck = await Browser.PostFormAsync(centre, $"/Experts/Edit/{e.Id}", $"/Experts/Edit/{e.Id}", Form(e, f => f["Input.IdNumber"] = "350102197501010010"));
        Assert.Contains("idNumber", Errors(await wrongCheck.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var first17 = "35010219750101001";
        var id = first17 + ExpertIdNumbers.CheckDigit(first17);
        var logBefore = App.WithDb(db => db.LogEntries.Count());
        var ok = await Browser.PostFormAsync(centre, $"/Experts/Edit/{e.Id}", $"/Experts/Edit/{e.Id}", Form(e, f => { f["Input.IdNumber"] = id; f["Input.Title"] = nameof(ExpertTitle.FullSenior); }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var after = Expert("expert05");
        Assert.Equal(ExpertTitle.FullSenior, after.Title);
        Assert.Equal(ExpertIdNumbers.Mask(id), after.IdNumberHint);
        Assert.DoesNotContain(id, after.ProtectedIdNumber, StringComparison.Ordinal);
        var entry = App.WithDb(db => db.LogEntries.OrderBy(x => x.Index).Skip(logBefore).Single());
        Assert.Contains("\"idNumber\"", entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(id, entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(id[^4..] + "\"", entry.Payload, StringComparison.Ordinal);

        // Suspension with an end date; a suspension without one is refused.
        var noEnd = await Browser.PostFormAsync(centre, $"/Experts/Edit/{e.Id}", $"/Experts/Edit/{e.Id}?handler=Status", new Dictionary<string, string> { ["status"] = "Suspended", ["reason"] = "不良行为" });
        Assert.Contains("until", Errors(await noEnd.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var sus = await Browser.PostFormAsync(centre, $"/Experts/Edit/{e.Id}", $"/Experts/Edit/{e.Id}?handler=Status", new Dictionary<string, string> { ["status"] = "Suspended", ["reason"] = "不良行为", ["until"] = "2027-01-31" });
        Assert.Equal(HttpStatusCode.Redirect, sus.StatusCode);
        after = Expert("expert05");
        Assert.Equal(ExpertStatus.Suspended, after.Status);
        Assert.Equal(ExpertStatus.Active, after.StatusAt(after.SuspendedUntil!.Value.AddSeconds(1))); // lapses by itself
        // The expert may not lift it.
        var self = await Browser.SignInAsync(App, "expert05");
        var lift = await self.PostAsync($"/Experts/Edit/{e.Id}?handler=Status", new FormUrlEncodedContent(new Dictionary<string, string> { ["status"] = "Active", ["__RequestVerificationToken"] = await Browser.TokenAsync(self, "/Experts/Me") }));
        Assert.Equal(HttpStatusCode.Redirect, lift.StatusCode);
        Assert.Contains("/Account/Denied", lift.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(ExpertStatus.Suspended, Expert("expert05").Status);
    }
}
