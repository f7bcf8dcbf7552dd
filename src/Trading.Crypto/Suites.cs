using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Trading.Crypto;

/// <summary>The cryptographic suites; the id is an explicit field of every record and every envelope header.</summary>
public static class CryptoSuites
{
    /// <summary>Suite 1: NIST P-256, HKDF-SHA256, AES-256-GCM.</summary>
    public const string P256 = "P256-HKDF-SHA256-AES256GCM";

    /// <summary>The wire id of <see cref="P256"/> in the envelope header.</summary>
    public const ushort P256Id = 1;

    /// <summary>Suite 2: China's commercial cryptography standards: SM2 curve (GB/T 32918), HKDF-SM3 (GB/T 32905), SM4-GCM (GB/T 32907, GB/T 36624, RFC 8998).</summary>
    public const string Sm2 = "SM2-HKDF-SM3-SM4GCM";

    /// <summary>The wire id of <see cref="Sm2"/> in the envelope header.</summary>
    public const ushort Sm2Id = 2;

    /// <summary>Every suite this library reads and writes, by name.</summary>
    public static IReadOnlyList<string> All { get; } = [P256, Sm2];

    /// <summary>The suite name for a wire id; throws <see cref="CryptoErrorCode.UnsupportedSuite"/> for any other id.</summary>
    public static string NameOf(ushort id) => CryptoSuite.ById(id).Name;

    /// <summary>The wire id for a suite name; throws <see cref="CryptoErrorCode.UnsupportedSuite"/> for any other name.</summary>
    public static ushort IdOf(string name) => CryptoSuite.ByName(name).Id;

    internal static void Require(string suite) => CryptoSuite.ByName(suite);
}

/// <summary>
/// Everything that differs between suites, written once: the group and its hash, the HKDF, and the AEAD with its key
/// length. The envelope layout, the STREAM construction, the proofs and the ceremony are the same code for both.
/// </summary>
internal sealed class CryptoSuite
{
    internal static readonly CryptoSuite P256 = new(CryptoSuites.P256Id, CryptoSuites.P256, EcGroup.P256, 32,
        (ikm, salt, info, length) => HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt, info),
        key => new AesGcmAead(key));

    internal static readonly CryptoSuite Sm2 = new(CryptoSuites.Sm2Id, CryptoSuites.Sm2, EcGroup.Sm2, 16,
        SmPrimitives.HkdfSm3, key => new Sm4GcmAead(key));

    private readonly Func<byte[], byte[], byte[], int, byte[]> _hkdf;
    private readonly Func<byte[], IChunkAead> _aead;

    private CryptoSuite(ushort id, string name, EcGroup group, int keyLength, Func<byte[], byte[], byte[], int, byte[]> hkdf, Func<byte[], IChunkAead> aead)
    {
        Id = id;
        Name = name;
        Group = group;
        KeyLength = keyLength;
        _hkdf = hkdf;
        _aead = aead;
    }

    internal ushort Id { get; }
    internal string Name { get; }
    internal EcGroup Group { get; }

    /// <summary>The AEAD key length: 32 bytes for AES-256, 16 for SM4 (its only key size).</summary>
    internal int KeyLength { get; }

    internal byte[] Hash(byte[] data) => Group.Hash(data);

    /// <summary>RFC 5869 HKDF with the suite's hash (HMAC-SHA256 or HMAC-SM3).</summary>
    internal byte[] Hkdf(byte[] ikm, byte[] salt, byte[] info, int length) => _hkdf(ikm, salt, info, length);

    internal IChunkAead Aead(byte[] key) => _aead(key);

    internal static CryptoSuite ById(ushort id) => id switch
    {
        CryptoSuites.P256Id => P256,
        CryptoSuites.Sm2Id => Sm2,
        _ => throw new CryptoException(CryptoErrorCode.UnsupportedSuite, id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    internal static CryptoSuite ByName(string? name) => name switch
    {
        CryptoSuites.P256 => P256,
        CryptoSuites.Sm2 => Sm2,
        _ => throw new CryptoException(CryptoErrorCode.UnsupportedSuite, name ?? "(none)"),
    };
}

/// <summary>An AEAD with a 12-byte nonce and a 16-byte tag: AES-GCM (the platform's) or SM4-GCM (BouncyCastle's).</summary>
internal interface IChunkAead : IDisposable
{
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad);

    /// <summary>False when the tag does not authenticate (the plaintext output is then zeroed).</summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad);
}

internal sealed class AesGcmAead(byte[] key) : IChunkAead
{
    private readonly AesGcm _gcm = new(key, 16);

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad) =>
        _gcm.Encrypt(nonce, plaintext, ciphertext, tag, aad);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        try
        {
            _gcm.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _gcm.Dispose();
}

/// <summary>SM4 in GCM mode (GB/T 36624-2018, RFC 8998 "SM4_GCM"), 128-bit key, 12-byte nonce, 16-byte tag.</summary>
internal sealed class Sm4GcmAead : IChunkAead
{
    private readonly KeyParameter _key;
    private readonly GcmBlockCipher _gcm = new(new SM4Engine());
    private bool _used;

    public Sm4GcmAead(byte[] key)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("SM4 keys are 16 bytes", nameof(key));
        }

        _key = new KeyParameter(key);
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        _gcm.Init(true, new AeadParameters(_key, 128, nonce.ToArray(), aad.ToArray()));
        _used = true;
        var output = new byte[plaintext.Length + 16];
        var n = _gcm.ProcessBytes(plaintext, output);
        _gcm.DoFinal(output.AsSpan(n));
        output.AsSpan(0, plaintext.Length).CopyTo(ciphertext);
        output.AsSpan(plaintext.Length).CopyTo(tag);
        CryptographicOperations.ZeroMemory(output);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        _gcm.Init(false, new AeadParameters(_key, 128, nonce.ToArray(), aad.ToArray()));
        _used = true;
        var input = new byte[ciphertext.Length + 16];
        ciphertext.CopyTo(input);
        tag.CopyTo(input.AsSpan(ciphertext.Length));
        var output = new byte[ciphertext.Length];
        try
        {
            var n = _gcm.ProcessBytes(input, output);
            _gcm.DoFinal(output.AsSpan(n));
            output.CopyTo(plaintext);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            plaintext[..ciphertext.Length].Clear();
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
        }
    }

    // Reset clears the cipher's hash subkey and counter state; a cipher never initialised has none (and Reset throws).
    public void Dispose()
    {
        if (_used)
        {
            _gcm.Reset();
        }
    }
}

/// <summary>SM3 and HKDF-SM3 from BouncyCastle (GB/T 32905; HKDF as RFC 5869 with SM3, as RFC 8998 uses it).</summary>
internal static class SmPrimitives
{
    internal static byte[] Sm3(byte[] data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    internal static byte[] HmacSm3(byte[] key, byte[] data)
    {
        var mac = new Org.BouncyCastle.Crypto.Macs.HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        mac.DoFinal(output, 0);
        return output;
    }

    internal static byte[] HkdfSm3(byte[] ikm, byte[] salt, byte[] info, int length)
    {
        var hkdf = new HkdfBytesGenerator(new SM3Digest());
        hkdf.Init(new HkdfParameters(ikm, salt, info));
        var output = new byte[length];
        hkdf.GenerateBytes(output, 0, length);
        return output;
    }
}
