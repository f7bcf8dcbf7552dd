using System.Security.Cryptography;

namespace Trading.Crypto;

/// <summary>
/// ECDSA signatures as suite 1 uses them: P-256 only, SHA-256, signature r || s (IEEE P1363, 64 bytes), the key given
/// as SPKI DER. The P-256 counterpart of <see cref="Sm2Signatures"/>.
/// </summary>
public static class P256Signatures
{
    /// <summary>NIST P-256 (secp256r1). Key size alone is not the curve: brainpoolP256r1 and secp256k1 are 256 bits too.</summary>
    internal const string CurveOid = "1.2.840.10045.3.1.7";

    internal static bool IsP256(ECDsa key)
    {
        var curve = key.ExportParameters(false).Curve;
        return curve.IsNamed && curve.Oid.Value == CurveOid;
    }

    /// <summary>Verifies an r||s signature over a message with a P-256 public key given as SPKI DER; false for anything malformed or another curve.</summary>
    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] message, byte[] signature)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            return read == subjectPublicKeyInfo.Length && IsP256(key)
                && key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
