using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.Cli.Crypto;
using Trading.PublicLog;

namespace Trading.Crypto.Tests;

/// <summary>
/// <c>trading verify-opening --crl</c>: revocation lists the centre's CA issues (the platform's own <c>BuildCrl</c>, as
/// published at <c>/pki/firms.crl</c>) decide whether a bid's signer certificate was revoked when the bid was submitted.
/// </summary>
public sealed class CliRevocationTests : IDisposable
{
    private static readonly DateTimeOffset Submitted = TranscriptV2Vectors.SubmittedAt;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("trading-cli-crl-");
    private readonly FirmCertificateAuthority _ca = FirmCertificateAuthority.Create("Test Centre", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Delete(recursive: true);
    }

    private string P(string name) => Path.Combine(_dir.FullName, name);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliTests.Run(args);

    /// <summary>The v2 vector's opening, its manifest signed again by a firm key this CA certified; returns the certificate's serial as the tool names it.</summary>
    private async Task<(byte[] Serial, string Shown)> TranscriptAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var vector = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(TranscriptV2Vectors.TranscriptPath, ct));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serial = FirmCertificateAuthority.NewSerial();
        using var certificate = _ca.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _), "测试公司", "91350100MA2XXXXX1X", "张三",
            serial, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), null);
        var bid = vector.Bids[0];
        var transcript = vector with
        {
            Bids = [bid with { Manifest = ManifestSigning.Sign(bid.Manifest!.Manifest, key), SignerCertificate = Convert.ToBase64String(certificate.RawData) }],
        };
        await File.WriteAllTextAsync(P("t.json"), CryptoJson.Serialize(transcript), ct);
        await File.WriteAllTextAsync(P("centre-ca.crt"), _ca.Ca.ExportCertificatePem(), ct);
        return (serial, new Org.BouncyCastle.Math.BigInteger(1, serial).ToString(16));
    }

    private string Crl(string name, FirmCertificateAuthority ca, DateTimeOffset issued, params (byte[] Serial, DateTimeOffset At)[] revoked)
    {
        File.WriteAllBytes(P(name), ca.BuildCrl(revoked, issued, TimeSpan.FromDays(1)));
        return P(name);
    }

    private (int Code, string Out, string Err) Verify(string crl, string lang = "en") =>
        Run("verify-opening", "--transcript", P("t.json"), "--ca", P("centre-ca.crt"), "--crl", crl, "--lang", lang);

    [Fact]
    public async Task A_bid_whose_certificate_was_revoked_at_or_before_its_submission_is_refused_naming_the_serial_and_the_revocation_time()
    {
        var (serial, shown) = await TranscriptAsync();
        var before = Verify(Crl("before.crl", _ca, Submitted.AddDays(1), (serial, Submitted.AddHours(-1))));
        Assert.Equal(1, before.Code);
        Assert.Contains("bid 1 (bidder-91350100MA2XXXXX): INVALID", before.Out);
        Assert.Contains($"SignerRevoked: certificate {shown} was revoked at 2026-06-01T07:00:00Z, at or before the bid was submitted at 2026-06-01T08:00:00Z (revocation list of 2026-06-02T08:00:00Z signed by its CA)", before.Out);
        Assert.Contains("opening NOT verified", before.Out);
        Assert.Contains($"证书 {shown} 已于 2026-06-01T07:00:00Z 吊销，不晚于投标递交时间 2026-06-01T08:00:00Z", Verify(P("before.crl"), "zh-CN").Out);

        // The very instant of the submission counts as before it, as the platform's own check does.
        var same = Verify(Crl("same.crl", _ca, Submitted.AddDays(1), (serial, Submitted)));
        Assert.Equal(1, same.Code);
        Assert.Contains("SignerRevoked", same.Out);

        // The published list read as PEM says the same.
        var der = File.ReadAllBytes(P("before.crl"));
        File.WriteAllText(P("before.pem"), new string(PemEncoding.Write("X509 CRL", der)));
        Assert.Contains("SignerRevoked", Verify(P("before.pem")).Out);
    }

    [Fact]
    public async Task A_revocation_after_the_submission_does_not_undo_a_bid_signed_before_it_and_the_tool_says_so()
    {
        var (serial, shown) = await TranscriptAsync();
        var after = Verify(Crl("after.crl", _ca, Submitted.AddDays(1), (serial, Submitted.AddHours(1))));
        Assert.True(after.Code == 0, after.Out + after.Err);
        Assert.Contains("bid 1 (bidder-91350100MA2XXXXX): VALID", after.Out);
        Assert.Contains($"revocation: certificate {shown} was revoked at 2026-06-01T09:00:00Z, after the bid was submitted: a revocation does not reach back, so a bid signed before it under a valid certificate stands", after.Out);
        Assert.Contains("吊销不追溯既往", Verify(P("after.crl"), "zh-CN").Out);

        // Not listed by a list issued after the submission: not revoked then.
        var clean = Verify(Crl("clean.crl", _ca, Submitted.AddDays(1), (FirmCertificateAuthority.NewSerial(), Submitted.AddHours(-2))));
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
        Assert.Contains($"revocation: certificate {shown} is not on the revocation list of 2026-06-02T08:00:00Z: not revoked when the bid was submitted", clean.Out);

        // A list older than the bid cannot speak for the time between them, and the tool says that instead.
        var old = Verify(Crl("old.crl", _ca, Submitted.AddDays(-1)));
        Assert.True(old.Code == 0, old.Out + old.Err);
        Assert.Contains("that list predates the submission", old.Out);

        // Without --crl, the tool says revocation was not checked.
        var none = Run("verify-opening", "--transcript", P("t.json"), "--ca", P("centre-ca.crt"), "--lang", "en");
        Assert.True(none.Code == 0, none.Out);
        Assert.Contains("revocation not checked for 1 bid(s)", none.Out);
    }

    [Fact]
    public async Task A_revocation_list_not_signed_by_a_CA_given_is_refused()
    {
        var (serial, _) = await TranscriptAsync();
        // Another CA of the very same name lists the certificate revoked: not its to say.
        using var impostor = FirmCertificateAuthority.Create("Test Centre", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var forged = Verify(Crl("forged.crl", impostor, Submitted.AddDays(1), (serial, Submitted.AddHours(-1))));
        Assert.Equal(2, forged.Code);
        Assert.Contains("CrlUntrusted: revocation list forged.crl is not signed by any CA certificate given (--ca)", forged.Err);
        Assert.DoesNotContain("opening verified", forged.Out);
        Assert.Contains("吊销列表 forged.crl 不是由所给的任何认证机构证书（--ca）签发的", Verify(P("forged.crl"), "zh-CN").Err);

        // A list with no CA to check it by is refused before anything is read.
        var noCa = Run("verify-opening", "--transcript", P("t.json"), "--crl", Crl("real.crl", _ca, Submitted.AddDays(1)), "--lang", "en");
        Assert.Equal(2, noCa.Code);
        Assert.Contains("--crl needs --ca", noCa.Err);

        // Not a list at all: unusable input.
        File.WriteAllText(P("junk.crl"), "not a list");
        Assert.Equal(2, Verify(P("junk.crl")).Code);
    }

    [Fact]
    public void The_SM2_CAs_list_is_checked_by_its_SM3withSM2_signature_and_speaks_only_for_its_own_certificates()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var sm2 = Sm2CertificateAuthority.Create("Test Centre", at);
        var generator = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator("EC");
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.GM.GMObjectIdentifiers.sm2p256v1, new Org.BouncyCastle.Security.SecureRandom()));
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(generator.GenerateKeyPair().Public).GetEncoded();
        var serial = FirmCertificateAuthority.NewSerial();
        var certificate = sm2.Issue(spki, "测试公司", "91350100MA2XXXXX1X", "张三", serial, at, at.AddYears(1), null);
        var revoked = Submitted.AddHours(-1);
        var list = sm2.BuildCrl([(serial, revoked)], Submitted.AddDays(1), TimeSpan.FromDays(1));
        byte[][] cas = [sm2.Ca.GetEncoded(), _ca.Ca.RawData];

        var status = RevocationLists.Read([("firms-sm2.crl", list)], cas).Check(certificate);
        Assert.Equal(revoked, status!.RevokedAt);
        Assert.Equal(Submitted.AddDays(1), status.ListIssuedAt);

        // The P-256 CA's list, though valid, says nothing of an SM2 certificate.
        Assert.Null(RevocationLists.Read([("firms.crl", _ca.BuildCrl([(serial, revoked)], Submitted.AddDays(1), TimeSpan.FromDays(1)))], cas).Check(certificate));

        // An SM2 list by another SM2 CA of the same name is refused.
        var impostor = Sm2CertificateAuthority.Create("Test Centre", at);
        Assert.Equal("forged.crl", Assert.Throws<RevocationListUntrustedException>(() =>
            RevocationLists.Read([("forged.crl", impostor.BuildCrl([(serial, revoked)], Submitted.AddDays(1), TimeSpan.FromDays(1)))], cas)).File);
    }
}
