using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Trading.Crypto;

/// <summary>
/// What a bidder signs: tender, lot, bidder, header hash, and the envelope's SHA-256 and length. Never a hash of
/// the plaintext: bid prices have little entropy and would be guessed.
/// </summary>
public sealed record BidManifest(string Suite, string Tender, string Lot, string Bidder, byte[] HeaderHash, byte[] EnvelopeSha256, long EnvelopeLength)
{
    private const string Domain = "trading/manifest/v1";

    /// <summary>
    /// The exact signed bytes: "trading/manifest/v1" 0x00 || suite || tender || lot || bidder (each u16-length-prefixed
    /// UTF-8) || header hash (32) || envelope SHA-256 (32) || envelope length (u64 big-endian).
    /// </summary>
    public byte[] ToSigningBytes()
    {
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(len, checked((ulong)EnvelopeLength));
        return Wire.Concat(Wire.Label(Domain), Wire.LengthPrefixed(Suite), Wire.LengthPrefixed(Tender), Wire.LengthPrefixed(Lot),
            Wire.LengthPrefixed(Bidder), HeaderHash, EnvelopeSha256, len);
    }

    /// <summary>Checks the manifest describes exactly the envelope that was validated on upload.</summary>
    public void CheckDescribes(EnvelopeInfo info)
    {
        if (Suite != info.Header.Suite) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "suite"); }
        if (Tender != info.Header.Tender) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "tender"); }
        if (Lot != info.Header.Lot) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "lot"); }
        if (Bidder != info.Header.Bidder) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "bidder"); }
        if (!HeaderHash.AsSpan().SequenceEqual(info.HeaderHash)) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "header hash"); }
        if (!EnvelopeSha256.AsSpan().SequenceEqual(info.EnvelopeSha256)) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "envelope SHA-256"); }
        if (EnvelopeLength != info.EnvelopeLength) { throw new CryptoException(CryptoErrorCode.ManifestMismatch, "envelope length"); }
    }
}

/// <summary>A manifest with its ECDSA P-256 / SHA-256 signature (IEEE P1363 r||s, 64 bytes, what WebCrypto produces) and the signer's SPKI.</summary>
public sealed record SignedManifest(BidManifest Manifest, byte[] Signature, byte[] SignerPublicKey);

/// <summary>Manifest signing and verification with the framework's ECDSA.</summary>
public static class ManifestSigning
{
    /// <summary>Signs a suite 2 manifest with the bidder's SM2 key (SM2 with SM3 and the default user id, r || s).</summary>
    public static SignedManifest Sign(BidManifest manifest, Sm2SigningKey bidderKey)
    {
        if (manifest.Suite != CryptoSuites.Sm2)
        {
            throw new CryptoException(CryptoErrorCode.SuiteMismatch, "manifest signing key", CryptoSuites.Sm2, manifest.Suite);
        }

        return new SignedManifest(manifest, bidderKey.Sign(manifest.ToSigningBytes()), bidderKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Signs with the bidder's P-256 key.</summary>
    public static SignedManifest Sign(BidManifest manifest, ECDsa bidderKey)
    {
        if (manifest.Suite != CryptoSuites.P256)
        {
            throw new CryptoException(CryptoErrorCode.SuiteMismatch, "manifest signing key", CryptoSuites.P256, manifest.Suite);
        }

        if (!P256Signatures.IsP256(bidderKey))
        {
            throw new CryptoException(CryptoErrorCode.UnsupportedSuite, $"ECDSA key of {bidderKey.KeySize} bits");
        }

        var signature = bidderKey.SignData(manifest.ToSigningBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedManifest(manifest, signature, bidderKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Verifies the signature, and when <paramref name="expectedSignerPublicKey"/> is given (the SPKI on file for the
    /// bidder) that the signer is that key. Throws <see cref="CryptoErrorCode.ManifestSignatureInvalid"/>.
    /// </summary>
    public static void Verify(SignedManifest signedManifest, ReadOnlySpan<byte> expectedSignerPublicKey = default)
    {
        if (!expectedSignerPublicKey.IsEmpty && !expectedSignerPublicKey.SequenceEqual(signedManifest.SignerPublicKey))
        {
            throw new CryptoException(CryptoErrorCode.ManifestSignatureInvalid);
        }

        // The manifest's suite decides the signature algorithm: a P-256 key on a suite 2 manifest (or an SM2 key on a
        // suite 1 manifest) is refused by name, never tried with the other algorithm.
        var suite = CryptoSuite.ByName(signedManifest.Manifest.Suite);
        var sm2Key = Sm2Signatures.IsSm2Key(signedManifest.SignerPublicKey);
        if (suite == CryptoSuite.Sm2 || sm2Key)
        {
            if (suite != CryptoSuite.Sm2 || !sm2Key)
            {
                throw new CryptoException(CryptoErrorCode.SuiteMismatch, "manifest signing key", sm2Key ? CryptoSuites.Sm2 : CryptoSuites.P256, suite.Name);
            }

            if (!Sm2Signatures.Verify(signedManifest.SignerPublicKey, signedManifest.Manifest.ToSigningBytes(), signedManifest.Signature))
            {
                throw new CryptoException(CryptoErrorCode.ManifestSignatureInvalid);
            }

            return;
        }

        // The format is ECDSA on P-256 only: another curve (even a 256-bit one) is a different, unreviewed suite.
        if (!P256Signatures.Verify(signedManifest.SignerPublicKey, signedManifest.Manifest.ToSigningBytes(), signedManifest.Signature))
        {
            throw new CryptoException(CryptoErrorCode.ManifestSignatureInvalid);
        }
    }
}
