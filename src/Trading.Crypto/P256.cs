using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;

namespace Trading.Crypto;

/// <summary>
/// The P-256 group from BouncyCastle's CustomNamedCurves (the fast field implementation; ECNamedCurveTable
/// is about ten times slower). .NET's own ECDiffieHellman does not expose point addition or scalar
/// multiplication by arbitrary scalars, which threshold decryption and the proofs need.
/// </summary>
internal static class P256
{
    internal const int PointLength = 65;
    internal const int ScalarLength = 32;

    // Immutable group constants; BouncyCastle caches the fixed-base comb table on G itself.
    internal static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("P-256");
    internal static readonly ECCurve Curve = Parameters.Curve;
    internal static readonly ECPoint G = Parameters.G.Normalize();
    internal static readonly BigInteger N = Parameters.N;
    internal static readonly byte[] GEncoded = G.GetEncoded(false);
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    internal static ECPoint MultiplyG(BigInteger k) => BaseMultiplier.Multiply(G, k).Normalize();

    internal static ECPoint Multiply(ECPoint p, BigInteger k) => p.Multiply(k).Normalize();

    /// <summary>a*P + b*Q in one pass (Shamir's trick), the cost that makes proof verification fast.</summary>
    internal static ECPoint SumOfTwoMultiplies(ECPoint p, BigInteger a, ECPoint q, BigInteger b) =>
        ECAlgorithms.SumOfTwoMultiplies(p, a, q, b).Normalize();

    internal static byte[] Encode(ECPoint p) => p.Normalize().GetEncoded(false);

    /// <summary>Decodes an uncompressed point and refuses anything off the curve, at infinity, or non-canonical.</summary>
    internal static ECPoint Decode(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.Length == 1 && bytes[0] == 0)
        {
            throw new CryptoException(CryptoErrorCode.PointAtInfinity, field);
        }

        if (bytes.Length != PointLength)
        {
            throw new CryptoException(CryptoErrorCode.InvalidPoint, field, $"length {bytes.Length}, expected 65");
        }

        if (bytes[0] != 0x04)
        {
            throw new CryptoException(CryptoErrorCode.InvalidPoint, field, $"prefix 0x{bytes[0]:x2}, expected 0x04 (uncompressed)");
        }

        var x = new BigInteger(1, bytes.Slice(1, 32).ToArray());
        var y = new BigInteger(1, bytes.Slice(33, 32).ToArray());
        var p = Curve.Field.Characteristic;
        if (x.CompareTo(p) >= 0 || y.CompareTo(p) >= 0)
        {
            throw new CryptoException(CryptoErrorCode.InvalidPoint, field, "coordinate not below the field prime");
        }

        ECPoint point;
        try
        {
            point = Curve.ValidatePoint(x, y);
        }
        catch (ArgumentException)
        {
            throw new CryptoException(CryptoErrorCode.InvalidPoint, field, "not on the curve");
        }

        if (point.IsInfinity)
        {
            throw new CryptoException(CryptoErrorCode.PointAtInfinity, field);
        }

        return point;
    }

    internal static byte[] EncodeScalar(BigInteger s) => BigIntegers.AsUnsignedByteArray(ScalarLength, s);

    /// <summary>Decodes a 32-byte big-endian scalar; zero is refused unless allowed (a Schnorr response may be zero).</summary>
    internal static BigInteger DecodeScalar(ReadOnlySpan<byte> bytes, string field, bool allowZero = false)
    {
        if (bytes.Length != ScalarLength)
        {
            throw new CryptoException(CryptoErrorCode.InvalidScalar, field);
        }

        var s = new BigInteger(1, bytes.ToArray());
        if (s.CompareTo(N) >= 0 || (!allowZero && s.SignValue == 0))
        {
            throw new CryptoException(CryptoErrorCode.InvalidScalar, field);
        }

        return s;
    }

    internal static BigInteger RandomScalar()
    {
        // Rejection sampling from the OS generator keeps the scalar uniform in 1..n-1.
        Span<byte> buf = stackalloc byte[ScalarLength];
        while (true)
        {
            RandomNumberGenerator.Fill(buf);
            var k = new BigInteger(1, buf.ToArray());
            if (k.SignValue > 0 && k.CompareTo(N) < 0)
            {
                return k;
            }
        }
    }

    /// <summary>A challenge: SHA-256 over domain-separated, length-framed parts, reduced mod n.</summary>
    internal static BigInteger Challenge(string domain, params byte[][] parts)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(Wire.Label(domain));
        Span<byte> len = stackalloc byte[4];
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)part.Length);
            h.AppendData(len);
            h.AppendData(part);
        }

        return new BigInteger(1, h.GetHashAndReset()).Mod(N);
    }

    internal static SecureRandom SecureRandom() => new();
}

/// <summary>Small wire helpers shared by every derivation so each is written once.</summary>
internal static class Wire
{
    /// <summary>A domain label: ASCII text followed by a zero byte, so no label is a prefix of another.</summary>
    internal static byte[] Label(string label)
    {
        var b = new byte[label.Length + 1];
        Encoding.ASCII.GetBytes(label, b);
        return b;
    }

    internal static byte[] U16(int v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, checked((ushort)v));
        return b;
    }

    internal static byte[] U32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, checked((uint)v));
        return b;
    }

    /// <summary>UTF-8 with a 16-bit big-endian length prefix.</summary>
    internal static byte[] LengthPrefixed(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return [.. U16(bytes.Length), .. bytes];
    }

    internal static byte[] Concat(params byte[][] parts)
    {
        var total = parts.Sum(p => p.Length);
        var result = new byte[total];
        var offset = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, offset);
            offset += p.Length;
        }

        return result;
    }
}
