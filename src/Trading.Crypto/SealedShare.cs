using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using BcArgon2 = Org.BouncyCastle.Crypto.Parameters.Argon2Parameters;

namespace Trading.Crypto;

/// <summary>Argon2id cost, stored beside every sealed share. Defaults: 64 MiB, 3 passes, 1 lane.</summary>
public sealed record Argon2Settings(int MemoryKiB = 64 * 1024, int Iterations = 3, int Parallelism = 1)
{
    /// <summary>The production default (64 MiB, 3 passes).</summary>
    public static Argon2Settings Default { get; } = new();

    // Upper bounds stop a forged record from making the server allocate without limit.
    internal void Validate()
    {
        if (MemoryKiB < 8 * Parallelism || MemoryKiB > 4 * 1024 * 1024 || Iterations < 1 || Iterations > 64 || Parallelism < 1 || Parallelism > 16)
        {
            throw new CryptoException(CryptoErrorCode.KdfParametersInvalid, $"memory {MemoryKiB} KiB, {Iterations} passes, {Parallelism} lanes");
        }
    }
}

/// <summary>
/// A holder's secret sealed for one authorised officer: AES-256-GCM under an Argon2id key from the officer's
/// passphrase. Every field other than the ciphertext is bound in as associated data.
/// </summary>
public sealed record SealedShare(int Version, string Suite, string Kdf, Argon2Settings Argon2, string OfficerId, int HolderIndex, byte[] KeyId, byte[] Salt, byte[] Nonce, byte[] Ciphertext);

/// <summary>Sealing and unsealing holder secrets with a passphrase.</summary>
public static class ShareSealing
{
    private const string Domain = "trading/sealed-share/v1";
    private const string KdfName = "argon2id-v19";

    /// <summary>Seals the secret for one officer. Seal it once per authorised officer so losing one loses nothing.</summary>
    public static SealedShare Seal(HolderSecret secret, string officerId, string passphrase, Argon2Settings? settings = null) =>
        Seal(secret, officerId, passphrase, settings, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

    /// <summary>With a given salt and nonce: test vectors only.</summary>
    internal static SealedShare Seal(HolderSecret secret, string officerId, string passphrase, Argon2Settings? settings, byte[] salt, byte[] nonce)
    {
        settings ??= Argon2Settings.Default;
        settings.Validate();
        var record = new SealedShare(1, CryptoSuites.P256, KdfName, settings, officerId, secret.HolderIndex, secret.KeyId, salt, nonce, []);
        var key = DeriveKey(passphrase, record);
        var ciphertext = new byte[32 + 16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, secret.ScalarBytes, ciphertext.AsSpan(0, 32), ciphertext.AsSpan(32), AssociatedData(record));
        }

        CryptographicOperations.ZeroMemory(key);
        return record with { Ciphertext = ciphertext };
    }

    /// <summary>Unseals; a wrong passphrase (or any changed field) is a clean <see cref="CryptoErrorCode.WrongPassphrase"/>.</summary>
    public static HolderSecret Unseal(SealedShare sealedShare, string passphrase)
    {
        if (sealedShare.Version != 1 || sealedShare.Kdf != KdfName)
        {
            throw new CryptoException(CryptoErrorCode.SealedShareInvalid, $"version {sealedShare.Version}, kdf {sealedShare.Kdf}");
        }

        CryptoSuites.Require(sealedShare.Suite);
        if (sealedShare.Salt.Length != 16 || sealedShare.Nonce.Length != 12 || sealedShare.Ciphertext.Length != 48 || sealedShare.KeyId.Length != 32)
        {
            throw new CryptoException(CryptoErrorCode.SealedShareInvalid, "field lengths");
        }

        sealedShare.Argon2.Validate();
        var key = DeriveKey(passphrase, sealedShare);
        var scalar = new byte[32];
        try
        {
            using var gcm = new AesGcm(key, 16);
            gcm.Decrypt(sealedShare.Nonce, sealedShare.Ciphertext.AsSpan(0, 32), sealedShare.Ciphertext.AsSpan(32), scalar, AssociatedData(sealedShare));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptoException(CryptoErrorCode.WrongPassphrase, sealedShare.HolderIndex.ToString(), sealedShare.OfficerId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return new HolderSecret(sealedShare.KeyId, sealedShare.HolderIndex, scalar);
    }

    /// <summary>
    /// Seals a holder's ceremony transport key (the ECDH key its dealt shares are encrypted to) for one officer,
    /// in the same record format as a share: the key id is SHA-256 of the transport point, so the record names
    /// which published point it unlocks. The web ceremony keeps only this record and the public point; the
    /// holder's secret is rebuilt from the dealt shares when the officer enters the passphrase at the opening.
    /// </summary>
    public static SealedShare SealTransportKey(ECDiffieHellman key, int holderIndex, string officerId, string passphrase, Argon2Settings? settings = null) =>
        SealTransportKey(key, holderIndex, officerId, passphrase, settings, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

    /// <summary>With a given salt and nonce: test vectors only.</summary>
    internal static SealedShare SealTransportKey(ECDiffieHellman key, int holderIndex, string officerId, string passphrase, Argon2Settings? settings, byte[] salt, byte[] nonce)
    {
        var point = ShareTransport.PublicPoint(key);
        var d = key.ExportParameters(true).D!;
        try
        {
            using var secret = new HolderSecret(SHA256.HashData(point), holderIndex, d.ToArray());
            return Seal(secret, officerId, passphrase, settings, salt, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>Unseals a transport key and checks it is the one whose public point was published.</summary>
    public static ECDiffieHellman UnsealTransportKey(SealedShare sealedShare, byte[] transportPoint, string passphrase)
    {
        P256.Decode(transportPoint, "transport key");
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(transportPoint), sealedShare.KeyId))
        {
            throw new CryptoException(CryptoErrorCode.SealedShareInvalid, "transport key does not match the published point");
        }

        using var secret = Unseal(sealedShare, passphrase);
        var d = secret.ScalarBytes.ToArray();
        try
        {
            return ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256, D = d,
                Q = new ECPoint { X = transportPoint[1..33], Y = transportPoint[33..65] },
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    private static byte[] AssociatedData(SealedShare s) => Wire.Concat(
        Wire.Label(Domain), Wire.LengthPrefixed(s.Suite), Wire.LengthPrefixed(s.Kdf),
        Wire.U16(s.Argon2.Parallelism), Wire.U32(s.Argon2.MemoryKiB), Wire.U32(s.Argon2.Iterations),
        Wire.LengthPrefixed(s.OfficerId), Wire.U16(s.HolderIndex), s.KeyId, s.Salt);

    // .NET has no Argon2; BouncyCastle's Argon2BytesGenerator is the listed implementation.
    private static byte[] DeriveKey(string passphrase, SealedShare s)
    {
        var parameters = new BcArgon2.Builder(BcArgon2.Argon2id)
            .WithVersion(BcArgon2.Version13)
            .WithSalt(s.Salt)
            .WithMemoryAsKB(s.Argon2.MemoryKiB)
            .WithIterations(s.Argon2.Iterations)
            .WithParallelism(s.Argon2.Parallelism)
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        var key = new byte[32];
        var password = Encoding.UTF8.GetBytes(passphrase.Normalize(NormalizationForm.FormC));
        generator.GenerateBytes(password, key);
        CryptographicOperations.ZeroMemory(password);
        return key;
    }
}
