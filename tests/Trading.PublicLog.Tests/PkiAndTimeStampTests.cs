using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trading.PublicLog.Tests;

public sealed class PkiAndTimeStampTests(PkiFixture f) : IClassFixture<PkiFixture>
{
    private static readonly byte[] Imprint = SHA256.HashData("opening record"u8);

    [Fact]
    public void Development_pki_chains_every_certificate_to_the_root_with_the_right_usages()
    {
        var pki = f.Pki;
        foreach (var cert in new[] { pki.Tsa, pki.LogSigning, pki.Witness!, pki.Tls! })
        {
            CentreTrust.RequireChain(cert, pki.Root, [pki.Issuing], PkiFixture.Now.AddDays(1));
            Assert.True(cert.HasPrivateKey);
        }
        var eku = pki.Tsa.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.True(eku.Critical);
        Assert.Equal(CentrePki.TimeStampingEku, eku.EnhancedKeyUsages.Cast<Oid>().Single().Value);
        var san = pki.Tls!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.True(pki.Root.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        // Another centre's certificate does not chain to this root, and neither does anything after expiry.
        Assert.Equal("cert.untrusted", Assert.Throws<LogVerificationException>(() => CentreTrust.RequireChain(f.Other.Tsa, pki.Root, [f.Other.Issuing], PkiFixture.Now)).Code);
        Assert.Equal("cert.untrusted", Assert.Throws<LogVerificationException>(() => CentreTrust.RequireChain(pki.Tsa, pki.Root, [pki.Issuing], PkiFixture.Now.AddYears(20))).Code);
    }

    [Fact]
    public void Pem_files_round_trip_without_the_ca_keys()
    {
        var files = f.Pki.ToPemFiles().Where(kv => kv.Key is not (CentrePki.Files.RootKey or CentrePki.Files.IssuingKey)).ToDictionary();
        Assert.Contains(CentrePki.Files.TsaKey, (IDictionary<string, string>)files);
        using var loaded = CentrePki.FromPem(files);
        Assert.Equal(f.Pki.Root.Thumbprint, loaded.Root.Thumbprint);
        Assert.False(loaded.Root.HasPrivateKey);
        // Millisecond resolution: receipts carry millisecond server times.
        var token = loaded.TimeStampAuthority().Stamp(Imprint, PkiFixture.Now.AddMilliseconds(123));
        Assert.Equal(PkiFixture.Now.AddMilliseconds(123), TimeStampVerifier.Verify(token, Imprint, f.Pki.Root).Time);
        var noLogKey = files.Where(kv => kv.Key != CentrePki.Files.LogKey).ToDictionary();
        Assert.Equal("key.invalid", Assert.Throws<LogFormatException>(() => CentrePki.FromPem(noLogKey)).Code);
    }

    [Fact]
    public void Tokens_verify_offline_and_refuse_other_data_other_roots_and_tampering()
    {
        var token = f.Pki.TimeStampAuthority().Stamp(Imprint, PkiFixture.Now);
        var info = TimeStampVerifier.Verify(token, Imprint, f.Pki.Root);
        Assert.Equal(PkiFixture.Now, info.Time);
        Assert.Equal(TimeStampAuthority.DefaultPolicy, info.Policy);
        Assert.Contains("Time-Stamping Authority", info.TsaSubject, StringComparison.Ordinal);

        Assert.Equal("tsa.imprint-mismatch", Assert.Throws<LogVerificationException>(() => TimeStampVerifier.Verify(token, SHA256.HashData("other"u8), f.Pki.Root)).Code);
        Assert.Equal("cert.untrusted", Assert.Throws<LogVerificationException>(() => TimeStampVerifier.Verify(token, Imprint, f.Other.Root)).Code);
        Assert.Equal("tsa.malformed", Assert.Throws<LogFormatException>(() => TimeStampVerifier.Verify([0x30, 0x03, 0x02, 0x01, 0x01], Imprint, f.Pki.Root)).Code);

        // Flip a byte of the signature at the end of the token: the CMS signature no longer verifies.
        var bad = (byte[])token.Clone();
        bad[^5] ^= 0x01;
        var e = Assert.ThrowsAny<PublicLogException>(() => TimeStampVerifier.Verify(bad, Imprint, f.Pki.Root));
        Assert.True(e.Code is "tsa.bad-signature" or "tsa.malformed", e.Code);
    }

    [Fact]
    public void A_certificate_without_the_timestamping_eku_cannot_be_a_tsa()
    {
        var e = Assert.Throws<LogVerificationException>(() => new TimeStampAuthority(f.Pki.LogSigning, [f.Pki.Issuing]));
        Assert.Equal("cert.wrong-usage", e.Code);
    }

    [Fact]
    public void External_tsa_protocol_checks_the_nonce_and_status()
    {
        var tsa = f.Pki.TimeStampAuthority();
        var request = TimeStampRequests.Create(Imprint, out _);
        var response = tsa.Respond(request, PkiFixture.Now);
        var token = TimeStampRequests.ReadResponse(response, request);
        TimeStampVerifier.Verify(token, Imprint, f.Pki.Root);

        var otherRequest = TimeStampRequests.Create(Imprint, out _);
        Assert.Equal("tsa.nonce-mismatch", Assert.Throws<LogVerificationException>(() => TimeStampRequests.ReadResponse(response, otherRequest)).Code);
        var rejection = tsa.Respond([0x01, 0x02, 0x03], PkiFixture.Now);
        Assert.Equal("tsa.rejected", Assert.Throws<LogVerificationException>(() => TimeStampRequests.ReadResponse(rejection, request)).Code);
        Assert.Equal("tsa.malformed", Assert.Throws<LogFormatException>(() => TimeStampRequests.ReadResponse([0xff, 0x00], request)).Code);
    }
}
