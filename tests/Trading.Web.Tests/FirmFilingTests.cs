using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class FirmFilingTests(PostgresServer pg) : WebTest(pg)
{
    private static MultipartFormDataContent Registration(string code, string userName, byte[]? licence = null, string licenceName = "licence.pdf", string password = "Firm-pass-2026")
    {
        var form = licence is null ? new MultipartFormDataContent() : TestApi.File("licence", licenceName, licence);
        void Add(string k, string v) => form.Add(new StringContent(v), k);
        Add("name", "测试建设有限公司"); Add("creditCode", code); Add("legalRepresentative", "张三");
        Add("contactName", "李四"); Add("contactPhone", "13800000000"); Add("contactEmail", "firm@example.cn");
        Add("shareholders", "张三: 60\n王五：40"); Add("userName", userName); Add("userDisplayName", "李四"); Add("password", password);
        return form;
    }

    private int Firms() => App.WithDb(db => db.Organisations.Count(o => o.Kind == OrganisationKind.BidderFirm));
    private int StoredFiles() => Directory.Exists(Path.Combine(App.DataDirectory, "files"))
        ? Directory.EnumerateFiles(Path.Combine(App.DataDirectory, "files"), "*", SearchOption.AllDirectories).Count(f => !f.Contains("/tmp/", StringComparison.Ordinal)) : 0;

    [Fact]
    public async Task Registration_needs_both_offices_before_the_firm_can_trade()
    {
        var anon = App.Anonymous();
        var r = await anon.PostAsync("/api/firms", Registration("91350100M000100Y43", "newfirm", TestApi.Pdf("licence")));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var id = (await r.Json()).GetProperty("id").GetGuid();

        var firmUser = await App.ApiAsync("newfirm", "Firm-pass-2026");
        var own = await (await firmUser.GetAsync($"/api/firms/{id}")).Json();
        Assert.Equal("Pending", own.GetProperty("status").GetString());

        var centre = await App.ApiAsync("centre");
        var afterCentre = await (await centre.PostAsync($"/api/firms/{id}/approve", null)).Json();
        Assert.Equal("Pending", afterCentre.GetProperty("status").GetString());
        Assert.True(afterCentre.GetProperty("centreApproved").GetBoolean());
        // The same office cannot approve twice to fake the second approval.
        await (await centre.PostAsync($"/api/firms/{id}/approve", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.AlreadyApprovedByOffice");

        var supervisor = await App.ApiAsync("supervisor");
        var afterBoth = await (await supervisor.PostAsync($"/api/firms/{id}/approve", null)).Json();
        Assert.Equal("Approved", afterBoth.GetProperty("status").GetString());

        var types = App.WithDb(db => db.LogEntries.Where(e => e.Payload.Contains(id.ToString())).OrderBy(e => e.Index).Select(e => e.Type).ToList());
        Assert.Equal(["firm.registered", "firm.approved", "firm.approved"], types);
        // No personal data in the clear: the user is a pseudonym, the password never appears.
        var payloads = App.WithDb(db => db.LogEntries.Select(e => e.Payload).ToList());
        Assert.DoesNotContain(payloads, p => p.Contains("newfirm", StringComparison.Ordinal) || p.Contains("Firm-pass", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("91350100M000100Y44", "Rule.CreditCode.Check")]
    [InlineData("9135010", "Rule.CreditCode.Length")]
    [InlineData("91350100M0001O0Y43", "Rule.CreditCode.Character")]
    public async Task Malformed_credit_codes_are_refused_and_nothing_is_saved(string code, string rule)
    {
        var before = (Firms(), StoredFiles());
        var r = await App.Anonymous().PostAsync("/api/firms", Registration(code, "badcode" + code.Length, TestApi.Pdf()));
        await r.AssertRefused(HttpStatusCode.UnprocessableEntity, rule);
        Assert.Equal(before, (Firms(), StoredFiles()));
    }

    [Fact]
    public async Task A_file_that_is_not_what_its_name_claims_is_refused_and_nothing_is_saved()
    {
        var before = (Firms(), StoredFiles());
        var exe = "MZ\u0090\0this is not a pdf"u8.ToArray();
        var r = await App.Anonymous().PostAsync("/api/firms", Registration("91110000802100433B", "fakepdf", exe, "licence.pdf"));
        var text = await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.ContentMismatch");
        Assert.Contains("licence.pdf", text, StringComparison.Ordinal);
        Assert.Equal(before, (Firms(), StoredFiles()));
    }

    [Fact]
    public async Task An_oversized_licence_is_refused()
    {
        var big = new byte[1024 * 1024 + 1];
        "%PDF-1.4"u8.CopyTo(big);
        var r = await App.Anonymous().PostAsync("/api/firms", Registration("91110000802100433B", "bigfile", big));
        await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.TooLarge");
    }

    [Fact]
    public async Task A_weak_password_fails_the_whole_registration_including_the_stored_licence()
    {
        var before = (Firms(), StoredFiles());
        var r = await App.Anonymous().PostAsync("/api/firms", Registration("91110000802100433B", "weakpw", TestApi.Pdf(), password: "short"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Equal(before, (Firms(), StoredFiles()));
        Assert.Null(App.WithDb(db => db.Users.FirstOrDefault(u => u.UserName == "weakpw")));
    }

    [Fact]
    public async Task A_duplicate_credit_code_is_refused()
    {
        var existing = App.WithDb(db => db.Organisations.First(o => o.Kind == OrganisationKind.BidderFirm).CreditCode!);
        var r = await App.Anonymous().PostAsync("/api/firms", Registration(existing, "dupe", TestApi.Pdf()));
        await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.DuplicateCode");
    }

    [Fact]
    public async Task A_bidder_cannot_read_or_approve_another_firm()
    {
        var bidder = await App.ApiAsync("bidder01");
        var other = App.WithDb(db => db.Users.Include(u => u.Organisation).First(u => u.UserName == "bidder02").OrganisationId);
        await (await bidder.GetAsync($"/api/firms/{other}")).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwner);
        await (await bidder.PostAsync($"/api/firms/{other}/approve", null)).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.CentreOrSupervisionOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await bidder.GetAsync("/api/firms")).StatusCode);
    }

    [Fact]
    public async Task Suspension_needs_a_reason_and_a_future_end()
    {
        var supervisor = await App.ApiAsync("supervisor");
        var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder03").OrganisationId);
        await (await supervisor.PostAsJsonAsync($"/api/firms/{firm}/suspend", new { reason = "", untilUtc = App.Clock.GetUtcNow().AddDays(30) }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.ReasonRequired");
        await (await supervisor.PostAsJsonAsync($"/api/firms/{firm}/suspend", new { reason = "bid rigging", untilUtc = App.Clock.GetUtcNow().AddDays(-1) }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.SuspensionEnd");
        var centre = await App.ApiAsync("centre");
        Assert.Equal(HttpStatusCode.Forbidden, (await centre.PostAsJsonAsync($"/api/firms/{firm}/suspend", new { reason = "x", untilUtc = App.Clock.GetUtcNow().AddDays(3) })).StatusCode);
    }

    [Fact]
    public async Task A_firm_adds_qualification_certificates_to_its_own_filing_only()
    {
        var bidder = await App.ApiAsync("bidder04");
        var own = App.WithDb(db => db.Users.First(u => u.UserName == "bidder04").OrganisationId);
        var other = App.WithDb(db => db.Users.First(u => u.UserName == "bidder05").OrganisationId);
        MultipartFormDataContent Form(string kind, string name, byte[] bytes)
        {
            var f = TestApi.File("file", name, bytes);
            f.Add(new StringContent(kind), "kind");
            return f;
        }
        var ok = await bidder.PostAsync($"/api/firms/{own}/documents", Form("QualificationCertificate", "grade-1.pdf", TestApi.Pdf("grade 1")));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        await (await bidder.PostAsync($"/api/firms/{other}/documents", Form("QualificationCertificate", "x.pdf", TestApi.Pdf())))
            .AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwner);
        await (await bidder.PostAsync($"/api/firms/{own}/documents", Form("BusinessLicence", "x.pdf", TestApi.Pdf())))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.DocumentKind");
        await (await bidder.PostAsync($"/api/firms/{own}/documents", Form("QualificationCertificate", "cert.png", TestApi.Pdf())))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.File.ContentMismatch");
        var docs = App.WithDb(db => db.FirmDocuments.Where(d => d.OrganisationId == own).Select(d => d.Kind).ToList());
        Assert.Equal([FirmDocumentKind.QualificationCertificate], docs);
    }

    [Fact]
    public async Task Malformed_json_gets_a_clear_refusal_not_an_empty_400()
    {
        var owner = await App.ApiAsync("owner1", culture: "zh-CN");
        var broken = new StringContent("{\"title\": \"x\", \"lots\": [", System.Text.Encoding.UTF8, "application/json");
        var text = await (await owner.PostAsync("/api/tenders", broken)).AssertRefused(HttpStatusCode.BadRequest, "Rule.BadRequest");
        Assert.Contains("JSON", text, StringComparison.Ordinal);
        var wrongType = new StringContent("{\"title\": 5, \"bidDeadlineUtc\": \"not a date\"}", System.Text.Encoding.UTF8, "application/json");
        await (await owner.PostAsync("/api/tenders", wrongType)).AssertRefused(HttpStatusCode.BadRequest, "Rule.BadRequest");
    }
}
