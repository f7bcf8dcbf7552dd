using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using System.Security.Cryptography;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Trading.Crypto;

/// <summary>
/// The public result of a ceremony: joint key Y, verification keys Y_1..Y_n (65-byte uncompressed points, which
/// every browser imports) and the key id that envelopes name. Publish it in the tender notice and the log.
/// </summary>
public sealed record JointKey(string Suite, string CeremonyId, int Holders, int Threshold, byte[] PublicKey, IReadOnlyList<byte[]> VerificationKeys, byte[] KeyId)
{
    private const string KeyIdDomain = "trading/joint-key/v1";

    internal static JointKey Create(CeremonyParameters p, byte[] publicKey, IReadOnlyList<byte[]> verificationKeys) =>
        new(p.Suite, p.CeremonyId, p.Holders, p.Threshold, publicKey, verificationKeys, ComputeKeyId(publicKey, p.Suite));

    /// <summary>key id = SHA-256("trading/joint-key/v1" 0x00 || suite id (u16) || Y), for a suite 1 key.</summary>
    public static byte[] ComputeKeyId(byte[] publicKey) => ComputeKeyId(publicKey, CryptoSuites.P256);

    /// <summary>key id = H("trading/joint-key/v1" 0x00 || suite id (u16) || Y), H the suite's hash (SHA-256 or SM3).</summary>
    public static byte[] ComputeKeyId(byte[] publicKey, string suite)
    {
        var s = CryptoSuite.ByName(suite);
        return s.Hash(Wire.Concat(Wire.Label(KeyIdDomain), Wire.U16(s.Id), publicKey));
    }

    /// <summary>The group of this key's suite.</summary>
    internal EcGroup Group => CryptoSuite.ByName(Suite).Group;

    /// <summary>Checks every point and the key id, and that t of n is sane; for keys read from files or the database.</summary>
    public void Validate()
    {
        new CeremonyParameters(CeremonyId, Holders, Threshold, Suite).Validate();
        var g = Group;
        g.Decode(PublicKey, "joint key Y");
        if (VerificationKeys.Count != Holders)
        {
            throw new CryptoException(CryptoErrorCode.RecordInvalid, "joint key", $"{VerificationKeys.Count} verification keys for {Holders} holders");
        }

        for (var i = 0; i < VerificationKeys.Count; i++)
        {
            g.Decode(VerificationKeys[i], $"verification key Y_{i + 1}");
        }

        if (!CryptographicOperations.FixedTimeEquals(KeyId, ComputeKeyId(PublicKey, Suite)))
        {
            throw new CryptoException(CryptoErrorCode.RecordInvalid, "joint key", "key id does not match Y");
        }

        // The verification keys must lie on one polynomial of degree t-1 whose value at zero is Y: interpolate from
        // the first t and check Y and every other Y_j, so an inconsistent record is refused before any opening.
        var indices = Enumerable.Range(1, Threshold).ToArray();
        var basis = indices.Select(i => g.Decode(VerificationKeys[i - 1], $"verification key Y_{i}")).ToArray();
        ECPoint At(int x) => ECAlgorithms.SumOfMultiplies(basis, indices.Select(i => Lagrange.At(x, i, indices, g.N)).ToArray()).Normalize();
        if (!At(0).Equals(g.Decode(PublicKey, "joint key Y")))
        {
            throw new CryptoException(CryptoErrorCode.RecordInvalid, "joint key", "verification keys do not interpolate to Y");
        }

        for (var j = Threshold + 1; j <= Holders; j++)
        {
            if (!At(j).Equals(g.Decode(VerificationKeys[j - 1], $"verification key Y_{j}")))
            {
                throw new CryptoException(CryptoErrorCode.RecordInvalid, "joint key", $"verification key Y_{j} is not on the holders' polynomial");
            }
        }
    }

    internal ECPoint VerificationKey(int index)
    {
        if (index < 1 || index > Holders)
        {
            throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, index.ToString(), Holders.ToString());
        }

        return Group.Decode(VerificationKeys[index - 1], $"verification key Y_{index}");
    }

    /// <summary>The key id as lowercase hex, for messages and file names.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string KeyIdHex => Convert.ToHexStringLower(KeyId);
}

/// <summary>
/// A holder's secret x_j. It exists in memory only while in use: seal it with <see cref="ShareSealing"/> at rest and
/// dispose it after use so the scalar is wiped.
/// </summary>
public sealed class HolderSecret : IDisposable
{
    private readonly byte[] _scalar;

    internal HolderSecret(byte[] keyId, int holderIndex, byte[] scalar)
    {
        KeyId = keyId;
        HolderIndex = holderIndex;
        _scalar = scalar;
        P256.DecodeScalar(scalar, "holder secret");
    }

    /// <summary>The joint key this secret belongs to.</summary>
    public byte[] KeyId { get; }

    /// <summary>The holder's index, 1..n.</summary>
    public int HolderIndex { get; }

    internal BigInteger Scalar => new(1, _scalar);

    internal ReadOnlySpan<byte> ScalarBytes => _scalar;

    /// <summary>Refuses a secret from another ceremony: x_j G must equal Y_j of this key.</summary>
    public void CheckBelongsTo(JointKey key)
    {
        if (!CryptographicOperations.FixedTimeEquals(KeyId, key.KeyId)
            || HolderIndex < 1 || HolderIndex > key.Holders
            || Scalar.CompareTo(key.Group.N) >= 0
            || !key.Group.MultiplyG(Scalar).Equals(key.VerificationKey(HolderIndex)))
        {
            throw new CryptoException(CryptoErrorCode.SecretFromOtherKey, HolderIndex, HolderIndex.ToString());
        }
    }

    /// <summary>Wipes the scalar.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_scalar);
}

/// <summary>Lagrange coefficients at zero over the holder indices actually used.</summary>
public static class Lagrange
{
    /// <summary>lambda_i = prod_{j != i} j / (j - i) mod n (P-256's n unless another group order is given).</summary>
    internal static BigInteger AtZero(int i, IReadOnlyList<int> indices, BigInteger? n = null) => At(0, i, indices, n);

    /// <summary>The Lagrange basis polynomial of holder i over the indices, evaluated at x: prod_{j != i} (x - j) / (i - j).</summary>
    internal static BigInteger At(int x, int i, IReadOnlyList<int> indices, BigInteger? n = null)
    {
        var order = n ?? P256.N;
        var num = BigInteger.One;
        var den = BigInteger.One;
        foreach (var j in indices)
        {
            if (j == i)
            {
                continue;
            }

            num = num.Multiply(BigInteger.ValueOf(x - j)).Mod(order);
            den = den.Multiply(BigInteger.ValueOf(i - j)).Mod(order);
        }

        return num.Multiply(den.ModInverse(order)).Mod(order);
    }

    /// <summary>The coefficient for holder i over the given set, as 32 bytes (what transcripts record), in suite 1's group.</summary>
    public static byte[] CoefficientAtZero(int i, IReadOnlyList<int> indices) => P256.EncodeScalar(AtZero(i, indices));

    /// <summary>The coefficient for holder i over the given set in the group of <paramref name="suite"/>.</summary>
    public static byte[] CoefficientAtZero(int i, IReadOnlyList<int> indices, string suite)
    {
        var g = CryptoSuite.ByName(suite).Group;
        return g.EncodeScalar(AtZero(i, indices, g.N));
    }
}
