using System.Security.Cryptography;

namespace Trading.Crypto;

/// <summary>A dealt share encrypted to its recipient's transport key (safe to relay through the server or the log).</summary>
public sealed record EncryptedShare(string CeremonyId, int DealerIndex, int RecipientIndex, byte[] EphemeralPoint, byte[] Ciphertext);

/// <summary>
/// Sending ceremony shares between holders: ECIES with the platform's ECDH P-256, HKDF-SHA256 and AES-256-GCM,
/// with ceremony id, dealer and recipient bound into the key and the associated data, so a share cannot be replayed
/// into another ceremony or redirected to another holder.
/// </summary>
public static class ShareTransport
{
    private const string Domain = "trading/ceremony/v1/share-transport";

    /// <summary>A fresh transport key pair for one holder in one ceremony; publish its 65-byte public point.</summary>
    public static ECDiffieHellman CreateTransportKey() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The 65-byte uncompressed public point of a transport key.</summary>
    public static byte[] PublicPoint(ECDiffieHellman key)
    {
        var q = key.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    /// <summary>Refuses a transport point that is not a valid uncompressed P-256 point (what a holder registers to keep its share off the server).</summary>
    public static void CheckPoint(byte[] point) => P256.Decode(point, "transport key");

    /// <summary>Encrypts a dealt share to the recipient's published transport point.</summary>
    public static EncryptedShare Encrypt(CeremonyParameters parameters, DealtShare share, byte[] recipientTransportPoint)
    {
        using var ephemeral = CreateTransportKey();
        return Encrypt(parameters, share, recipientTransportPoint, ephemeral);
    }

    /// <summary>With a given ephemeral key: test vectors only.</summary>
    internal static EncryptedShare Encrypt(CeremonyParameters parameters, DealtShare share, byte[] recipientTransportPoint, ECDiffieHellman ephemeral)
    {
        parameters.CheckIndex(share.DealerIndex);
        parameters.CheckIndex(share.RecipientIndex);
        P256.Decode(recipientTransportPoint, "recipient transport key");
        using var recipient = Import(recipientTransportPoint);
        var r = PublicPoint(ephemeral);
        var z = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        var info = Info(parameters, share.DealerIndex, share.RecipientIndex);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, z, 32, Wire.Concat(r, recipientTransportPoint), info);
        var ciphertext = new byte[share.Value.Length + 16];
        using (var gcm = new AesGcm(key, 16))
        {
            // A fresh ephemeral key per share makes the key single-use, so a zero nonce is safe.
            gcm.Encrypt(new byte[12], share.Value, ciphertext.AsSpan(0, share.Value.Length), ciphertext.AsSpan(share.Value.Length), info);
        }

        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(z);
        return new EncryptedShare(parameters.CeremonyId, share.DealerIndex, share.RecipientIndex, r, ciphertext);
    }

    /// <summary>Decrypts a share addressed to this holder; then check it with <see cref="CeremonyVerifier.VerifyShare"/>.</summary>
    public static DealtShare Decrypt(CeremonyParameters parameters, EncryptedShare encrypted, ECDiffieHellman recipientKey)
    {
        CheckShape(parameters, encrypted);
        using var ephemeral = Import(encrypted.EphemeralPoint);
        var z = recipientKey.DeriveRawSecretAgreement(ephemeral.PublicKey);
        try
        {
            return DecryptWithSecret(parameters, encrypted, z, PublicPoint(recipientKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    private static void CheckShape(CeremonyParameters parameters, EncryptedShare encrypted)
    {
        parameters.CheckIndex(encrypted.DealerIndex);
        parameters.CheckIndex(encrypted.RecipientIndex);
        if (encrypted.CeremonyId != parameters.CeremonyId || encrypted.Ciphertext.Length != 48)
        {
            throw new CryptoException(CryptoErrorCode.ShareTransportFailed, encrypted.DealerIndex, encrypted.DealerIndex.ToString(), encrypted.RecipientIndex.ToString());
        }

        P256.Decode(encrypted.EphemeralPoint, "share transport ephemeral point");
    }

    /// <summary>
    /// Decrypts with the ECDH secret z (the x-coordinate of x_officer * R_e). A complaint reveals that point with a
    /// proof, so anyone can run this and see what the dealer really sent.
    /// </summary>
    internal static DealtShare DecryptWithSecret(CeremonyParameters parameters, EncryptedShare encrypted, byte[] z, byte[] recipientTransportPoint)
    {
        CheckShape(parameters, encrypted);
        var info = Info(parameters, encrypted.DealerIndex, encrypted.RecipientIndex);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, z, 32, Wire.Concat(encrypted.EphemeralPoint, recipientTransportPoint), info);
        var value = new byte[32];
        try
        {
            using var gcm = new AesGcm(key, 16);
            gcm.Decrypt(new byte[12], encrypted.Ciphertext.AsSpan(0, 32), encrypted.Ciphertext.AsSpan(32), value, info);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptoException(CryptoErrorCode.ShareTransportFailed, encrypted.DealerIndex, encrypted.DealerIndex.ToString(), encrypted.RecipientIndex.ToString());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return new DealtShare(encrypted.DealerIndex, encrypted.RecipientIndex, value);
    }

    private static byte[] Info(CeremonyParameters p, int dealer, int recipient) =>
        Wire.Concat(Wire.Label(Domain), Wire.LengthPrefixed(p.Suite), Wire.LengthPrefixed(p.CeremonyId), Wire.U16(dealer), Wire.U16(recipient));

    internal static ECDiffieHellman Import(byte[] point) => ECDiffieHellman.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new System.Security.Cryptography.ECPoint { X = point[1..33], Y = point[33..] },
    });
}
