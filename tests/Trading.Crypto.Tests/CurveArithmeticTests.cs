using System.Security.Cryptography;
using Org.BouncyCastle.Math;
using Trading.Crypto;
using Trading.Crypto.Curves;

namespace Trading.Crypto.Tests;

/// <summary>
/// The library's own curve arithmetic (Curves.ShortCurve, used by the holders' proofs) against BouncyCastle as the
/// oracle, on both curves: every multiplication path, edge scalars where windows carry or wrap, and the refusals.
/// </summary>
public class CurveArithmeticTests
{
    public static TheoryData<string> Suites => new(CryptoSuites.P256, CryptoSuites.Sm2);

    private static EcGroup GroupOf(string suite) => CryptoSuite.ByName(suite).Group;

    /// <summary>Scalars whose recoding is easy to get wrong: zero, small values at window edges, near and at n, all ones.</summary>
    private static IEnumerable<BigInteger> EdgeScalars(EcGroup g)
    {
        foreach (var v in new long[] { 0, 1, 2, 15, 16, 17, 31, 32, 33, 1023, 1024 })
        {
            yield return BigInteger.ValueOf(v);
        }

        yield return g.N.Subtract(BigInteger.One);
        yield return g.N.Subtract(BigInteger.Two);
        yield return g.N.Subtract(BigInteger.ValueOf(16));
        yield return g.N;
        yield return BigInteger.One.ShiftLeft(255);
        yield return BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One);
        yield return BigInteger.One.ShiftLeft(128).Subtract(BigInteger.One);
    }

    private static IEnumerable<BigInteger> Scalars(EcGroup g) =>
        EdgeScalars(g).Concat(Enumerable.Range(0, 24).Select(_ => g.RandomScalar()));

    private static byte[] Bytes32(BigInteger k) => k.ToByteArrayUnsigned() is var b && b.Length == 32 ? b : [.. new byte[32 - b.Length], .. b];

    private static byte[] Expected(EcGroup g, Org.BouncyCastle.Math.EC.ECPoint p, BigInteger k) => g.Encode(p.Multiply(k.Mod(g.N)).Normalize());

    [Theory]
    [MemberData(nameof(Suites))]
    public void Every_multiplication_path_agrees_with_BouncyCastle(string suite)
    {
        var g = GroupOf(suite);
        var curve = g.Fast;
        var bcPoint = g.MultiplyG(g.RandomScalar());
        var point = g.DecodeFast(g.Encode(bcPoint), "P");
        var multiples = curve.Multiples(point);
        var comb = curve.Comb(point);
        foreach (var k in Scalars(g))
        {
            var kb = Bytes32(k);
            var expected = Expected(g, bcPoint, k);
            Assert.Equal(expected, curve.Encode(curve.MultiplySecret(multiples, kb)));
            Assert.Equal(expected, curve.Encode(curve.MultiplyComb(comb, kb, secret: true)));
            Assert.Equal(expected, curve.Encode(curve.MultiplyComb(comb, kb, secret: false)));
            Assert.Equal(expected, curve.Encode(curve.MultiplyPublic(multiples, kb)));
            Assert.Equal(Expected(g, g.G, k), curve.Encode(curve.MultiplyComb(curve.GeneratorComb, kb, secret: true)));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_double_multiplication_agrees_with_BouncyCastle_including_sums_that_cancel(string suite)
    {
        var g = GroupOf(suite);
        var curve = g.Fast;
        var p = g.MultiplyG(g.RandomScalar());
        var q = g.MultiplyG(g.RandomScalar());
        var mp = curve.Multiples(g.DecodeFast(g.Encode(p), "P"));
        var mq = curve.Multiples(g.DecodeFast(g.Encode(q), "Q"));
        var mpAgain = curve.Multiples(g.DecodeFast(g.Encode(p), "P"));
        foreach (var (a, b) in Scalars(g).Zip(Scalars(g).Reverse()))
        {
            var expected = p.Multiply(a.Mod(g.N)).Add(q.Multiply(b.Mod(g.N))).Normalize();
            Assert.Equal(g.Encode(expected), curve.Encode(curve.MultiplyPublic(mp, Bytes32(a), mq, Bytes32(b))));
            // aP + (n - a)P is the identity: the complete formulas must get there without a special case.
            var negA = g.N.Subtract(a.Mod(g.N));
            Assert.Equal([0], curve.Encode(curve.MultiplyPublic(mp, Bytes32(a.Mod(g.N)), mpAgain, Bytes32(negA))));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Field_operations_agree_with_big_integer_arithmetic(string suite)
    {
        var g = GroupOf(suite);
        var f = g.Fast.Field;
        var p = g.Curve.Field.Characteristic;
        var values = new[] { BigInteger.Zero, BigInteger.One, p.Subtract(BigInteger.One), p.Subtract(BigInteger.Two) }
            .Concat(Enumerable.Range(0, 20).Select(_ => new BigInteger(1, RandomNumberGenerator.GetBytes(32)).Mod(p)))
            .ToArray();
        Fe In(BigInteger v) => f.FromBytes(Bytes32(v));
        BigInteger Out(Fe v)
        {
            var b = new byte[32];
            f.ToBytes(v, b);
            return new BigInteger(1, b);
        }

        foreach (var a in values)
        {
            foreach (var b in values.Take(8))
            {
                Assert.Equal(a.Multiply(b).Mod(p), Out(f.Mul(In(a), In(b))));
                Assert.Equal(a.Add(b).Mod(p), Out(f.Add(In(a), In(b))));
                Assert.Equal(a.Subtract(b).Mod(p), Out(f.Sub(In(a), In(b))));
            }

            Assert.Equal(a.SignValue == 0 ? BigInteger.Zero : a.ModInverse(p), Out(f.Invert(In(a))));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidPoints.All), MemberType = typeof(InvalidPoints))]
    public void A_point_refused_by_BouncyCastle_is_refused_with_the_same_words(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var old = Assert.Throws<CryptoException>(() => EcGroup.P256.Decode(bytes, "R"));
        var now = Assert.Throws<CryptoException>(() => EcGroup.P256.DecodeFast(bytes, "R"));
        Assert.Equal(old.Code, now.Code);
        Assert.Equal(old.Message, now.Message);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_proof_is_byte_for_byte_what_the_BouncyCastle_computation_gives_for_the_same_nonce(string suite)
    {
        using var c = new TestCeremony(3, 2, suite: suite);
        var g = c.Key.Group;
        for (var i = 0; i < 8; i++)
        {
            var r = g.Encode(g.MultiplyG(g.RandomScalar()));
            var nonce = g.RandomScalar();
            var secret = c.Secret(2);
            var partial = ThresholdOpening.PartialDecrypt(secret, c.Key, r, nonce);

            // The proof as computed before the library had its own arithmetic, with BouncyCastle's points.
            var rPoint = g.Decode(r, "R");
            var d = g.Encode(g.Multiply(rPoint, secret.Scalar));
            var a = g.Encode(g.MultiplyG(nonce));
            var b = g.Encode(g.Multiply(rPoint, nonce));
            var challenge = g.Challenge("trading/opening/v1/dleq", Wire.LengthPrefixed(c.Key.Suite), c.Key.KeyId, Wire.U16(2), g.GEncoded,
                c.Key.VerificationKeys[1], r, d, a, b);
            Assert.Equal(d, partial.D);
            Assert.Equal(g.EncodeScalar(challenge), partial.Proof.Challenge);
            Assert.Equal(g.EncodeScalar(nonce.Add(challenge.Multiply(secret.Scalar)).Mod(g.N)), partial.Proof.Response);
            ThresholdOpening.VerifyPartial(c.Key, r, partial);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_key_verified_many_times_gives_the_same_verdicts_with_its_comb_tables(string suite)
    {
        // The first verification per holder uses a window table, later ones the comb table built on the second use.
        using var c = new TestCeremony(3, 2, suite: suite);
        var g = c.Key.Group;
        for (var i = 0; i < 4; i++)
        {
            var r = g.Encode(g.MultiplyG(g.RandomScalar()));
            var good = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, r);
            ThresholdOpening.VerifyPartial(c.Key, r, good);
            var forged = good with { Proof = good.Proof with { Response = g.EncodeScalar(new BigInteger(1, good.Proof.Response).Add(BigInteger.One).Mod(g.N)) } };
            Assert.Equal(CryptoErrorCode.DleqProofInvalid, Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, r, forged)).Code);
        }
    }
}
