using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trading.Domain.Evaluation;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A committee member's own signature at a suite 2 deployment: in Chromium the room's script makes an SM2 key with the
/// SM module (as the firm certificate page does), its SM3withSM2 request is certified by the centre's SM2 CA and the
/// SM2 signature of the statement verifies; the issued report's member signatures check against both CAs.
/// </summary>
public class MemberSignatureSm2BrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Submission:Suite"] = Trading.Crypto.CryptoSuites.Sm2,
    };

    [Fact]
    public async Task A_member_signs_in_the_room_with_an_SM2_key_certified_by_the_SM2_CA()
    {
        var experts = EvaluationRoomTests.Experts;
        var s = await EvaluationRoomTests.ArrangeAsync(App, experts);
        var api = await EvaluationRoomTests.MembersAsync(App);
        await EvaluationRoomTests.ChairAndReviewAsync(s, api);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[experts[i]].PostAsJsonAsync(EvaluationRoomTests.Room(s, "/sheet"), EvaluationRoomTests.Sheet(s, experts[i], 20))).StatusCode);
        for (var i = 1; i < 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[experts[i]].PostAsJsonAsync(EvaluationRoomTests.Room(s, "/report/signatures"), await EvaluationRoomTests.Signature(api[experts[i]], s))).StatusCode);

        var page = await NewPageAsync();
        await SignInAsync(page, "expert01");
        await page.GotoAsync($"/Evaluation/Room/{s.SessionId}");
        await Assertions.Expect(page.Locator("#sign-form")).ToHaveAttributeAsync("data-suite", Trading.Crypto.CryptoSuites.Sm2);
        await page.Locator("#password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign the report" }).ClickAsync();
        await Assertions.Expect(page.Locator("div.alert-success[role=status]")).ToContainTextAsync("You have signed the report.");
        await Assertions.Expect(page.Locator("#report-issued")).ToBeVisibleAsync();

        var row = App.WithDb(db => db.Set<ReportSignature>().AsNoTracking().Single(x => x.MemberId == s.Seats["expert01"]));
        var certificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(row.MemberCertificate!);
        Assert.True(Trading.PublicLog.Sm2CertificateAuthority.IsSm2Key(certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded()));
        var authority = App.Services.GetRequiredService<Trading.Web.Features.Certificates.CertificateAuthority>();
        Assert.True(certificate.IssuerDN.Equivalent(authority.Sm2!.Ca.SubjectDN));

        var pdf = await (await (await App.ApiAsync("owner1")).GetAsync(EvaluationRoomTests.Room(s, "/report"))).Content.ReadAsByteArrayAsync();
        var (valid, failures) = Trading.PublicLog.MemberSignatures.Check(Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.ContentAttachment),
            Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.Attachment), [authority.Ca.Ca.RawData, authority.Sm2.Ca.GetEncoded()]);
        Assert.Empty(failures);
        Assert.Equal(5, valid.Count);
        Assert.Empty(CspViolations);
    }
}
