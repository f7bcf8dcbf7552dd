using Org.BouncyCastle.Math;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

public class OpeningTests
{
    private static readonly byte[] SomeR = Convert.FromHexString(InvalidPoints.ValidPublic);

    [Fact]
    public void Shared_secret_matches_Wycheproof_ECDH_vector()
    {
        var z = ThresholdOpening.SharedSecretFromPrivateKey(new BigInteger(InvalidPoints.ValidPrivate, 16), Convert.FromHexString(InvalidPoints.ValidPublic));
        Assert.Equal(InvalidPoints.ValidShared, Convert.ToHexStringLower(z));
    }

    [Theory]
    [MemberData(nameof(InvalidPoints.All), MemberType = typeof(InvalidPoints))]
    public void Invalid_points_are_refused_as_R_in_partial_decryption_and_in_the_joint_key(string hex)
    {
        using var c = new TestCeremony(3, 2);
        var point = Convert.FromHexString(hex);
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, point));
        Assert.True(e.Code is CryptoErrorCode.InvalidPoint or CryptoErrorCode.PointAtInfinity, e.Message);
        var badKey = c.Key with { PublicKey = point };
        var k = Assert.Throws<CryptoException>(badKey.Validate);
        Assert.True(k.Code is CryptoErrorCode.InvalidPoint or CryptoErrorCode.PointAtInfinity, k.Message);
    }

    [Theory]
    [MemberData(nameof(InvalidPoints.All), MemberType = typeof(InvalidPoints))]
    public void Invalid_points_as_D_fail_the_proof_and_name_the_holder(string hex)
    {
        using var c = new TestCeremony(3, 2);
        var good = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, SomeR);
        var bad = good with { D = Convert.FromHexString(hex) };
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, SomeR, bad));
        Assert.Equal(CryptoErrorCode.DleqProofInvalid, e.Code);
        Assert.Equal(2, e.HolderIndex);
    }

    [Theory]
    [InlineData("challenge")]
    [InlineData("response")]
    [InlineData("D")]
    [InlineData("index")]
    [InlineData("response-zero")]
    [InlineData("challenge-over-n")]
    public void A_DLEQ_proof_with_any_one_value_changed_is_refused(string what)
    {
        using var c = new TestCeremony(3, 2);
        var good = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, SomeR);
        ThresholdOpening.VerifyPartial(c.Key, SomeR, good);
        var other = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, SomeR);
        var bad = what switch
        {
            "challenge" => good with { Proof = good.Proof with { Challenge = CeremonyTests.Flip(good.Proof.Challenge) } },
            "response" => good with { Proof = good.Proof with { Response = CeremonyTests.Flip(good.Proof.Response) } },
            "D" => good with { D = other.D },
            "index" => good with { HolderIndex = 2 },
            "response-zero" => good with { Proof = good.Proof with { Response = new byte[32] } },
            _ => good with { Proof = good.Proof with { Challenge = Enumerable.Repeat((byte)0xff, 32).ToArray() } },
        };
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, SomeR, bad));
        Assert.Equal(CryptoErrorCode.DleqProofInvalid, e.Code);
        Assert.Equal(bad.HolderIndex, e.HolderIndex);
    }

    [Fact]
    public void A_partial_for_another_bid_is_refused()
    {
        using var c = new TestCeremony(3, 3);
        var otherR = c.Key.PublicKey;
        var p = ThresholdOpening.PartialDecrypt(c.Secret(3), c.Key, otherR);
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, SomeR, p));
        Assert.Equal(CryptoErrorCode.PartialForOtherBid, e.Code);
        Assert.Equal(3, e.HolderIndex);
        // The proof is bound to R: moving a valid proof onto another R fails it.
        var moved = p with { R = SomeR };
        Assert.Equal(CryptoErrorCode.DleqProofInvalid, Assert.Throws<CryptoException>(() => ThresholdOpening.VerifyPartial(c.Key, SomeR, moved)).Code);
    }

    [Fact]
    public void Fewer_than_t_partials_are_refused()
    {
        using var c = new TestCeremony(5, 3);
        var partials = new[] { 1, 4 }.Select(i => ThresholdOpening.PartialDecrypt(c.Secret(i), c.Key, SomeR)).ToList();
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.Combine(c.Key, SomeR, partials));
        Assert.Equal(CryptoErrorCode.TooFewPartials, e.Code);
        Assert.Equal(["2", "3", ""], e.Arguments);
    }

    [Fact]
    public void A_repeated_holder_index_is_refused_even_with_enough_others()
    {
        using var c = new TestCeremony(3, 2);
        var p1 = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, SomeR);
        var p2 = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, SomeR);
        var again = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, SomeR);
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.Combine(c.Key, SomeR, [p1, p2, again]));
        Assert.Equal(CryptoErrorCode.DuplicateHolderIndex, e.Code);
        Assert.Equal(1, e.HolderIndex);
    }

    [Fact]
    public void A_bad_partial_is_rejected_by_name_and_the_opening_goes_on_with_t_good_ones()
    {
        using var c = new TestCeremony(3, 2);
        var p1 = ThresholdOpening.PartialDecrypt(c.Secret(1), c.Key, SomeR);
        var p2 = ThresholdOpening.PartialDecrypt(c.Secret(2), c.Key, SomeR);
        var p3 = ThresholdOpening.PartialDecrypt(c.Secret(3), c.Key, SomeR);
        var forged = p1 with { D = p3.D };
        var combination = ThresholdOpening.Combine(c.Key, SomeR, [forged, p2, p3]);
        Assert.Equal([new RejectedPartial(1, CryptoErrorCode.DleqProofInvalid)], combination.Rejected);
        Assert.Equal([2, 3], combination.Terms.Select(t => t.HolderIndex));
        var direct = ThresholdOpening.Combine(c.Key, SomeR, [p1, p2]);
        Assert.Equal(direct.D, combination.D);

        var tooFew = Assert.Throws<CryptoException>(() => ThresholdOpening.Combine(c.Key, SomeR, [forged, p2]));
        Assert.Equal(CryptoErrorCode.TooFewPartials, tooFew.Code);
        Assert.Contains("rejected holders: 1", tooFew.Message);
    }

    [Fact]
    public void Lagrange_coefficients_for_holders_1_and_3_of_3_are_3_over_2_and_minus_1_over_2()
    {
        var n = P256.N;
        var two = BigInteger.Two.ModInverse(n);
        Assert.Equal(P256.EncodeScalar(BigInteger.Three.Multiply(two).Mod(n)), Lagrange.CoefficientAtZero(1, [1, 3]));
        Assert.Equal(P256.EncodeScalar(n.Subtract(two)), Lagrange.CoefficientAtZero(3, [1, 3]));
    }

    [Fact]
    public void Combination_equals_the_joint_secret_times_R()
    {
        using var c = new TestCeremony(3, 2);
        // Recover x from shares of holders 1 and 2 by interpolation, then check D = xR.
        var x = new[] { 1, 2 }.Aggregate(BigInteger.Zero, (acc, i) => acc.Add(c.Secret(i).Scalar.Multiply(Lagrange.AtZero(i, [1, 2])))).Mod(P256.N);
        Assert.Equal(P256.Encode(P256.MultiplyG(x)), c.Key.PublicKey);
        var combination = c.Open(SomeR, 1, 3);
        Assert.Equal(ThresholdOpening.SharedSecretFromPrivateKey(x, SomeR), combination.SharedSecret);
    }
}
