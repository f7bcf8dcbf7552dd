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

    internal static X509Certificate2 Ca(string name, int? pathLength = 0)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}, O=Test CA, C=CN", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(Real.AddYears(-2), Real.AddYears(5));
    }

    /// <summary>
    /// An intermediate CA under <paramref name="issuer"/> (with its private key, to issue), or with <paramref name="ca"/>
    /// false a certificate that says it is no CA but signs all the same.
    /// </summary>
    internal static X509Certificate2 Intermediate(X509Certificate2 issuer, string name, DateTimeOffset from, DateTimeOffset to, bool ca = true, ECDsa? withKey = null)
    {
        var key = withKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}, O=Test CA, C=CN", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, ca, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        using var issued = req.Create(issuer, from, to, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
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
        // Signed with the issuer's key under its name, whatever the issuer certificate says of itself (.NET's own
        // Create(issuer, ...) refuses an issuer that is no CA, which a test of that refusal needs to make).
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        return req.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), from, to, RandomNumberGenerator.GetBytes(16));
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
        var bidder = await App.ApiAsync("bidder01", twoFactorKey: totp);
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

    [Fact]
    public async Task A_certificate_issued_through_an_intermediate_ca_is_registered_with_its_chain_and_the_opening_transcript_carries_it()
    {
        var now = App.Clock.GetUtcNow();
        var (firm, code) = FirmOf("bidder01");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var mid = Intermediate(cas.Deep, "Test Firm Issuing CA", now.AddYears(-1), now.AddYears(3));
        static string Chain(params X509Certificate2[] certs) => string.Join("\n", certs.Select(c => c.ExportCertificatePem()));

        // On the page: a chain whose second certificate is no CA is refused with the reason in the page's language.
        var page = await Browser.SignInAsync(App, "bidder01");
        using (var notCa = Intermediate(cas.Deep, "Not A CA", now.AddYears(-1), now.AddYears(3), ca: false))
        using (var leaf = Leaf(notCa, other, firm, code, now.AddDays(-1), now.AddDays(300)))
        {
            var r = await Browser.PostFormAsync(page, "/Certificates", "/Certificates?handler=Register",
                new Dictionary<string, string> { ["CertificatePem"] = Chain(leaf, notCa), ["Code"] = "000000" });
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(body.Contains("不是电子认证服务机构的证书", StringComparison.Ordinal) || body.Contains("is not a certification authority", StringComparison.Ordinal), body);
        }

        var totp = await App.EnableTwoFactorAsync("bidder01");
        var bidder = await App.ApiAsync("bidder01", twoFactorKey: totp);
        Task<HttpResponseMessage> Register(string pem, string digits = "000000") =>
            bidder.PostAsJsonAsync("/api/certificates/registrations", new { certificate = pem, code = digits });

        // Without its intermediate the leaf reaches no configured root.
        using (var leaf = Leaf(mid, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(Chain(leaf))).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.UntrustedIssuer);
        // An intermediate under a root the centre does not trust.
        using (var foreignMid = Intermediate(cas.Other, "Foreign Issuing CA", now.AddYears(-1), now.AddYears(1)))
        using (var leaf = Leaf(foreignMid, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(Chain(leaf, foreignMid))).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.UntrustedIssuer);
        // Under a trusted root whose path length (0) allows no intermediate.
        using (var tooDeep = Intermediate(cas.Trusted, "Too Deep CA", now.AddYears(-1), now.AddYears(1)))
        using (var leaf = Leaf(tooDeep, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(Chain(leaf, tooDeep))).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.UntrustedIssuer);
        // An intermediate that is no CA.
        using (var notCa = Intermediate(cas.Deep, "Not A CA", now.AddYears(-1), now.AddYears(3), ca: false))
        using (var leaf = Leaf(notCa, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(Chain(leaf, notCa))).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.IntermediateNotCa);
        // An expired intermediate (the same CA key and name, the copy sent has run out).
        using (var midKey = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var current = Intermediate(cas.Deep, "Lapsed Issuing CA", now.AddYears(-1), now.AddYears(1), withKey: midKey))
        using (var lapsed = Intermediate(cas.Deep, "Lapsed Issuing CA", now.AddYears(-1), now.AddDays(-1), withKey: midKey))
        using (var leaf = Leaf(current, other, firm, code, now.AddDays(-1), now.AddDays(300)))
            await (await Register(Chain(leaf, lapsed))).AssertRefused(HttpStatusCode.UnprocessableEntity, CertificateRules.IntermediateNotValid);

        // The leaf with its intermediate: registered, approved, the chain kept.
        using var good = Leaf(mid, key, firm, code, now.AddDays(-1), now.AddDays(300));
        var registered = await Register(Chain(good, mid), Totp.FreshCode(totp));
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var id = (await registered.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var approved = await (await App.ApiAsync("centre")).PostAsync($"/api/certificates/{id}/approve", null);
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        var row = App.WithDb(db => db.Set<FirmCertificate>().AsNoTracking().Single(c => c.Id == id));
        Assert.Equal(FirmCertificateStatus.Issued, row.Status);
        Assert.Equal(good.RawData, row.Certificate);
        Assert.Equal([mid.RawData], row.Intermediates);

        // A bid signed with its key is accepted (chain through the intermediate at submission); two per-bid-key bids beside it.
        var deadline = now.UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, tender);
        await Bidding.ObtainDocumentsAsync(bidder, tender);
        var signed = await Bidding.UploadAsync(bidder, tender, await Bidding.SealAsync(bidder, tender, 1_000_000m, signWith: key));
        Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        foreach (var user in new[] { "bidder02", "bidder03" })
        {
            var client = await App.ApiAsync(user);
            await Bidding.ObtainDocumentsAsync(client, tender);
            var r = await Bidding.UploadAsync(client, tender, await Bidding.SealAsync(client, tender, 2_000_000m));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        foreach (var holder in new[] { "supervisor", "centre", "owner1" })
            Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, holder, tender)).StatusCode);

        // The transcript carries the intermediate, so `trading verify-opening --ca <the root>` builds the chain offline;
        // the same transcript without it does not chain.
        var dir = Directory.CreateTempSubdirectory("extca-chain-");
        try
        {
            string P(string f) => Path.Combine(dir.FullName, f);
            var transcript = await (await App.ApiAsync("supervisor")).GetStringAsync($"/api/tenders/{tender}/opening/transcript");
            var carried = System.Text.Json.Nodes.JsonNode.Parse(transcript)!["bids"]!.AsArray()
                .Select(b => b!["signerIntermediates"]?.AsArray().Select(x => x!.GetValue<string>()).ToList()).Where(x => x is not null).ToList();
            Assert.Equal([[Convert.ToBase64String(mid.RawData)]], carried);
            await File.WriteAllTextAsync(P("transcript.json"), transcript);
            await File.WriteAllTextAsync(P("root.crt"), cas.Deep.ExportCertificatePem());
            // The firm's receipt names the certificate with its intermediate, so `trading verify-receipt --firm-ca <the root>` builds the chain too.
            var receiptJson = App.WithDb(db => db.Set<Trading.Domain.Bidding.Bid>().AsNoTracking().Single(b => b.TenderId == tender && b.SignerCertificateId == id).ReceiptJson)!;
            Assert.Equal([mid.ExportCertificatePem()], Trading.PublicLog.BidReceipt.Parse(receiptJson).Signer!.Intermediates!.Select(p => p.Trim()));
            await File.WriteAllTextAsync(P("receipt.json"), receiptJson);
            await File.WriteAllTextAsync(P("log-root.crt"), await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
            var receiptCheck = TradingCli.Run("verify-receipt", P("receipt.json"), "--root", P("log-root.crt"), "--firm-ca", P("root.crt"), "--lang", "en");
            Assert.True(receiptCheck.Code == 0, receiptCheck.Out + receiptCheck.Err);
            var serial = good.SerialNumber.ToLowerInvariant().TrimStart('0');
            var verified = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("root.crt"), "--lang", "en");
            Assert.True(verified.Code == 0, verified.Out + verified.Err);
            Assert.Contains($"signer: certificate {serial}, valid at submission and chaining to a root given", verified.Out, StringComparison.Ordinal);

            var json = System.Text.Json.Nodes.JsonNode.Parse(transcript)!;
            foreach (var b in json["bids"]!.AsArray()) b!.AsObject().Remove("signerIntermediates");
            await File.WriteAllTextAsync(P("stripped.json"), json.ToJsonString());
            var stripped = TradingCli.Run("verify-opening", "--transcript", P("stripped.json"), "--ca", P("root.crt"), "--lang", "en");
            Assert.Equal(1, stripped.Code);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
