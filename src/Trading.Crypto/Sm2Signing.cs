using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Trading.Crypto;

/// <summary>
/// A bidder's SM2 signing key (suite 2), on the SM2 recommended curve. Files are PKCS#8 PEM ("PRIVATE KEY") and SPKI PEM
/// ("PUBLIC KEY") with the curve named by its OID 1.2.156.10197.1.301, as GmSSL, OpenSSL 3 and BouncyCastle write them.
/// </summary>
public sealed class Sm2SigningKey
{
    private readonly ECPrivateKeyParameters _key;

    private Sm2SigningKey(ECPrivateKeyParameters key)
    {
        _key = key;
        var q = key.Parameters.G.Multiply(key.D).Normalize();
        PublicKey = new ECPublicKeyParameters("EC", q, GMObjectIdentifiers.sm2p256v1);
    }

    internal ECPublicKeyParameters PublicKey { get; }

    /// <summary>A fresh key from the system's generator.</summary>
    public static Sm2SigningKey Create()
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
        return new Sm2SigningKey((ECPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>A key from a fixed scalar (test vectors only).</summary>
    internal static Sm2SigningKey FromScalar(Org.BouncyCastle.Math.BigInteger d) =>
        new(new ECPrivateKeyParameters("EC", d, GMObjectIdentifiers.sm2p256v1));

    /// <summary>Reads a PKCS#8 PEM key and refuses any curve but SM2's.</summary>
    public static Sm2SigningKey FromPkcs8Pem(string pem)
    {
        var fields = PemEncoding.Find(pem);
        if (pem[fields.Label] != "PRIVATE KEY")
        {
            throw new CryptoException(CryptoErrorCode.UnsupportedSuite, $"a {pem[fields.Label]} PEM block is not an SM2 PKCS#8 key");
        }

        AsymmetricKeyParameter parsed;
        try
        {
            parsed = PrivateKeyFactory.CreateKey(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (Exception e) when (e is not CryptoException)
        {
            // BouncyCastle reports a malformed structure with several exception types; to callers it is one thing.
            throw new FormatException("the PEM block is not a PKCS#8 private key", e);
        }

        if (parsed is not ECPrivateKeyParameters ec || !GMObjectIdentifiers.sm2p256v1.Equals(ec.PublicKeyParamSet))
        {
            throw new CryptoException(CryptoErrorCode.SuiteMismatch, "signing key", "another curve or algorithm", CryptoSuites.Sm2);
        }

        return new Sm2SigningKey(ec);
    }

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string ExportPkcs8Pem() =>
        new string(PemEncoding.Write("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(_key).GetEncoded()));

    /// <summary>The public key's SubjectPublicKeyInfo DER (what a signed manifest names).</summary>
    public byte[] ExportSubjectPublicKeyInfo() => SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(PublicKey).GetEncoded();

    /// <summary>The public key as SPKI PEM.</summary>
    public string ExportSubjectPublicKeyInfoPem() => new string(PemEncoding.Write("PUBLIC KEY", ExportSubjectPublicKeyInfo()));

    /// <summary>The uncompressed public point, 65 bytes.</summary>
    public byte[] PublicPoint => PublicKey.Q.GetEncoded(false);

    /// <summary>
    /// A PKCS#10 certification request (DER) for this key, signed SM3withSM2 with it (the default user id): the proof of
    /// possession the centre's SM2 CA asks for. The subject is a bare common name; the centre sets the certificate's.
    /// The layout is the one the browser module builds (envelope-sm.mjs certificationRequest), byte for byte.
    /// </summary>
    public byte[] CreateCertificationRequest(string commonName, SecureRandom? random = null)
    {
        var factory = new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory("SM3WITHSM2", _key, random ?? new SecureRandom());
        var subject = new Org.BouncyCastle.Asn1.X509.X509Name([Org.BouncyCastle.Asn1.X509.X509Name.CN], new[] { commonName });
        // An empty attribute set is written (a0 00): PKCS#10 makes the field mandatory, and the browser writes it too.
        return new Pkcs10CertificationRequest(factory, subject, PublicKey, new Org.BouncyCastle.Asn1.DerSet()).GetEncoded();
    }

    internal byte[] Sign(byte[] message, SecureRandom? random = null)
    {
        var signer = Sm2Signatures.Signer();
        signer.Init(true, new ParametersWithRandom(_key, random ?? new SecureRandom()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }
}

/// <summary>
/// SM2 signatures (GB/T 32918.2) as suite 2 uses them: e = SM3(Z_A || M) with the default user id "1234567812345678"
/// (GB/T 35276-2017, the id every SM2 library defaults to), signature r || s as two 32-byte big-endian integers.
/// </summary>
public static class Sm2Signatures
{
    /// <summary>The default distinguishing identifier of GB/T 35276 (ASCII, 16 bytes, ENTL = 128 bits).</summary>
    public const string DefaultUserId = "1234567812345678";

    internal static SM2Signer Signer() => new(PlainDsaEncoding.Instance);

    /// <summary>Verifies an r||s signature over a message with a public key given as SPKI DER; false for anything malformed.</summary>
    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] message, byte[] signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }

        ECPublicKeyParameters key;
        try
        {
            if (PublicKeyFactory.CreateKey(subjectPublicKeyInfo) is not ECPublicKeyParameters ec || !GMObjectIdentifiers.sm2p256v1.Equals(ec.PublicKeyParamSet))
            {
                return false;
            }

            // The SPKI must be exactly one canonical encoding, so one key has one fingerprint.
            if (!SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(ec).GetEncoded().AsSpan().SequenceEqual(subjectPublicKeyInfo))
            {
                return false;
            }

            key = ec;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException or SecurityUtilityException)
        {
            return false;
        }

        var signer = Signer();
        signer.Init(false, key);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.VerifySignature(signature);
    }

    /// <summary>True when the SPKI names an SM2 key (id-ecPublicKey on curve sm2p256v1).</summary>
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

    /// <summary>Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) of GB/T 32918.2 section 5.5, for vectors and audits.</summary>
    public static byte[] ZValue(byte[] publicPoint, string userId = DefaultUserId) => ZValue(EcGroup.Sm2.Parameters, publicPoint, userId);

    internal static byte[] ZValue(Org.BouncyCastle.Asn1.X9.X9ECParameters curve, byte[] publicPoint, string userId)
    {
        var id = Encoding.ASCII.GetBytes(userId);
        var fieldBytes = 32;
        byte[] F(Org.BouncyCastle.Math.BigInteger v) => Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(fieldBytes, v);
        var g = curve.G.Normalize();
        return SmPrimitives.Sm3(Wire.Concat(Wire.U16(id.Length * 8), id,
            F(curve.Curve.A.ToBigInteger()), F(curve.Curve.B.ToBigInteger()),
            F(g.AffineXCoord.ToBigInteger()), F(g.AffineYCoord.ToBigInteger()),
            publicPoint[1..33], publicPoint[33..65]));
    }
}
