using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Trading.PublicLog;

/// <summary>
/// The centre's SM2 issuing CA (suite 2 deployments), beside the P-256 one of <see cref="FirmCertificateAuthority"/>: a
/// self-signed SM2 CA certificate signed SM3withSM2 (GM/T 0015), which certifies firms' SM2 keys and signs their
/// revocation list. A separate key, not the P-256 CA's, because a certificate's signature algorithm is its issuer's key:
/// an SM2 chain must be SM2 all the way to the root to meet the commercial cryptography rules (GB/T 20518), and .NET's
/// X509 stack does not do SM2, so issuing, the list and the chain check are BouncyCastle's.
/// SM2 signatures here use the default distinguishing identifier "1234567812345678" (GB/T 35276, GM/T 0009).
/// </summary>
public sealed class Sm2CertificateAuthority
{
    /// <summary>File names beside the P-256 CA's files.</summary>
    public static class Files
    {
        public const string CaCertificate = "centre-ca-sm2.crt";
        public const string CaKey = "centre-ca-sm2.key";
    }

    /// <summary>SM3withSM2 (GM/T 0006: 1.2.156.10197.1.501), as BouncyCastle names it.</summary>
    public const string SignatureAlgorithm = "SM3WITHSM2";

    private readonly ECPrivateKeyParameters _key;

    private Sm2CertificateAuthority(X509Certificate ca, ECPrivateKeyParameters key)
    {
        Ca = ca;
        _key = key;
    }

    /// <summary>The CA certificate.</summary>
    public X509Certificate Ca { get; }

    /// <summary>The CA certificate as PEM, as published.</summary>
    public string CaPem => Pem("CERTIFICATE", Ca.GetEncoded());

    private static string Pem(string label, byte[] der) => new string(PemEncoding.Write(label, der)) + "\n";

    private static ISignatureFactory Signer(ECPrivateKeyParameters key) => new Asn1SignatureFactory(SignatureAlgorithm, key, new SecureRandom());

    /// <summary>A new SM2 CA for <paramref name="centreName"/>, valid from <paramref name="now"/> for ten years.</summary>
    public static Sm2CertificateAuthority Create(string centreName, DateTimeOffset now)
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var name = new X509Name([X509Name.C, X509Name.O, X509Name.CN], new[] { "CN", centreName, $"{centreName} Firm Certificate CA (SM2)" });
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(new BigInteger(1, FirmCertificateAuthority.NewSerial()));
        g.SetIssuerDN(name);
        g.SetSubjectDN(name);
        g.SetNotBefore(now.AddMinutes(-5).UtcDateTime);
        g.SetNotAfter(now.AddYears(10).UtcDateTime);
        g.SetPublicKey(pair.Public);
        // Path length 0: this CA signs end-entity certificates only.
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, KeyId(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public)));
        return new Sm2CertificateAuthority(g.Generate(Signer((ECPrivateKeyParameters)pair.Private)), (ECPrivateKeyParameters)pair.Private);
    }

    /// <summary>Loads the CA from its PEM files by name; null when the folder has none (a deployment without SM2 certificates).</summary>
    public static Sm2CertificateAuthority? FromPem(IReadOnlyDictionary<string, string> files)
    {
        if (!files.TryGetValue(Files.CaCertificate, out var c) || !files.TryGetValue(Files.CaKey, out var k)) return null;
        var cert = new X509CertificateParser().ReadCertificate(PemBody(c, "CERTIFICATE"));
        if (PrivateKeyFactory.CreateKey(PemBody(k, "PRIVATE KEY")) is not ECPrivateKeyParameters key || !GMObjectIdentifiers.sm2p256v1.Equals(key.PublicKeyParamSet))
            throw new LogFormatException("key.invalid", Args.Of(("kind", Files.CaKey), ("reason", "not an SM2 PKCS#8 key")));
        var q = key.Parameters.G.Multiply(key.D).Normalize();
        if (!((ECPublicKeyParameters)cert.GetPublicKey()).Q.Equals(q))
            throw new LogFormatException("key.invalid", Args.Of(("kind", Files.CaKey), ("reason", "does not match " + Files.CaCertificate)));
        return new Sm2CertificateAuthority(cert, key);
    }

    private static byte[] PemBody(string pem, string label)
    {
        var fields = PemEncoding.Find(pem);
        if (pem[fields.Label] != label) throw new LogFormatException("key.invalid", Args.Of(("kind", label), ("reason", "PEM label " + pem[fields.Label])));
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    // RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the key's BIT STRING (an identifier, not a signature).
    private static SubjectKeyIdentifier KeyId(SubjectPublicKeyInfo spki) => new(SHA256.HashData(spki.PublicKey.GetBytes())[..20]);

    /// <summary>Certificate and key as PEM by file name.</summary>
    public IReadOnlyDictionary<string, string> ToPemFiles() => new Dictionary<string, string>
    {
        [Files.CaCertificate] = CaPem,
        [Files.CaKey] = Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(_key).GetEncoded()),
    };

    /// <summary>True when the SPKI DER is an SM2 key (id-ecPublicKey on sm2p256v1).</summary>
    public static bool IsSm2Key(byte[] subjectPublicKeyInfo)
    {
        try
        {
            return PublicKeyFactory.CreateKey(subjectPublicKeyInfo) is ECPublicKeyParameters ec && GMObjectIdentifiers.sm2p256v1.Equals(ec.PublicKeyParamSet);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException or SecurityUtilityException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads a PKCS#10 request for an SM2 key signed SM3withSM2 with that key (default user id) and returns the key's
    /// SPKI DER; null when it is not such a request or its signature fails.
    /// </summary>
    public static byte[]? ReadRequest(string pem)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST")) return null;
            var request = new Pkcs10CertificationRequest(Convert.FromBase64String(pem[fields.Base64Data]));
            // The signature algorithm must be SM3withSM2 itself: the key's proof of possession in its own suite.
            if (!GMObjectIdentifiers.sm2sign_with_sm3.Equals(request.SignatureAlgorithm.Algorithm)) return null;
            var spki = request.GetCertificationRequestInfo().SubjectPublicKeyInfo.GetEncoded();
            if (!IsSm2Key(spki) || !request.Verify()) return null;
            return spki;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException or SecurityUtilityException
                                      or Org.BouncyCastle.Crypto.CryptoException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>
    /// Issues a firm's SM2 signing certificate (DER): the same subject, extensions and validity rules as the P-256 one,
    /// signed SM3withSM2 by this CA.
    /// </summary>
    public byte[] Issue(byte[] subjectPublicKeyInfo, string firmName, string creditCode, string? legalRepresentative, byte[] serial,
        DateTimeOffset notBefore, DateTimeOffset notAfter, string? crlUrl)
    {
        var subject = new X509Name(
            [X509Name.C, X509Name.O, X509Name.OrganizationIdentifier, X509Name.CN],
            new[] { "CN", firmName, creditCode, legalRepresentative is { Length: > 0 } rep ? $"{firmName} ({rep})" : firmName });
        return Issue(subjectPublicKeyInfo, subject, serial, notBefore, notAfter, crlUrl);
    }

    /// <summary>
    /// An evaluation committee member's one-signing SM2 certificate (DER): the subject and rules of
    /// <see cref="FirmCertificateAuthority.IssueMember"/>, signed SM3withSM2 by this CA.
    /// </summary>
    public byte[] IssueMember(byte[] subjectPublicKeyInfo, string seat, Guid session, byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(subjectPublicKeyInfo, new X509Name([X509Name.C, X509Name.OU, X509Name.T, X509Name.CN], new[] { "CN", MemberSignatures.SessionUnit(session), MemberSignatures.Title, MemberSignatures.SeatName(seat) }),
            serial, notBefore, notAfter, null);

    private byte[] Issue(byte[] subjectPublicKeyInfo, X509Name subject, byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter, string? crlUrl)
    {
        var key = PublicKeyFactory.CreateKey(subjectPublicKeyInfo);
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(new BigInteger(1, serial));
        g.SetIssuerDN(Ca.SubjectDN);
        g.SetSubjectDN(subject);
        g.SetNotBefore(notBefore.UtcDateTime);
        g.SetNotAfter(notAfter.UtcDateTime < Ca.NotAfter.ToUniversalTime() ? notAfter.UtcDateTime : Ca.NotAfter.ToUniversalTime());
        g.SetPublicKey(key);
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        // Non-repudiation (content commitment): the firm's signatures are meant to bind.
        g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
        g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, KeyId(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key)));
        g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(KeyId(Ca.CertificateStructure.SubjectPublicKeyInfo).GetKeyIdentifier()));
        if (crlUrl is not null)
        {
            var point = new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.UniformResourceIdentifier, crlUrl))), null, null);
            g.AddExtension(X509Extensions.CrlDistributionPoints, false, new CrlDistPoint([point]));
        }
        return g.Generate(Signer(_key)).GetEncoded();
    }

    /// <summary>The SM2 certificates' revocation list (RFC 5280 CRL, SM3withSM2), numbered by its issue time like the P-256 one.</summary>
    public byte[] BuildCrl(IEnumerable<(byte[] Serial, DateTimeOffset RevokedAt)> revoked, DateTimeOffset now, TimeSpan validity)
    {
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var g = new X509V2CrlGenerator();
        g.SetIssuerDN(Ca.SubjectDN);
        g.SetThisUpdate(thisUpdate.UtcDateTime);
        g.SetNextUpdate((thisUpdate + validity).UtcDateTime);
        foreach (var (serial, at) in revoked) g.AddCrlEntry(new BigInteger(1, serial), at.UtcDateTime, CrlReason.Unspecified);
        g.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(thisUpdate.ToUnixTimeSeconds())));
        g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(KeyId(Ca.CertificateStructure.SubjectPublicKeyInfo).GetKeyIdentifier()));
        return g.Generate(Signer(_key)).GetEncoded();
    }

    /// <summary>
    /// Whether an SM2 certificate (DER) was issued by one of <paramref name="roots"/> (SM2 CA certificates, DER) and both
    /// were valid at <paramref name="at"/>: issuer name, SM3withSM2 signature under the root's key, the root a CA, and the
    /// leaf's SM2 key. Revocation is the caller's (the platform's own list is its database).
    /// </summary>
    public static bool Chains(byte[] certificate, IEnumerable<byte[]> roots, DateTimeOffset at)
    {
        try
        {
            var parser = new X509CertificateParser();
            var leaf = parser.ReadCertificate(certificate);
            if (!IsSm2Key(leaf.CertificateStructure.SubjectPublicKeyInfo.GetEncoded()) || !leaf.IsValid(at.UtcDateTime)) return false;
            foreach (var der in roots)
            {
                var root = parser.ReadCertificate(der);
                if (!root.SubjectDN.Equivalent(leaf.IssuerDN) || root.GetBasicConstraints() < 0 || !root.IsValid(at.UtcDateTime)) continue;
                if (!IsSm2Key(root.CertificateStructure.SubjectPublicKeyInfo.GetEncoded())) continue;
                try
                {
                    leaf.Verify(root.GetPublicKey());
                    return true;
                }
                catch (GeneralSecurityException)
                {
                    // Not this root's signature: another with the same name may be the issuer.
                }
            }
            return false;
        }
        catch (Exception e) when (e is ArgumentException or IOException or FormatException or GeneralSecurityException or InvalidCastException)
        {
            return false;
        }
    }
}
