using Org.BouncyCastle.Math;
using Trading.Crypto;
using Trading.Crypto.Curves;

namespace Trading.Crypto.Tests;

/// <summary>
/// The holders' P-256 multiplications through the platform's OpenSSL (Curves.OpenSslP256) against BouncyCastle and the
/// managed arithmetic, on random and edge scalars, including results that are the identity; and whole proofs made and
/// checked by either path, which must be the same bytes and the same verdicts.
/// </summary>
public class OpenSslP256Tests
{
    private static EcGroup P256 => CryptoSuite.ByName(CryptoSuites.P256).Group;

    private static byte[] Bytes32(BigInteger k) => k.ToByteArrayUnsigned() is var b && b.Length == 32 ? b : [.. new byte[32 - b.Length], .. b];

    private static IEnumerable<BigInteger> Scalars(EcGroup g) =>
        new long[] { 0, 1, 2, 15, 16, 17, 31, 32, 33 }.Select(BigInteger.ValueOf)
            .Concat([g.N.Subtract(BigInteger.One), g.N.Subtract(BigInteger.Two), BigInteger.One.ShiftLeft(255), BigInteger.One.ShiftLeft(128).Subtract(BigInteger.One)])
            .Concat(Enumerable.Range(0, 40).Select(_ => g.RandomScalar()));

    [Fact]
    public void On_Linux_the_platform_OpenSSL_is_used_for_P256_and_never_for_SM2()
    {
        // The CI machines are Debian with libcrypto 3: if this fails there, the fast path went untested.
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslP256.IsAvailable);
        Assert.Equal(OpenSslP256.IsAvailable, P256.UsesOpenSsl);
        Assert.False(CryptoSuite.ByName(CryptoSuites.Sm2).Group.UsesOpenSsl);
    }

    [Fact]
    public void The_provers_points_agree_with_BouncyCastle_on_random_and_edge_scalars()
    {
        Assert.SkipUnless(OpenSslP256.IsAvailable, "no libcrypto on this platform");
        var g = P256;
        var r = g.MultiplyG(g.RandomScalar());
        var rBytes = g.Encode(r);
        foreach (var (x, k) in Scalars(g).Zip(Scalars(g).Reverse()))
        {
            Assert.True(OpenSslP256.Prove(rBytes, Bytes32(x), Bytes32(k), out var d, out var a, out var b));
            Assert.Equal(g.Encode(r.Multiply(x).Normalize()), d);
            Assert.Equal(g.Encode(g.MultiplyG(k)), a);
            Assert.Equal(g.Encode(r.Multiply(k).Normalize()), b);
        }

        // A zero scalar gives the identity, encoded as one zero byte as BouncyCastle and the managed path encode it.
        Assert.True(OpenSslP256.Prove(rBytes, new byte[32], Bytes32(BigInteger.One), out var zero, out _, out _));
        Assert.Equal([0], zero);
    }

    [Fact]
    public void The_verifiers_commitments_agree_with_BouncyCastle_including_sums_that_cancel()
    {
        Assert.SkipUnless(OpenSslP256.IsAvailable, "no libcrypto on this platform");
        var g = P256;
        var y = g.MultiplyG(g.RandomScalar());
        var r = g.MultiplyG(g.RandomScalar());
        var d = g.MultiplyG(g.RandomScalar());
        foreach (var (s, e) in Scalars(g).Zip(Scalars(g).Reverse()))
        {
            Assert.True(OpenSslP256.Commitments(g.Encode(y), g.Encode(r), g.Encode(d), Bytes32(s), Bytes32(e), out var a, out var b));
            Assert.Equal(g.Encode(g.G.Multiply(s).Add(y.Multiply(e)).Normalize()), a);
            Assert.Equal(g.Encode(r.Multiply(s).Add(d.Multiply(e)).Normalize()), b);
        }

        // s G + e Y = 0 when Y = -(s / e) G, and s R + e D = 0 when D = -(s / e) R: both come back as the identity.
        var s0 = g.RandomScalar();
        var e0 = g.RandomScalar();
        var ratio = g.N.Subtract(s0.Multiply(e0.ModInverse(g.N)).Mod(g.N));
        var yCancel = g.MultiplyG(ratio);
        var dCancel = r.Multiply(ratio).Normalize();
        Assert.True(OpenSslP256.Commitments(g.Encode(yCancel), g.Encode(r), g.Encode(dCancel), Bytes32(s0), Bytes32(e0), out var a0, out var b0));
        Assert.Equal([0], a0);
        Assert.Equal([0], b0);
    }

    [Fact]
    public void Proofs_made_and_checked_through_OpenSSL_or_the_managed_arithmetic_are_the_same()
    {
        using var c = new TestCeremony(3, 2);
        var g = c.Key.Group;
        for (var i = 0; i < 16; i++)
        {
            var r = g.Encode(g.MultiplyG(g.RandomScalar()));
            var nonce = g.RandomScalar();
            var viaOpenSsl = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, r, nonce, openSsl: true);
            var managed = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, r, nonce, openSsl: false);
            Assert.Equal(managed.D, viaOpenSsl.D);
            Assert.Equal(managed.Proof.Challenge, viaOpenSsl.Proof.Challenge);
            Assert.Equal(managed.Proof.Response, viaOpenSsl.Proof.Response);
            ThresholdOpening.VerifyPartial(c.Key, r, viaOpenSsl, openSsl: true);
            ThresholdOpening.VerifyPartial(c.Key, r, viaOpenSsl, openSsl: false);

            // A changed response, or a D of another holder's share, is refused by both.
            var forged = viaOpenSsl with { Proof = viaOpenSsl.Proof with { Response = g.EncodeScalar(new BigInteger(1, viaOpenSsl.Proof.Response).Add(BigInteger.One).Mod(g.N)) } };
            var otherD = viaOpenSsl with { D = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, r, nonce).D };
            foreach (var bad in new[] { forged, otherD })
            {
                foreach (var openSsl in new[] { true, false })
                {
                    Assert.Equal(CryptoErrorCode.DleqProofInvalid, Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, r, bad, openSsl)).Code);
                }
            }
        }
    }

    [Fact]
    public void Proofs_made_and_checked_on_many_threads_at_once_are_right()
    {
        // The opening combines bids on the thread pool: one OpenSSL group object serves every thread.
        using var c = new TestCeremony(3, 2);
        var g = c.Key.Group;
        var work = Enumerable.Range(0, 64).Select(_ => (R: g.Encode(g.MultiplyG(g.RandomScalar())), Nonce: g.RandomScalar())).ToArray();
        var proofs = new PartialDecryption[work.Length];
        Parallel.For(0, work.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            proofs[i] = ThresholdOpening.PartialDecrypt(c.Secret(3), c.Key, work[i].R, work[i].Nonce);
            ThresholdOpening.VerifyPartial(c.Key, work[i].R, proofs[i]);
        });
        for (var i = 0; i < work.Length; i++)
        {
            var managed = ThresholdOpening.PartialDecrypt(c.Secret(3), c.Key, work[i].R, work[i].Nonce, openSsl: false);
            Assert.Equal(managed.D, proofs[i].D);
            Assert.Equal(managed.Proof.Response, proofs[i].Proof.Response);
        }
    }
}
