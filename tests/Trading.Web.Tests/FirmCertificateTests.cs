using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;
using Trading.Domain.Bidding;
using Trading.Domain.Certificates;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Firm certificates in Chromium: a firm makes its signing key in the browser and asks for a certificate with its
/// two-factor code, the centre issues it, and the firm seals and signs a bid with it; a bid signed with another key,
/// under an expired certificate or after revocation is refused in words; the revocation list names the revoked serial.
/// </summary>
public class FirmCertificateTests(PostgresServer pg) : BrowserTest(pg)
{
    private const int ValidityDays = 30;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings)
    {
        ["Certificates:ValidityDays"] = ValidityDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Submission:Suite"] = Suite,
    };

    /// <summary>The deployment's envelope suite; <see cref="FirmCertificateSm2Tests"/> runs the same journey with suite 2.</summary>
    protected virtual string Suite => Trading.Crypto.CryptoSuites.P256;

    private bool Sm => Suite == Trading.Crypto.CryptoSuites.Sm2;

    /// <summary>The issuing CA the firm's certificates chain to (P-256, or SM2 at a suite 2 deployment), as published.</summary>
    private string CaPath => Sm ? "/pki/centre-ca-sm2.crt" : "/pki/centre-ca.crt";

    /// <summary>The revocation list signed by that CA.</summary>
    private string CrlPath => Sm ? "/pki/firms-sm2.crl" : "/pki/firms.crl";

    /// <summary>
    /// The certificate chains to the published CA at the current time and names the firm's credit code; in the SM suite it
    /// certifies an SM2 key and is signed SM3withSM2 (checked with BouncyCastle: .NET's chain builder has no SM2).
    /// </summary>
    private async Task ExpectChainsAndNamesFirmAsync(FirmCertificate issued)
    {
        var caPem = await App.Anonymous().GetStringAsync(CaPath);
        var credit = App.WithDb(db => db.Organisations.Single(o => o.Id == issued.FirmId).CreditCode)!;
        var cert = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(issued.Certificate!);
        Assert.Contains(credit, cert.SubjectDN.ToString(), StringComparison.Ordinal);
        if (Sm)
        {
            Assert.Equal("1.2.156.10197.1.501", cert.SigAlgOid);
            Assert.True(Trading.Crypto.Sm2Signatures.IsSm2Key(cert.CertificateStructure.SubjectPublicKeyInfo.GetEncoded()));
            var ca = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(caPem));
            Assert.True(Trading.PublicLog.Sm2CertificateAuthority.Chains(issued.Certificate!, [ca.GetEncoded()], App.Clock.GetUtcNow()));
            // Not under the P-256 CA, whose name differs and whose key did not sign it.
            using var p256 = X509Certificate2.CreateFromPem(await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
            Assert.False(Trading.PublicLog.Sm2CertificateAuthority.Chains(issued.Certificate!, [p256.RawData], App.Clock.GetUtcNow()));
            return;
        }
        using (var ca = X509Certificate2.CreateFromPem(caPem))
        using (var x509 = X509CertificateLoader.LoadCertificate(issued.Certificate!))
            Assert.True(Trading.PublicLog.FirmCertificateAuthority.Chains(x509, [ca], App.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_firm_obtains_a_certificate_signs_bids_with_it_and_other_keys_expired_and_revoked_certificates_are_refused()
    {
        var start = App.Clock.GetUtcNow().UtcDateTime;
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), start.AddDays(60));
        await Bidding.JoinAllAsync(App, tender);
        var (firm, totpKey) = await SignInWithTwoFactorAsync("bidder01");
        firm.Console += (_, m) => { if (m.Type == "error") lock (_console) _console.Add(m.Text); };
        firm.Response += (_, r) => { if (r.Status >= 500) lock (_console) _console.Add($"{r.Status} {r.Url}"); };
        var api = await TwoFactorApiAsync("bidder01", totpKey);
        await Bidding.ObtainDocumentsAsync(api, tender);

        // A wrong code is refused in words, and nothing is asked for.
        await firm.GotoAsync("/Certificates");
        await firm.GetByTestId("certificate-code").FillAsync("12345");
        await firm.GetByTestId("certificate-request").ClickAsync();
        await Assertions.Expect(firm.GetByTestId("certificate-error")).ToContainTextAsync("six-digit code");
        await firm.GetByTestId("certificate-code").FillAsync(WrongCode(totpKey));
        await firm.GetByTestId("certificate-request").ClickAsync();
        await Assertions.Expect(firm.GetByTestId("certificate-error")).ToContainTextAsync("wrong or already used");
        Assert.Equal(0, App.WithDb(db => db.Set<FirmCertificate>().Count()));
        // The key made for the refused request is not left behind in the browser.
        Assert.Equal(0, await firm.EvaluateAsync<int>(@"() => new Promise((resolve, reject) => {
            const open = indexedDB.open('trading-signing-keys', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('keys', { keyPath: 'keySha256' });
            open.onerror = () => reject(open.error);
            open.onsuccess = () => { const r = open.result.transaction('keys').objectStore('keys').count(); r.onsuccess = () => { open.result.close(); resolve(r.result); }; };
        })"));

        var first = await RequestAndIssueAsync(firm, totpKey);
        await Assertions.Expect(firm.Locator($"tr[data-certificate='{first.Id}'] [data-testid=key-here]")).ToBeVisibleAsync();

        // The certificate chains to the centre's published CA certificate and names the firm's credit code.
        await ExpectChainsAndNamesFirmAsync(first);
        await Assertions.Expect(firm.Locator($"tr[data-certificate='{first.Id}'] [data-testid=key-kind]")).ToHaveTextAsync(Sm ? "SM2" : "P-256");

        // Sealed and signed in the browser with the certified key; the receipt names the certificate.
        await SealInBrowserAsync(firm, tender, 3_210_000m);
        await Assertions.Expect(firm.GetByTestId("receipt")).ToContainTextAsync($"Bid received", new() { Timeout = 30_000 });
        await Assertions.Expect(firm.GetByTestId("receipt")).ToContainTextAsync(first.SerialNumber!);
        var bid = App.WithDb(db => db.Set<Bid>().Single(b => b.TenderId == tender && b.Status == BidStatus.Valid));
        Assert.Equal(first.Id, bid.SignerCertificateId);
        // Sealed in the deployment's suite and signed by the certified key itself.
        var signedManifest = Trading.Crypto.CryptoJson.Deserialize<Trading.Crypto.SignedManifest>(bid.SignedManifestJson);
        Assert.Equal(Suite, signedManifest.Manifest.Suite);
        Assert.Equal(first.PublicKey, signedManifest.SignerPublicKey);
        // The firm's receipt names it (only the firm and supervisors read receipts), under the time-stamp; the public log's
        // entry does not: certificate.issued names the firm, and the entry is opened at the deadline.
        var receipt = Trading.PublicLog.BidReceipt.Parse(bid.ReceiptJson!);
        Assert.Equal(first.SerialNumber, receipt.Signer!.Serial);
        Assert.Equal(first.CertificateSha256, receipt.Signer.CertificateSha256);
        Assert.DoesNotContain(first.SerialNumber!, receipt.Entry, StringComparison.Ordinal);
        Assert.DoesNotContain(first.SerialNumber!, receipt.SealedEntry ?? "", StringComparison.Ordinal);
        // `trading verify-receipt --firm-ca` checks the named certificate's chain to the centre's firm CA offline.
        var dir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "receipt-" + Suite));
        string Save(string name, string text) { var path = Path.Combine(dir.FullName, name); File.WriteAllText(path, text); return path; }
        var receiptPath = Save("receipt.json", bid.ReceiptJson!);
        var logRoot = Save("root-ca.crt", await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var firmCa = Save("firm-ca.crt", await App.Anonymous().GetStringAsync(CaPath));
        var verified = TradingCli.Run("verify-receipt", receiptPath, "--root", logRoot, "--firm-ca", firmCa, "--lang", "en");
        Assert.True(verified.Code == 0, verified.Out + verified.Err);
        // Against a CA that did not issue it (the other suite's firm CA) the same receipt fails verification (exit 1).
        var otherCa = Save("other-ca.crt", await App.Anonymous().GetStringAsync(Sm ? "/pki/centre-ca.crt" : "/pki/centre-ca-sm2.crt"));
        Assert.Equal(1, TradingCli.Run("verify-receipt", receiptPath, "--root", logRoot, "--firm-ca", otherCa, "--lang", "en").Code);

        // A manifest signed with any other key is refused with its reason, and nothing is stored.
        var other = await Bidding.UploadAsync(api, tender, await Bidding.SealAsync(api, tender, 3_000_000m));
        await ExpectRefusalAsync(other, CertificateRules.SignerNotCertified, "holds no certificate for");
        Assert.Equal(1, App.WithDb(db => db.Set<Bid>().Count(b => b.TenderId == tender)));

        // A key of the other curve (a P-256 key on an SM2 bid, an SM2 key on a P-256 bid) is refused by name.
        var crossed = await Bidding.SealAsync(api, tender, 3_010_000m);
        var manifest = Trading.Crypto.CryptoJson.Deserialize<Trading.Crypto.SignedManifest>(crossed.SignedManifestJson).Manifest;
        Trading.Crypto.SignedManifest otherCurve;
        if (Sm)
        {
            using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            otherCurve = new(manifest, ec.SignData(manifest.ToSigningBytes(), System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation), ec.ExportSubjectPublicKeyInfo());
        }
        else
        {
            var sm2 = Trading.Crypto.ManifestSigning.Sign(manifest with { Suite = Trading.Crypto.CryptoSuites.Sm2 }, Trading.Crypto.Sm2SigningKey.Create());
            otherCurve = new(manifest, sm2.Signature, sm2.SignerPublicKey);
        }
        var crossedUpload = await Bidding.UploadAsync(api, tender, crossed with { SignedManifestJson = Trading.Crypto.CryptoJson.Serialize(otherCurve) });
        await ExpectRefusalAsync(crossedUpload, "Rule.Bid.EnvelopeRefused", "cryptographic suite");
        Assert.Equal(1, App.WithDb(db => db.Set<Bid>().Count(b => b.TenderId == tender)));

        // Past the certificate's end (the tender still open), the same key is refused as expired.
        App.Clock.Set(new DateTimeOffset(start.AddDays(ValidityDays + 1), TimeSpan.Zero));
        await SealInBrowserAsync(firm, tender, 3_220_000m);
        await Assertions.Expect(firm.GetByTestId("upload-error")).ToContainTextAsync("expired", new() { Timeout = 30_000 });
        await Assertions.Expect(firm.GetByTestId("upload-error")).ToContainTextAsync(first.SerialNumber!);

        // Renewed with a new key made in the browser: bids sign again.
        await firm.GotoAsync("/Certificates");
        await firm.Locator($"tr[data-certificate='{first.Id}'] [data-testid=renew]").ClickAsync();
        var second = await RequestAndIssueAsync(firm, totpKey);
        Assert.Equal(first.Id, second.RenewsId);
        Assert.NotEqual(first.KeySha256, second.KeySha256);
        await SealInBrowserAsync(firm, tender, 3_230_000m);
        await Assertions.Expect(firm.GetByTestId("receipt")).ToContainTextAsync(second.SerialNumber!, new() { Timeout = 30_000 });

        // The centre revokes the new certificate: the revocation list names it and the key signs no more bids.
        var centre = await CentreAsync();
        await centre.Locator($"tr[data-certificate='{second.Id}'] [data-testid=revoke-reason]").FillAsync("key exposed");
        await centre.Locator($"tr[data-certificate='{second.Id}'] [data-testid=revoke]").ClickAsync();
        await Assertions.Expect(centre.Locator($"tr[data-certificate='{second.Id}']")).ToHaveAttributeAsync("data-state", "Revoked");
        var crl = await App.Anonymous().GetByteArrayAsync(CrlPath);
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl);
        parsed.Verify(new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(await App.Anonymous().GetStringAsync(CaPath))).GetPublicKey());
        Assert.NotNull(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(second.SerialNumber, 16)));
        Assert.Null(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(first.SerialNumber, 16)));
        if (Sm) Assert.Equal("1.2.156.10197.1.501", parsed.SigAlgOid);

        await SealInBrowserAsync(firm, tender, 3_240_000m);
        await Assertions.Expect(firm.GetByTestId("upload-error")).ToContainTextAsync("has been revoked", new() { Timeout = 30_000 });
        Assert.Equal(2, App.WithDb(db => db.Set<Bid>().Count(b => b.TenderId == tender)));
        Assert.Empty(CspViolations);
    }

    [Fact]
    public async Task The_opening_record_pdf_carries_the_centres_seal_signature_and_pdfsig_validates_it()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, tender);
        decimal[] prices = [1_234_567.89m, 1_100_000m, 999_999.50m];
        for (var i = 0; i < 3; i++)
        {
            var bidder = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(bidder, tender);
            var r = await Bidding.UploadAsync(bidder, tender, await Bidding.SealAsync(bidder, tender, prices[i]));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        foreach (var holder in new[] { "supervisor", "centre", "owner1" })
            Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, holder, tender)).StatusCode);

        // A bidder of the tender downloads the record from the opening page, as a reader would.
        var reader = await NewPageAsync();
        await SignInAsync(reader, "bidder02");
        await reader.GotoAsync($"/Submission/Opening/{tender}");
        var download = await reader.RunAndWaitForDownloadAsync(() => reader.GetByTestId("pdf").ClickAsync());
        var dir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "pdfsig"));
        var path = Path.Combine(dir.FullName, "opening.pdf");
        await download.SaveAsAsync(path);

        var report = PdfSig(path);
        Assert.Contains("Signature Validation: Signature is Valid.", report, StringComparison.Ordinal);
        Assert.Contains("Signature Type: ETSI.CAdES.detached", report, StringComparison.Ordinal);
        Assert.Contains("Document Seal", report, StringComparison.Ordinal);
        // The seal chains to the centre's published CA certificate, and the signature carries the centre TSA's time-stamp.
        var pdf = await File.ReadAllBytesAsync(path);
        // Dated by the platform's clock, which this test moved weeks past the machine's, as the log's entries are: the
        // document's dates and the signing time readers show (/M) are that instant, to the second, in UTC.
        var stamp = "D:" + App.Clock.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "+00'00'";
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        Assert.Contains($"/M({stamp})", text, StringComparison.Ordinal);
        Assert.Contains($"/CreationDate({stamp})", text, StringComparison.Ordinal);
        Assert.Contains($"/ModDate({stamp})", text, StringComparison.Ordinal);
        var cms = Trading.Reports.PdfSignatures.Read(pdf)!;
        cms.CheckSignature(verifySignatureOnly: true);
        using (var ca = X509Certificate2.CreateFromPem(await App.Anonymous().GetStringAsync("/pki/centre-ca.crt")))
            Assert.True(Trading.PublicLog.FirmCertificateAuthority.Chains(cms.SignerInfos[0].Certificate!, [ca], App.Clock.GetUtcNow()));
        Assert.Contains(cms.SignerInfos[0].UnsignedAttributes.Cast<System.Security.Cryptography.CryptographicAttributeObject>(), a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14");

        // `trading verify-pdf` checks it offline: the seal against the centre's CA, the time-stamp against the log PKI's root.
        var caPath = Path.Combine(dir.FullName, "centre-ca.crt");
        var rootPath = Path.Combine(dir.FullName, "root-ca.crt");
        await File.WriteAllTextAsync(caPath, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
        await File.WriteAllTextAsync(rootPath, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var check = TradingCli.Run("verify-pdf", path, "--root", caPath, "--tsa-root", rootPath, "--lang", "en");
        Assert.True(check.Code == 0, check.Out + check.Err);
        Assert.Contains("Signature is valid", check.Out, StringComparison.Ordinal);
        // Against another CA (the log PKI's root) the seal does not chain.
        var foreign = TradingCli.Run("verify-pdf", path, "--root", rootPath, "--lang", "en");
        Assert.Equal(1, foreign.Code);
        Assert.Contains("does not chain", foreign.Out, StringComparison.Ordinal);

        // A changed byte inside the signed range: pdfsig and the tool no longer call it valid.
        var at = pdf.AsSpan().IndexOf("/Creator"u8);
        pdf[at + 1] ^= 0x01;
        await File.WriteAllBytesAsync(path, pdf);
        Assert.DoesNotContain("Signature is Valid.", PdfSig(path), StringComparison.Ordinal);
        var changed = TradingCli.Run("verify-pdf", path, "--root", caPath, "--lang", "en");
        Assert.Equal(1, changed.Code);
        Assert.Contains("changed after signing", changed.Out, StringComparison.Ordinal);
        Assert.Empty(CspViolations);
    }

    [Fact]
    public async Task A_key_made_by_the_command_line_is_certified_through_the_api_and_signs_a_bid_sealed_offline()
    {
        var start = App.Clock.GetUtcNow().UtcDateTime;
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), start.AddDays(60));
        await Bidding.JoinAllAsync(App, tender);
        var (_, totpKey) = await SignInWithTwoFactorAsync("bidder02");
        var api = await TwoFactorApiAsync("bidder02", totpKey);
        await Bidding.ObtainDocumentsAsync(api, tender);
        var dir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "cli-certificate")).FullName;
        string P(string n) => Path.Combine(dir, n);

        // The firm's officer makes the key and its request offline; the private key never leaves the folder.
        var made = TradingCli.Run("bidder-key", "--suite", Suite, "--out", P("key.pem"), "--csr", P("request.pem"));
        Assert.True(made.Code == 0, made.Err);
        var requestPem = await File.ReadAllTextAsync(P("request.pem"));

        // Through the API with the account's two-factor code: a request that is not one, a replayed code and a second
        // request while one waits are refused with their rules; nothing extra is stored.
        await ExpectRefusalAsync(await api.PostAsJsonAsync("/api/certificates/requests", new { requestPem = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", code = Totp.FreshCode(totpKey) }),
            CertificateRules.RequestInvalid, "could not be read");
        var code = Totp.FreshCode(totpKey);
        var requested = await api.PostAsJsonAsync("/api/certificates/requests", new { requestPem, code });
        Assert.True(requested.StatusCode == HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
        var id = (await requested.Json()).GetProperty("id").GetGuid();
        await ExpectRefusalAsync(await api.PostAsJsonAsync("/api/certificates/requests", new { requestPem, code }), CertificateRules.CodeWrong, "already used");
        await ExpectRefusalAsync(await api.PostAsJsonAsync("/api/certificates/requests", new { requestPem, code = Totp.FreshCode(totpKey) }), CertificateRules.RequestPending, "already has a request");
        Assert.Equal(1, App.WithDb(db => db.Set<FirmCertificate>().Count()));

        // The firm cannot approve its own request; the centre does, and the certificate certifies the CLI's key.
        Assert.False((await api.PostAsync($"/api/certificates/{id}/approve", null)).IsSuccessStatusCode);
        var approved = await (await App.ApiAsync("centre")).PostAsync($"/api/certificates/{id}/approve", null);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        using (var certificate = X509Certificate2.CreateFromPem(await api.GetStringAsync($"/api/certificates/{id}/certificate")))
        {
            // The SubjectPublicKeyInfo the CLI wrote, compared as bytes (an SM2 key is not one .NET can import).
            var publicPem = await File.ReadAllTextAsync(P("key.pem.pub.pem"));
            var fields = System.Security.Cryptography.PemEncoding.Find(publicPem);
            Assert.Equal(Convert.FromBase64String(publicPem[fields.Base64Data]), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        }

        // A bid sealed with the CLI and signed with that key, uploaded through the API: accepted under the certificate.
        var sealing = await (await api.GetAsync($"/api/tenders/{tender}/sealing")).Json();
        var bidFolder = Directory.CreateDirectory(P("bid")).FullName;
        await File.WriteAllTextAsync(Path.Combine(bidFolder, "bid-form.json"), Bidding.FormJson(new OpeningForm(2_345_678m, 300, "钱七", "110101198001011247", "", "6222 8888")));
        await File.WriteAllTextAsync(P("joint-key.json"), await App.Anonymous().GetStringAsync($"/api/public/tenders/{tender}/joint-key"));
        var seal = TradingCli.Run("seal", "--input", bidFolder, "--tender", sealing.GetProperty("tender").GetString()!, "--lot", sealing.GetProperty("lots")[0].GetProperty("lotContext").GetString()!,
            "--bidder", sealing.GetProperty("bidder").GetString()!, "--joint-key", P("joint-key.json"), "--signing-key", P("key.pem"), "--out", P("bid.env"));
        Assert.True(seal.Code == 0, seal.Err);
        var lotId = sealing.GetProperty("lots")[0].GetProperty("id").GetGuid();
        var uploaded = await Bidding.UploadAsync(api, tender, new Bidding.Sealed(await File.ReadAllBytesAsync(P("bid.env")), await File.ReadAllTextAsync(P("bid.env.manifest.json")), lotId));
        Assert.True(uploaded.StatusCode == HttpStatusCode.OK, await uploaded.Content.ReadAsStringAsync());
        Assert.Equal(id, App.WithDb(db => db.Set<Bid>().Single(b => b.TenderId == tender && b.Status == BidStatus.Valid).SignerCertificateId));

        // Two firms without certificates bid with per-bid keys, and the bids open after the deadline, when this
        // certificate (30 days) has expired: the transcript's signer check is at the submission time.
        foreach (var other in new[] { "bidder01", "bidder03" })
        {
            var client = await App.ApiAsync(other);
            await Bidding.ObtainDocumentsAsync(client, tender);
            var r = await Bidding.UploadAsync(client, tender, await Bidding.SealAsync(client, tender, 2_000_000m));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(start.AddDays(60).AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        foreach (var holder in new[] { "supervisor", "centre", "owner1" })
            Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, holder, tender)).StatusCode);

        // The stored transcript (version 2) verifies offline against the centre's published CA: the certified bid's
        // chain is checked, the others are said to be per-bid keys. Against another root (the log PKI's) it fails by name.
        await File.WriteAllTextAsync(P("transcript.json"), await (await App.ApiAsync("supervisor")).GetStringAsync($"/api/tenders/{tender}/opening/transcript"));
        await File.WriteAllTextAsync(P("centre-ca.crt"), await App.Anonymous().GetStringAsync(CaPath));
        await File.WriteAllTextAsync(P("other-root.crt"), await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var serial = App.WithDb(db => db.Set<FirmCertificate>().Single(c => c.Id == id).SerialNumber)!.TrimStart('0');
        var verified = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("centre-ca.crt"), "--lang", "en");
        Assert.True(verified.Code == 0, verified.Out + verified.Err);
        Assert.Contains($"signer: certificate {serial}, valid at submission and chaining to a root given", verified.Out, StringComparison.Ordinal);
        Assert.Equal(2, verified.Out.Split("signer: a key made for this bid").Length - 1);
        Assert.Contains("opening verified", verified.Out, StringComparison.Ordinal);
        var foreign = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("other-root.crt"), "--lang", "en");
        Assert.Equal(1, foreign.Code);
        Assert.Contains($"SignerUntrusted: certificate {serial} does not chain", foreign.Out, StringComparison.Ordinal);
        Assert.Contains("opening NOT verified", foreign.Out, StringComparison.Ordinal);

        // Revocation offline, with the list the platform publishes: not on it now; then the centre revokes the certificate
        // after the opening, and the bid signed weeks before stands, the tool saying why.
        await File.WriteAllBytesAsync(P("before.crl"), await App.Anonymous().GetByteArrayAsync(CrlPath));
        var clean = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("centre-ca.crt"), "--crl", P("before.crl"), "--lang", "en");
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
        Assert.Contains($"revocation: certificate {serial} is not on the revocation list of", clean.Out, StringComparison.Ordinal);
        var revoked = await (await App.ApiAsync("centre")).PostAsJsonAsync($"/api/certificates/{id}/revoke", new { reason = "key exposed after the opening" });
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());
        await File.WriteAllBytesAsync(P("after.crl"), await App.Anonymous().GetByteArrayAsync(CrlPath));
        var later = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("centre-ca.crt"), "--crl", P("after.crl"), "--lang", "en");
        Assert.True(later.Code == 0, later.Out + later.Err);
        Assert.Contains($"revocation: certificate {serial} was revoked at", later.Out, StringComparison.Ordinal);
        Assert.Contains("after the bid was submitted: a revocation does not reach back", later.Out, StringComparison.Ordinal);
        // A list signed by another CA (the log PKI's root given as the only CA) is refused, not read.
        var forged = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--ca", P("other-root.crt"), "--crl", P("after.crl"), "--lang", "en");
        Assert.Equal(2, forged.Code);
        Assert.Contains("CrlUntrusted: revocation list after.crl is not signed by any CA certificate given", forged.Err, StringComparison.Ordinal);
    }

    /// <summary>Asks for a certificate in the firm's page with a fresh code, has the centre approve it, and returns the issued row.</summary>
    private async Task<FirmCertificate> RequestAndIssueAsync(IPage firm, string totpKey)
    {
        var before = App.WithDb(db => db.Set<FirmCertificate>().Select(c => c.Id).ToList());
        await firm.GetByTestId("certificate-code").FillAsync(Totp.FreshCode(totpKey));
        await firm.GetByTestId("certificate-request").ClickAsync();
        // The page reloads with the request, or says why not: a refusal fails here with its words.
        await Assertions.Expect(firm.Locator("tr[data-state='Requested'], [data-testid=certificate-error]:visible")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        if (await firm.GetByTestId("certificate-error").IsVisibleAsync())
            Assert.Fail("request refused: " + await firm.GetByTestId("certificate-error").InnerTextAsync() + " " + string.Join(" | ", _console));
        var id = App.WithDb(db => db.Set<FirmCertificate>().Select(c => c.Id).ToList()).Except(before).Single();

        var centre = await CentreAsync();
        await centre.Locator($"tr[data-certificate='{id}'] [data-testid=approve]").ClickAsync();
        await Assertions.Expect(centre.Locator($"tr[data-certificate='{id}']")).ToHaveAttributeAsync("data-state", "Issued");

        await firm.GotoAsync("/Certificates");
        await Assertions.Expect(firm.Locator($"tr[data-certificate='{id}'] [data-testid=certificate-state]")).ToHaveTextAsync("valid");
        return App.WithDb(db => db.Set<FirmCertificate>().Single(c => c.Id == id));
    }

    private IPage? _centre;

    /// <summary>The firm page's console errors and server errors, named when a step fails.</summary>
    private readonly List<string> _console = [];

    private async Task<IPage> CentreAsync()
    {
        if (_centre is null)
        {
            _centre = await NewPageAsync();
            await SignInAsync(_centre, "centre");
        }
        await _centre.GotoAsync("/Certificates");
        return _centre;
    }

    private static async Task SealInBrowserAsync(IPage page, Guid tender, decimal price)
    {
        await page.GotoAsync($"/Submission/Bid/{tender}");
        await page.Locator("#price").FillAsync(price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#duration").FillAsync("300");
        await page.Locator("#pm").FillAsync("项目经理");
        await page.Locator("#pmid").FillAsync("110101198001011234");
        await page.Locator("#bond").FillAsync("6222 0000 0000 0001");
        await page.GetByTestId("seal-upload").ClickAsync();
    }

    /// <summary>poppler's pdfsig on a file (poppler-utils; .ci/run installs it).</summary>
    internal static string PdfSig(string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdfsig", ["-nocert", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    private static async Task ExpectRefusalAsync(HttpResponseMessage response, string rule, string words)
    {
        Assert.False(response.IsSuccessStatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(rule, body.GetProperty("rule").GetString());
        Assert.Contains(words, body.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A six-digit code that is neither this step's nor a neighbour's.</summary>
    private static string WrongCode(string key)
    {
        var now = DateTimeOffset.UtcNow;
        var near = new[] { -60, -30, 0, 30, 60 }.Select(s => Totp.Code(key, now.AddSeconds(s))).ToHashSet();
        for (var i = 0; ; i++)
        {
            var c = ((123456 + i * 7919) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!near.Contains(c)) return c;
        }
    }

    private Task<HttpClient> TwoFactorApiAsync(string user, string totpKey) => App.ApiAsync(user, twoFactorKey: totpKey);
}

/// <summary>
/// The same certificate journey at a suite 2 deployment: the firm's SM2 key made in the browser (sm-crypto-v2), its
/// SM3withSM2 request certified by the centre's SM2 CA, SM2 bids signed with it and refused with another key, expired or
/// revoked (the SM2 revocation list names it); the opening record PDF of an SM2 tender validates with pdfsig.
/// </summary>
public class FirmCertificateSm2Tests(PostgresServer pg) : FirmCertificateTests(pg)
{
    protected override string Suite => Trading.Crypto.CryptoSuites.Sm2;
}
