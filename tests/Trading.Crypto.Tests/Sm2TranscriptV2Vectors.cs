using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Trading.Crypto.Tests;

/// <summary>
/// The suite 2 version 2 opening transcript vector (docs/envelope-format.md sections 7.1 and 11.5): the first suite 2
/// envelope vector's opening, submitted at 2026-06-01T08:00:00Z, with its manifest SM2-signed by a firm key that a test SM2
/// CA certified (SM3withSM2 certificates, as the centre's SM2 CA issues). Keys and every SM2 nonce are derived from public
/// labels, so the certificates and the signature come out byte for byte the same on every run.
/// </summary>
internal static class Sm2TranscriptV2Vectors
{
    public static string TranscriptPath => Path.Combine(TestVectors.Directory, "opening-transcript-sm2-v2.json");
    public static string CaPath => Path.Combine(TestVectors.Directory, "opening-transcript-sm2-v2-ca.crt");

    private static readonly X509Name CaName = new("C=CN,O=Test vectors only,CN=Vector Trading Centre CA (SM2)");

    public sealed record Generated(string CaPem, OpeningTranscript Valid);

    public static async Task<Generated> GenerateAsync()
    {
        var g = EcGroup.Sm2;
        var (vectors, v1) = await TestVectors.GenerateAsync(CryptoSuite.Sm2);
        var envelope = vectors["vectors"]![0]!["envelope"]!;
        var bid = v1.Bids[0];
        var manifest = new BidManifest(CryptoSuites.Sm2, bid.Tender, bid.Lot, bid.Bidder, Convert.FromHexString((string)envelope["headerHash"]!),
            bid.EnvelopeSha256, ((string)envelope["envelope"]!).Length / 2);

        var firm = Sm2SigningKey.FromScalar(TestVectors.Scalar("transcript v2 SM2 firm signing key", g.N));
        var signed = new SignedManifest(manifest,
            firm.Sign(manifest.ToSigningBytes(), new FixedBytesRandom(g.EncodeScalar(TestVectors.Scalar("transcript v2 SM2 manifest signature k", g.N)))),
            firm.ExportSubjectPublicKeyInfo());

        var ca = new ECPrivateKeyParameters("EC", TestVectors.Scalar("transcript v2 SM2 centre CA key", g.N), GMObjectIdentifiers.sm2p256v1);
        var caCertificate = Root(ca);
        var leaf = Leaf(firm.ExportSubjectPublicKeyInfo(), ca, caCertificate);
        var transcript = new OpeningTranscript(OpeningTranscript.Version2, v1.Key,
            [bid with { SubmittedAt = TranscriptV2Vectors.SubmittedAt, Manifest = signed, SignerCertificate = Convert.ToBase64String(leaf.GetEncoded()) }]);
        return new Generated(new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", caCertificate.GetEncoded())) + "\n", transcript);
    }

    private static ECPublicKeyParameters Public(ECPrivateKeyParameters key) =>
        new("EC", key.Parameters.G.Multiply(key.D).Normalize(), GMObjectIdentifiers.sm2p256v1);

    /// <summary>SM3withSM2 (default user id) with the nonce taken from a label, as the centre's SM2 CA signs.</summary>
    private static Asn1SignatureFactory Signer(ECPrivateKeyParameters key, string kLabel) =>
        new("SM3WITHSM2", key, new FixedBytesRandom(EcGroup.Sm2.EncodeScalar(TestVectors.Scalar(kLabel, EcGroup.Sm2.N))));

    /// <summary>A self-signed SM2 CA like the centre's: CA with path length 0, keyCertSign and cRLSign.</summary>
    private static X509Certificate Root(ECPrivateKeyParameters key)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(BigInteger.One);
        g.SetIssuerDN(CaName);
        g.SetSubjectDN(CaName);
        g.SetNotBefore(TranscriptV2Vectors.CaFrom.UtcDateTime);
        g.SetNotAfter(TranscriptV2Vectors.CaUntil.UtcDateTime);
        g.SetPublicKey(Public(key));
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(Public(key)));
        return g.Generate(Signer(key, "transcript v2 SM2 centre CA signature k"));
    }

    /// <summary>A firm's SM2 certificate like the centre's SM2 CA issues: the firm's name and credit code, digitalSignature and nonRepudiation.</summary>
    private static X509Certificate Leaf(byte[] subjectPublicKeyInfo, ECPrivateKeyParameters issuerKey, X509Certificate issuer)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(new BigInteger("2026060100000000000000000000cdef", 16));
        g.SetIssuerDN(issuer.SubjectDN);
        g.SetSubjectDN(new X509Name(
            [X509Name.C, X509Name.O, X509Name.OrganizationIdentifier, X509Name.CN],
            new[] { "CN", "Vector Bidder Ltd", "91350100MA2XXXXX0X", "Vector Bidder Ltd (Test Representative)" }));
        g.SetNotBefore(TranscriptV2Vectors.LeafFrom.UtcDateTime);
        g.SetNotAfter(TranscriptV2Vectors.LeafUntil.UtcDateTime);
        var key = Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(subjectPublicKeyInfo);
        g.SetPublicKey(key);
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(key));
        g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer));
        return g.Generate(Signer(issuerKey, "transcript v2 SM2 firm certificate signature k"));
    }
}

public class Sm2TranscriptV2VectorTests
{
    [Fact]
    public async Task The_committed_suite_2_v2_transcript_vector_is_exactly_what_this_code_computes_and_verifies_against_its_SM2_CA()
    {
        var ct = TestContext.Current.CancellationToken;
        var g = await Sm2TranscriptV2Vectors.GenerateAsync();
        foreach (var (path, content) in new[] { (Sm2TranscriptV2Vectors.TranscriptPath, CryptoJson.Serialize(g.Valid) + "\n"), (Sm2TranscriptV2Vectors.CaPath, g.CaPem) })
        {
            if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1") await File.WriteAllTextAsync(path, content, ct);
            Assert.True(content == await File.ReadAllTextAsync(path, ct), $"{Path.GetFileName(path)} differs from what the code computes");
        }

        // The manifest's SM2 signature (SM3, default user id, r || s) is the form ManifestSigning verifies.
        var transcript = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(Sm2TranscriptV2Vectors.TranscriptPath, ct));
        Assert.Equal(CryptoSuites.Sm2, transcript.Key.Suite);
        ManifestSigning.Verify(transcript.Bids[0].Manifest!);

        // The platform's own SM2 chain check (BouncyCastle, as for the centre's SM2 CA) accepts it at the submission time.
        var caPem = await File.ReadAllTextAsync(Sm2TranscriptV2Vectors.CaPath, ct);
        byte[] caDer = Convert.FromBase64String(caPem[System.Security.Cryptography.PemEncoding.Find(caPem).Base64Data]);
        var report = OpeningVerifier.Verify(transcript, (der, at, _) => Trading.PublicLog.FirmCertificateAuthority.ChainsToAny(der, [caDer], at));
        Assert.True(report.Valid, string.Join("; ", report.Bids.SelectMany(b => b.Problems)));
        Assert.Equal(SignerStatus.ChainVerified, report.Bids.Single().Signer);
        Assert.Equal("2026060100000000000000000000cdef", report.Bids.Single().SignerSerial);

        // The CLI says the same, and refuses the chain against the suite 1 vector's P-256 CA.
        var cli = CliTests.Run("verify-opening", "--transcript", Sm2TranscriptV2Vectors.TranscriptPath, "--ca", Sm2TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.True(cli.Code == 0, cli.Out + cli.Err);
        Assert.Contains("signer: certificate 2026060100000000000000000000cdef, valid at submission and chaining to a root given", cli.Out);
        var wrong = CliTests.Run("verify-opening", "--transcript", Sm2TranscriptV2Vectors.TranscriptPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("SignerUntrusted: certificate 2026060100000000000000000000cdef", wrong.Out);
    }
}
