using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain.Certificates;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The registration of a certificate from another CA, in Chromium and in Chinese, at a deployment that trusts a throwaway
/// CA (made as in <see cref="ExternalCertificateTests"/>): a certificate file from a CA it does not trust is refused in
/// words, naming the issuer; the right certificate pasted as PEM then waits for the centre's approval. A chain pasted with
/// an expired intermediate is refused naming it; the current chain is registered with its intermediate kept.
/// </summary>
public sealed class ExternalCertificateBrowserTests(PostgresServer pg) : BrowserTest(pg), IAsyncDisposable
{
    private readonly TrustedFirmCa cas = new();

    protected override IReadOnlyDictionary<string, string> Settings => cas.Settings();

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        cas.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_firm_is_told_in_Chinese_why_a_certificate_file_is_refused_then_registers_the_right_pem_for_approval()
    {
        var now = App.Clock.GetUtcNow();
        var (firm, credit, page, totpKey) = await OpenCertificatesInChineseAsync("bidder01");

        var form = page.GetByRole(AriaRole.Form, new() { Name = Wording.Of("Certificate.Register.Title") });
        await Assertions.Expect(form).ToBeVisibleAsync();

        // A certificate file (DER) from a CA the centre does not trust: refused before the code is looked at, in words.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var untrusted = ExternalCertificateTests.Leaf(cas.Other, otherKey, firm, credit, now.AddDays(-1), now.AddDays(300)))
            await form.GetByLabel(Wording.Of("Certificate.Register.File")).SetInputFilesAsync(
                new FilePayload { Name = "firm.cer", MimeType = "application/pkix-cert", Buffer = untrusted.RawData });
        await form.GetByLabel(Wording.Of("Certificate.Code")).FillAsync("000000");
        await form.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.Register.Submit") }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = Wording.Of(CertificateRules.UntrustedIssuer) });
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await Assertions.Expect(refusal).ToContainTextAsync("Unknown CA");
        var said = await refusal.InnerTextAsync();
        Assert.DoesNotContain("Rule.", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", said, StringComparison.Ordinal);
        Assert.DoesNotContain("UntrustedIssuer", said, StringComparison.Ordinal);
        Assert.Equal(0, App.WithDb(db => db.Set<FirmCertificate>().Count()));

        // The right certificate, pasted as PEM with a current code: it waits for the centre.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var good = ExternalCertificateTests.Leaf(cas.Trusted, key, firm, credit, now.AddDays(-1), now.AddDays(300));
        form = page.GetByRole(AriaRole.Form, new() { Name = Wording.Of("Certificate.Register.Title") });
        await form.GetByLabel(Wording.Of("Certificate.Register.Pem")).FillAsync(good.ExportCertificatePem());
        await form.GetByLabel(Wording.Of("Certificate.Code")).FillAsync(Totp.FreshCode(totpKey));
        await form.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.Register.Submit") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = Wording.Of("Certificate.Registered") })).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row).Filter(new() { HasText = Wording.Of("Certificate.Status.Requested") });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(Wording.Of("Certificate.External"));
        await Assertions.Expect(row).ToContainTextAsync(good.SerialNumber.ToLowerInvariant());
        var stored = App.WithDb(db => db.Set<FirmCertificate>().AsNoTracking().Single());
        Assert.Equal((FirmCertificateStatus.Requested, true), (stored.Status, stored.External));
        Assert.Equal(good.RawData, stored.Certificate);

        await AccessibilityBrowserTests.AssertUsableAsync(page, "/Certificates");
    }

    [Fact]
    public async Task A_chain_with_an_expired_intermediate_is_refused_in_Chinese_naming_it_then_the_current_chain_is_registered()
    {
        var now = App.Clock.GetUtcNow();
        var (firm, credit, page, totpKey) = await OpenCertificatesInChineseAsync("bidder01");

        // The firm's CA issues through an intermediate under the trusted root; the copy of the intermediate pasted has run out.
        using var midKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var mid = ExternalCertificateTests.Intermediate(cas.Deep, "Firm Issuing CA G2", now.AddYears(-1), now.AddYears(2), withKey: midKey);
        using var lapsed = ExternalCertificateTests.Intermediate(cas.Deep, "Firm Issuing CA G2", now.AddYears(-1), now.AddDays(-1), withKey: midKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = ExternalCertificateTests.Leaf(mid, key, firm, credit, now.AddDays(-1), now.AddDays(300));
        var form = page.GetByRole(AriaRole.Form, new() { Name = Wording.Of("Certificate.Register.Title") });
        await form.GetByLabel(Wording.Of("Certificate.Register.Pem")).FillAsync(leaf.ExportCertificatePem() + "\n" + lapsed.ExportCertificatePem());
        await form.GetByLabel(Wording.Of("Certificate.Code")).FillAsync("000000");
        await form.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.Register.Submit") }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = Wording.Of(CertificateRules.IntermediateNotValid) });
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await Assertions.Expect(refusal).ToContainTextAsync("Firm Issuing CA G2");
        var said = await refusal.InnerTextAsync();
        Assert.DoesNotContain("Rule.", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", said, StringComparison.Ordinal);
        Assert.Equal(0, App.WithDb(db => db.Set<FirmCertificate>().Count()));

        // The current chain, with a current code: it waits for the centre, its intermediate kept.
        form = page.GetByRole(AriaRole.Form, new() { Name = Wording.Of("Certificate.Register.Title") });
        await form.GetByLabel(Wording.Of("Certificate.Register.Pem")).FillAsync(leaf.ExportCertificatePem() + "\n" + mid.ExportCertificatePem());
        await form.GetByLabel(Wording.Of("Certificate.Code")).FillAsync(Totp.FreshCode(totpKey));
        await form.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.Register.Submit") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = Wording.Of("Certificate.Registered") })).ToBeVisibleAsync();
        var stored = App.WithDb(db => db.Set<FirmCertificate>().AsNoTracking().Single());
        Assert.Equal((FirmCertificateStatus.Requested, true), (stored.Status, stored.External));
        Assert.Equal(leaf.RawData, stored.Certificate);
        Assert.Equal([mid.RawData], stored.Intermediates);
    }

    /// <summary>The firm's name and credit code, and its user signed in with two-factor on /Certificates in Chinese.</summary>
    private async Task<(string Firm, string Credit, IPage Page, string TotpKey)> OpenCertificatesInChineseAsync(string user)
    {
        var (firm, credit) = App.WithDb(db =>
        {
            var org = db.Users.AsNoTracking().Where(u => u.UserName == user).Select(u => u.OrganisationId).First();
            var o = db.Organisations.AsNoTracking().First(x => x.Id == org);
            return (o.Name, o.CreditCode!);
        });
        var (page, totpKey) = await SignInWithTwoFactorAsync(user);
        await page.Locator("#culture-select").SelectOptionAsync("zh-CN");
        await page.WaitUntilAsync("document.documentElement.lang === 'zh-CN'");
        await page.GotoAsync("/Certificates");
        return (firm, credit, page, totpKey);
    }
}

/// <summary>
/// A deployment that trusts no other CA (no <c>Certificates:TrustedRoots</c>): the page offers no registration form, only
/// the sentence that the centre accepts the certificates it issues, and the API refuses a registration with that reason
/// in the caller's language, whatever the certificate.
/// </summary>
public sealed class ExternalCertificateNoRootsBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task Without_trusted_roots_the_page_says_only_the_centres_certificates_are_accepted_and_the_api_refuses_registrations()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, "bidder01");
        await page.Locator("#culture-select").SelectOptionAsync("zh-CN");
        await page.WaitUntilAsync("document.documentElement.lang === 'zh-CN'");
        await page.GotoAsync("/Certificates");

        await Assertions.Expect(page.GetByText(Wording.Of("Certificate.Register.NotOffered"))).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Form, new() { Name = Wording.Of("Certificate.Register.Title") })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel(Wording.Of("Certificate.Register.File"))).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.Register.Submit") })).ToHaveCountAsync(0);
        // Asking for a certificate from the centre is still offered.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Wording.Of("Certificate.MakeKeyAndRequest") })).ToBeVisibleAsync();

        // The API says why, in each language, for any certificate: the reason is the deployment's.
        using var ca = ExternalCertificateTests.Ca("Some Firm CA");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = App.Clock.GetUtcNow();
        using var leaf = ExternalCertificateTests.Leaf(ca, key, "示范企业", "91350100M000100Y43", now.AddDays(-1), now.AddDays(300));
        foreach (var (culture, words) in new[] { ("zh-CN", Wording.Of(CertificateRules.RegistrationNotOffered)), ("en", "accepts only certificates it issues") })
        {
            var bidder = await App.ApiAsync("bidder01", culture: culture);
            var said = await (await bidder.PostAsJsonAsync("/api/certificates/registrations", new { certificate = leaf.ExportCertificatePem(), code = "000000" }))
                .AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.RegistrationNotOffered);
            Assert.Contains(words, said, StringComparison.Ordinal);
        }
        Assert.Equal(0, App.WithDb(db => db.Set<FirmCertificate>().Count()));

        await AccessibilityBrowserTests.AssertUsableAsync(page, "/Certificates");
    }
}
