using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Domain.Certificates;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A firm registers a certificate from a CA the centre trusts (a throwaway CA made here, configured as
/// <c>Certificates:TrustedRoots</c>) through the real endpoints: one from another root, an expired one, one naming another
/// firm's credit code and one without digitalSignature are refused with their reasons (the page shows the reason too);
/// the right one waits for the centre, is approved, and a bid signed with its key is accepted and names it; after the
/// centre revokes it, a bid signed with it is refused, as for a certificate the centre issued.
/// </summary>
public class ExternalCertificateTests(PostgresServer pg) : WebTest(pg), IAsyncDisposable
{
    private static readonly DateTimeOffset Real = DateTimeOffset.UtcNow;
    private readonly TrustedFirmCa cas = new();

    protected override IReadOnlyDictionary<string, string> Settings => cas.Settings(Bidding.FastSettings);

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        cas.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static X509Certificate2 Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}, O=Test CA, C=CN", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(Real.AddYears(-2), Real.AddYears(5));
    }

    /// <summary>A firm certificate as a Chinese CA writes it: the credit code as organizationIdentifier.</summary>
    internal static X509Certificate2 Leaf(X509Certificate2 issuer, ECDsa key, string firm, string creditCode, DateTimeOffset from, DateTimeOffset to,
        X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationName(firm);
        name.Add("2.5.4.97", creditCode, System.Formats.Asn1.UniversalTagNumber.UTF8String);
        name.AddCommonName(firm);
        var req = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        return req.Create(issuer, from, to, RandomNumberGenerator.GetBytes(16));
    }

    private (string Firm, string Code) FirmOf(string user) => App.WithDb(db =>
    {
        var org = db.Users.AsNoTracking().Where(u => u.UserName == user).Select(u => u.OrganisationId).First();
        var o = db.Organisations.AsNoTracking().First(x => x.Id == org);
        return (o.Name, o.CreditCode!);
    });

    [Fact]
    public async Task A_certificate_from_a_trusted_ca_is_registered_approved_signs_bids_and_is_revoked_like_an_issued_one()
    {
        var now = App.Clock.GetUtcNow();
        var (firm, code) = FirmOf("bidder01");
        var (_, otherCode) = FirmOf("bidder02");
        Assert.NotEqual(code, otherCode);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // On the page (form post with its anti-forgery token): an expired certificate is refused with the reason.
        var page = await Browser.SignInAsync(App, "bidder01");
        using (var expired = Leaf(cas.Trusted, other, firm, code, now.AddDays(-60), now.AddDays(-30)))
        {
            var r = await Browser.PostFormAsync(page, "/Certificates", "/Certificates?handler=Register",
                new Dictionary<string, string> { ["CertificatePem"] = expired.ExportCertificatePem(), ["Code"] = "000000" });
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(body.Contains("证书当前无效", StringComparison.Ordinal) || body.Contains("not valid now", StringComparison.Ordinal), body);
        }

        var totp = await App.EnableTwoFactorAsync("bidder01");
        var bidder = App.Anonymous();
        var token = await bidder.PostAsJsonAsync("/api/auth/token", new { userName = "bidder01", password = Trading.Web.Demo.DemoSeeder.Password, twoFactorCode = Totp.FreshCode(totp) });
        Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
        bidder.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString());
        Task<HttpResponseMessage> Register(X509Certificate2 c, string digits = "000000") =>
            bidder.PostAsJsonAsync("/api/certificates/registrations", new { certificate = c.ExportCertificatePem(), code = digits });

        // Refused, each with its reason, before any code is asked for.
        using (var c = Leaf(cas.Other, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(c)).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.UntrustedIssuer);
        using (var c = Leaf(cas.Trusted, other, firm, code, now.AddDays(-60), now.AddDays(-30)))
            await (await Register(c)).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.NotValidNow);
        using (var c = Leaf(cas.Trusted, other, firm, otherCode, now.AddDays(-1), now.AddDays(300)))
            await (await Register(c)).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.NotTheFirms);
        using (var c = Leaf(cas.Trusted, other, firm, code, now.AddDays(-1), now.AddDays(300), X509KeyUsageFlags.KeyEncipherment))
            await (await Register(c)).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.NoDigitalSignature);
        // A certificate of the centre's own CA goes through a request instead.
        var centreCa = App.Services.GetRequiredService<Features.Certificates.CertificateAuthority>().Ca;
        await (await Register(centreCa.Seal)).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.UseRequest);

        // The right one, as DER: it waits for the centre, which approves it; both acts are logged as external.
        using var good = Leaf(cas.Trusted, key, firm, code, now.AddDays(-1), now.AddDays(300));
        var registered = await bidder.PostAsJsonAsync("/api/certificates/registrations", new { certificate = Convert.ToBase64String(good.RawData), code = Totp.FreshCode(totp) });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var id = (await registered.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(FirmCertificateStatus.Requested, App.WithDb(db => db.Set<FirmCertificate>().AsNoTracking().Single(c => c.Id == id).Status));
        var centre = await App.ApiAsync("centre");
        var approved = await centre.PostAsync($"/api/certificates/{id}/approve", null);
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        var row = App.WithDb(db => db.Set<FirmCertificate>().AsNoTracking().Single(c => c.Id == id));
        Assert.Equal(FirmCertificateStatus.Issued, row.Status);
        Assert.True(row.External);
        Assert.Equal(good.RawData, row.Certificate);
        Assert.Equal(good.SerialNumber.ToLowerInvariant(), row.SerialNumber);
        var acts = App.WithDb(db => db.LogEntries.AsNoTracking().Where(e => e.Type == "certificate.requested" || e.Type == "certificate.issued").Select(e => e.Payload).ToList())
            .Where(p => p.Contains(row.CertificateSha256!, StringComparison.Ordinal) && p.Contains("\"external\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, acts.Count);

        // A bid signed with its key is accepted and stands on it; another key is refused.
        var deadline = now.UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, tender);
        await Bidding.ObtainDocumentsAsync(bidder, tender);
        var signed = await Bidding.UploadAsync(bidder, tender, await Bidding.SealAsync(bidder, tender, 1_000_000m, signWith: key));
        Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        Assert.Contains(App.WithDb(db => db.Set<Trading.Domain.Bidding.Bid>().AsNoTracking().Where(b => b.TenderId == tender).Select(b => b.SignerCertificateId).ToList()), s => s == id);
        await (await Bidding.UploadAsync(bidder, tender, await Bidding.SealAsync(bidder, tender, 1_000_001m, signWith: other)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.SignerNotCertified);

        // The centre revokes it: a bid signed with it is refused as for a revoked certificate the centre issued.
        Assert.Equal(HttpStatusCode.NoContent, (await centre.PostAsJsonAsync($"/api/certificates/{id}/revoke", new { reason = "key reported lost" })).StatusCode);
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await Bidding.UploadAsync(bidder, tender, await Bidding.SealAsync(bidder, tender, 1_000_002m, signWith: key)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.SignerRevoked);
    }
}
