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
/// A prime-order elliptic-curve group and the hash its proofs use: NIST P-256 with SHA-256 (suite 1) or the SM2
/// curve with SM3 (suite 2). Both come from BouncyCastle's CustomNamedCurves (the fast field implementations;
/// ECNamedCurveTable is about ten times slower). .NET's own ECDiffieHellman does not expose point addition or
/// scalar multiplication by arbitrary scalars, which threshold decryption and the proofs need.
/// </summary>
internal sealed class EcGroup
{
    internal const int PointLength = 65;
    internal const int ScalarLength = 32;

    /// <summary>NIST P-256 with SHA-256.</summary>
    internal static readonly EcGroup P256 = new("P-256", CustomNamedCurves.GetByName("P-256"), SHA256.HashData);

    /// <summary>The SM2 recommended curve (GB/T 32918.5, sm2p256v1) with SM3.</summary>
    internal static readonly EcGroup Sm2 = new("SM2", CustomNamedCurves.GetByName("sm2p256v1"), SmPrimitives.Sm3);

    private readonly FixedPointCombMultiplier _baseMultiplier = new();

    private EcGroup(string name, X9ECParameters parameters, Func<byte[], byte[]> hash)
    {
        Name = name;
        Parameters = parameters;
        Curve = parameters.Curve;
        // Immutable group constants; BouncyCastle caches the fixed-base comb table on G itself.
        G = parameters.G.Normalize();
        N = parameters.N;
        GEncoded = G.GetEncoded(false);
        Hash = hash;
        Fast = new Curves.ShortCurve(ToSystem(Curve.Field.Characteristic), ToSystem(Curve.A.ToBigInteger()),
            ToSystem(Curve.B.ToBigInteger()), ToSystem(G.AffineXCoord.ToBigInteger()), ToSystem(G.AffineYCoord.ToBigInteger()));
    }

    private static System.Numerics.BigInteger ToSystem(BigInteger v) =>
        new(v.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    /// <summary>
    /// The same curve in this library's own constant-time arithmetic (Curves.ShortCurve), which the holders' proofs
    /// use: several times faster than BouncyCastle's points and safe for secret scalars.
    /// </summary>
    internal Curves.ShortCurve Fast { get; }

    /// <summary>Whether the holders' proofs multiply through the platform's OpenSSL (P-256 where libcrypto is found).</summary>
    internal bool UsesOpenSsl => ReferenceEquals(this, P256) && Curves.OpenSslP256.IsAvailable;

    /// <summary>Decodes into <see cref="Fast"/>'s form, refusing exactly what <see cref="Decode"/> refuses, in its words.</summary>
    internal Curves.ProjectivePoint DecodeFast(ReadOnlySpan<byte> bytes, string field)
    {
        if (Fast.TryDecode(bytes, out var point, out _))
        {
            return point;
        }

        Decode(bytes, field); // throws the refusal that names the rule
        throw new CryptoException(CryptoErrorCode.InvalidPoint, field, $"not on the {Name} curve");
    }

    internal string Name { get; }
    internal X9ECParameters Parameters { get; }
    internal ECCurve Curve { get; }
    internal ECPoint G { get; }
    internal BigInteger N { get; }
    internal byte[] GEncoded { get; }

    /// <summary>The suite's hash (SHA-256 or SM3), 32 bytes.</summary>
    internal Func<byte[], byte[]> Hash { get; }

    internal ECPoint MultiplyG(BigInteger k) => _baseMultiplier.Multiply(G, k).Normalize();

    internal ECPoint Multiply(ECPoint p, BigInteger k) => p.Multiply(k).Normalize();

    /// <summary>a*P + b*Q in one pass (Shamir's trick), the cost that makes proof verification fast.</summary>
    internal ECPoint SumOfTwoMultiplies(ECPoint p, BigInteger a, ECPoint q, BigInteger b) =>
        ECAlgorithms.SumOfTwoMultiplies(p, a, q, b).Normalize();

    internal byte[] Encode(ECPoint p) => p.Normalize().GetEncoded(false);

    /// <summary>Decodes an uncompressed point and refuses anything off the curve, at infinity, or non-canonical.</summary>
    internal ECPoint Decode(ReadOnlySpan<byte> bytes, string field)
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
            throw new CryptoException(CryptoErrorCode.InvalidPoint, field, $"not on the {Name} curve");
        }

        if (point.IsInfinity)
        {
            throw new CryptoException(CryptoErrorCode.PointAtInfinity, field);
        }

        return point;
    }

    internal byte[] EncodeScalar(BigInteger s) => BigIntegers.AsUnsignedByteArray(ScalarLength, s);

    /// <summary>Decodes a 32-byte big-endian scalar; zero is refused unless allowed (a Schnorr response may be zero).</summary>
    internal BigInteger DecodeScalar(ReadOnlySpan<byte> bytes, string field, bool allowZero = false)
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

    internal BigInteger RandomScalar()
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

    /// <summary>A challenge: the group's hash over domain-separated, length-framed parts, reduced mod n.</summary>
    internal BigInteger Challenge(string domain, params byte[][] parts)
    {
        var framed = new List<byte[]>(2 * parts.Length + 1) { Wire.Label(domain) };
        foreach (var part in parts)
        {
            framed.Add(Wire.U32(part.Length));
            framed.Add(part);
        }

        return new BigInteger(1, Hash(Wire.Concat([.. framed]))).Mod(N);
    }
}

/// <summary>The P-256 group of suite 1, for the code that only ever speaks suite 1.</summary>
internal static class P256
{
    internal const int PointLength = EcGroup.PointLength;
    internal const int ScalarLength = EcGroup.ScalarLength;
    private static readonly EcGroup Group = EcGroup.P256;
    internal static readonly X9ECParameters Parameters = Group.Parameters;
    internal static readonly ECCurve Curve = Group.Curve;
    internal static readonly ECPoint G = Group.G;
    internal static readonly BigInteger N = Group.N;
    internal static readonly byte[] GEncoded = Group.GEncoded;

    internal static ECPoint MultiplyG(BigInteger k) => Group.MultiplyG(k);

    internal static ECPoint Multiply(ECPoint p, BigInteger k) => Group.Multiply(p, k);

    internal static ECPoint SumOfTwoMultiplies(ECPoint p, BigInteger a, ECPoint q, BigInteger b) => Group.SumOfTwoMultiplies(p, a, q, b);

    internal static byte[] Encode(ECPoint p) => Group.Encode(p);

    internal static ECPoint Decode(ReadOnlySpan<byte> bytes, string field) => Group.Decode(bytes, field);

    internal static byte[] EncodeScalar(BigInteger s) => Group.EncodeScalar(s);

    internal static BigInteger DecodeScalar(ReadOnlySpan<byte> bytes, string field, bool allowZero = false) => Group.DecodeScalar(bytes, field, allowZero);

    internal static BigInteger RandomScalar() => Group.RandomScalar();

    internal static BigInteger Challenge(string domain, params byte[][] parts) => Group.Challenge(domain, parts);

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
