using System.Text.Json.Nodes;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Trading.Crypto.Tests;

/// <summary>
/// The version 2 opening transcript vectors (docs/envelope-format.md section 7.1): the first envelope vector's opening
/// with its signed manifest and a firm certificate from a test CA; the same with the manifest tampered; and with a
/// certificate of the same name issued by another root. Every key and every ECDSA nonce is derived from a public label,
/// so the certificates and signatures come out byte for byte the same on every run.
/// </summary>
internal static class TranscriptV2Vectors
{
    public static string TranscriptPath => Path.Combine(TestVectors.Directory, "opening-transcript-v2.json");
    public static string TamperedPath => Path.Combine(TestVectors.Directory, "opening-transcript-v2-tampered-manifest.json");
    public static string OtherRootPath => Path.Combine(TestVectors.Directory, "opening-transcript-v2-other-root.json");
    public static string CaPath => Path.Combine(TestVectors.Directory, "opening-transcript-v2-ca.crt");

    public static readonly DateTimeOffset SubmittedAt = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset CaFrom = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset CaUntil = new(2036, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LeafFrom = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LeafUntil = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly X509Name CaName = new("C=CN,O=Test vectors only,CN=Vector Trading Centre CA");

    public sealed record Generated(string CaPem, OpeningTranscript Valid, OpeningTranscript Tampered, OpeningTranscript OtherRoot, byte[] SignerKey);

    /// <summary>The vectors; <paramref name="leafUntil"/> moves the firm certificate's end (the CLI tests make one expired at submission).</summary>
    public static async Task<Generated> GenerateAsync(DateTimeOffset? leafUntil = null)
    {
        var (vectors, v1) = await TestVectors.GenerateAsync(CryptoSuite.P256);
        var envelope = vectors["vectors"]![0]!["envelope"]!;
        var bid = v1.Bids[0];
        var manifest = new BidManifest(CryptoSuites.P256, bid.Tender, bid.Lot, bid.Bidder, Convert.FromHexString((string)envelope["headerHash"]!),
            bid.EnvelopeSha256, ((string)envelope["envelope"]!).Length / 2);

        var firm = Key("transcript v2 firm signing key");
        var signed = new SignedManifest(manifest, SignP1363(firm, manifest.ToSigningBytes(), "transcript v2 manifest signature k"),
            SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Public(firm)).GetEncoded());

        var ca = Key("transcript v2 centre CA key");
        var caCertificate = Root(ca, "transcript v2 centre CA signature k");
        var leaf = Leaf(firm, ca, caCertificate, leafUntil ?? LeafUntil, "transcript v2 firm certificate signature k");
        var other = Key("transcript v2 other root key");
        var otherLeaf = Leaf(firm, other, Root(other, "transcript v2 other root signature k"), leafUntil ?? LeafUntil, "transcript v2 other firm certificate signature k");

        OpeningTranscript With(SignedManifest m, byte[] certificate) =>
            new(OpeningTranscript.Version2, v1.Key, [bid with { SubmittedAt = SubmittedAt, Manifest = m, SignerCertificate = Convert.ToBase64String(certificate) }]);
        var changed = (byte[])manifest.EnvelopeSha256.Clone();
        changed[^1] ^= 0x01;
        var pem = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", caCertificate.GetEncoded())) + "\n";
        return new Generated(pem, With(signed, leaf.GetEncoded()), With(signed with { Manifest = manifest with { EnvelopeSha256 = changed } }, leaf.GetEncoded()),
            With(signed, otherLeaf.GetEncoded()), P256.EncodeScalar(firm.D));
    }

    public static ECPrivateKeyParameters Key(string label) => new("EC", TestVectors.Scalar(label), SecObjectIdentifiers.SecP256r1);

    private static ECPublicKeyParameters Public(ECPrivateKeyParameters key) =>
        new("EC", key.Parameters.G.Multiply(key.D).Normalize(), SecObjectIdentifiers.SecP256r1);

    /// <summary>ECDSA P-256 with SHA-256, r || s (the manifest's form), with the nonce taken from a label.</summary>
    public static byte[] SignP1363(ECPrivateKeyParameters key, byte[] message, string kLabel)
    {
        var signer = new ECDsaSigner();
        signer.Init(true, new ParametersWithRandom(key, new FixedBytesRandom(P256.EncodeScalar(TestVectors.Scalar(kLabel)))));
        var rs = signer.GenerateSignature(System.Security.Cryptography.SHA256.HashData(message));
        return [.. P256.EncodeScalar(rs[0]), .. P256.EncodeScalar(rs[1])];
    }

    private static Asn1SignatureFactory Signer(ECPrivateKeyParameters key, string kLabel) =>
        new("SHA256WITHECDSA", key, new FixedBytesRandom(P256.EncodeScalar(TestVectors.Scalar(kLabel))));

    /// <summary>A self-signed CA like the centre's: CA with path length 0, keyCertSign and cRLSign.</summary>
    private static X509Certificate Root(ECPrivateKeyParameters key, string kLabel)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(BigInteger.One);
        g.SetIssuerDN(CaName);
        g.SetSubjectDN(CaName);
        g.SetNotBefore(CaFrom.UtcDateTime);
        g.SetNotAfter(CaUntil.UtcDateTime);
        g.SetPublicKey(Public(key));
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(Public(key)));
        return g.Generate(Signer(key, kLabel));
    }

    /// <summary>A firm certificate like the centre issues: the firm's name and credit code, digitalSignature and nonRepudiation.</summary>
    private static X509Certificate Leaf(ECPrivateKeyParameters firm, ECPrivateKeyParameters issuerKey, X509Certificate issuer, DateTimeOffset until, string kLabel)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(new BigInteger("2026060100000000000000000000abcd", 16));
        g.SetIssuerDN(issuer.SubjectDN);
        g.SetSubjectDN(new X509Name(
            [X509Name.C, X509Name.O, X509Name.OrganizationIdentifier, X509Name.CN],
            new[] { "CN", "Vector Bidder Ltd", "91350100MA2XXXXX0X", "Vector Bidder Ltd (Test Representative)" }));
        g.SetNotBefore(LeafFrom.UtcDateTime);
        g.SetNotAfter(until.UtcDateTime);
        g.SetPublicKey(Public(firm));
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(Public(firm)));
        g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer));
        return g.Generate(Signer(issuerKey, kLabel));
    }
}

public class TranscriptV2VectorTests
{
    private static bool Chains(byte[] der, DateTimeOffset at, string caPem) =>
        Trading.PublicLog.FirmCertificateAuthority.ChainsToAny(der, [Convert.FromBase64String(caPem[System.Security.Cryptography.PemEncoding.Find(caPem).Base64Data])], at);

    [Fact]
    public async Task The_committed_v2_transcript_vectors_are_exactly_what_this_code_computes_and_verify_as_documented()
    {
        var ct = TestContext.Current.CancellationToken;
        var g = await TranscriptV2Vectors.GenerateAsync();
        var files = new (string Path, string Content)[]
        {
            (TranscriptV2Vectors.TranscriptPath, CryptoJson.Serialize(g.Valid) + "\n"),
            (TranscriptV2Vectors.TamperedPath, CryptoJson.Serialize(g.Tampered) + "\n"),
            (TranscriptV2Vectors.OtherRootPath, CryptoJson.Serialize(g.OtherRoot) + "\n"),
            (TranscriptV2Vectors.CaPath, g.CaPem),
        };
        foreach (var (path, content) in files)
        {
            if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1") await File.WriteAllTextAsync(path, content, ct);
            Assert.True(content == await File.ReadAllTextAsync(path, ct), $"{Path.GetFileName(path)} differs from what the code computes");
        }

        var caPem = await File.ReadAllTextAsync(TranscriptV2Vectors.CaPath, ct);
        SignerChainCheck chains = (der, at, _) => Chains(der, at, caPem);
        OpeningReport Check(string path, SignerChainCheck? c) => OpeningVerifier.Verify(CryptoJson.Deserialize<OpeningTranscript>(File.ReadAllText(path)), c);

        var valid = Check(TranscriptV2Vectors.TranscriptPath, chains);
        Assert.True(valid.Valid, string.Join("; ", valid.Bids.SelectMany(b => b.Problems)));
        Assert.Equal(SignerStatus.ChainVerified, valid.Bids.Single().Signer);
        Assert.Equal("2026060100000000000000000000abcd", valid.Bids.Single().SignerSerial);
        // Without roots the chain is said to be unchecked: the rest holds, but nothing vouches for the CA.
        var notChecked = Check(TranscriptV2Vectors.TranscriptPath, null);
        Assert.True(notChecked.Valid);
        Assert.Equal(SignerStatus.ChainNotChecked, notChecked.Bids.Single().Signer);

        var tampered = Check(TranscriptV2Vectors.TamperedPath, chains);
        Assert.False(tampered.Valid);
        Assert.True(tampered.Bids.Single().CombinationValid);
        Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, tampered.Bids.Single().Problems.Single().Code);

        var other = Check(TranscriptV2Vectors.OtherRootPath, chains);
        Assert.False(other.Valid);
        Assert.Equal(CryptoErrorCode.SignerUntrusted, other.Bids.Single().Problems.Single().Code);
        // The same certificate does chain to the root that issued it: the refusal is about the root, nothing else.
        Assert.Equal(SignerStatus.ChainNotChecked, Check(TranscriptV2Vectors.OtherRootPath, null).Bids.Single().Signer);

        // The vector's manifest signature is the form WebCrypto and ManifestSigning produce and verify.
        ManifestSigning.Verify(g.Valid.Bids[0].Manifest!);
    }

    [Fact]
    public async Task Each_signer_rule_refuses_by_name()
    {
        var g = await TranscriptV2Vectors.GenerateAsync();
        var bid = g.Valid.Bids[0];
        var m = bid.Manifest!;
        CryptoErrorCode? Code(BidOpening b, int version = OpeningTranscript.Version2)
        {
            var report = OpeningVerifier.Verify(g.Valid with { Version = version, Bids = [b] }, (_, _, _) => true);
            return report.Valid ? null : report.Bids.Single().Problems.Single().Code;
        }

        Assert.Null(Code(bid));
        // A version 1 transcript with signer data is malformed; one without it is the old format and still verifies.
        Assert.Equal(CryptoErrorCode.RecordInvalid, Code(bid, OpeningTranscript.Version1));
        Assert.Null(Code(bid with { SubmittedAt = null, Manifest = null, SignerCertificate = null }, OpeningTranscript.Version1));
        Assert.Equal(SignerStatus.NotRecorded, OpeningVerifier.Verify(CryptoJson.Deserialize<OpeningTranscript>(File.ReadAllText(TestVectors.TranscriptPath))).Bids.Single().Signer);
        Assert.Equal(CryptoErrorCode.TranscriptVersionUnsupported, OpeningVerifier.Verify(g.Valid with { Version = 3 }).KeyProblems.Single().Code);

        Assert.Equal(CryptoErrorCode.SignerDataMissing, Code(bid with { Manifest = null }));
        Assert.Equal(CryptoErrorCode.SignerDataMissing, Code(bid with { SubmittedAt = null }));
        Assert.Equal(CryptoErrorCode.SignerCertificateInvalid, Code(bid with { SignerCertificate = "bm90IGEgY2VydGlmaWNhdGU=" }));

        // A manifest validly signed by the same key but about another envelope or bidder: it does not describe this bid.
        var key = TranscriptV2Vectors.Key("transcript v2 firm signing key");
        SignedManifest Resigned(BidManifest changed) => m with { Manifest = changed, Signature = TranscriptV2Vectors.SignP1363(key, changed.ToSigningBytes(), "resigned") };
        Assert.Equal(CryptoErrorCode.ManifestMismatch, Code(bid with { Manifest = Resigned(m.Manifest with { EnvelopeSha256 = new byte[32] }) }));
        Assert.Equal(CryptoErrorCode.ManifestMismatch, Code(bid with { Manifest = Resigned(m.Manifest with { Bidder = "someone else" }) }));

        // Signed by a key the certificate does not certify (a per-bid key beside the firm's certificate).
        var stranger = TranscriptV2Vectors.Key("a stranger's key");
        var strangerSpki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(new ECPublicKeyParameters("EC", stranger.Parameters.G.Multiply(stranger.D).Normalize(), SecObjectIdentifiers.SecP256r1)).GetEncoded();
        Assert.Equal(CryptoErrorCode.SignerKeyMismatch, Code(bid with { Manifest = new SignedManifest(m.Manifest, TranscriptV2Vectors.SignP1363(stranger, m.Manifest.ToSigningBytes(), "stranger"), strangerSpki) }));
        // The same manifest without a certificate is a per-bid key: integrity only, and said so.
        Assert.Equal(SignerStatus.PerBidKey, OpeningVerifier.Verify(g.Valid with { Bids = [bid with { SignerCertificate = null }] }).Bids.Single().Signer);

        Assert.Equal(CryptoErrorCode.SignerNotValidAtSubmission, Code(bid with { SubmittedAt = TranscriptV2Vectors.LeafUntil.AddSeconds(1) }));
        Assert.Equal(CryptoErrorCode.SignerNotValidAtSubmission, Code(bid with { SubmittedAt = TranscriptV2Vectors.LeafFrom.AddSeconds(-1) }));
        Assert.Null(Code(bid with { SubmittedAt = TranscriptV2Vectors.LeafUntil }));
    }
}
