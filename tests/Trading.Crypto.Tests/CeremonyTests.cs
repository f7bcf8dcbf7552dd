using Trading.Crypto;

namespace Trading.Crypto.Tests;

public class CeremonyTests
{
    public static TheoryData<int, int> Shapes => new() { { 3, 3 }, { 3, 2 }, { 5, 3 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Every_t_subset_of_holders_opens_the_same_bid(int n, int t)
    {
        using var c = new TestCeremony(n, t);
        c.Key.Validate();
        var plaintext = EnvelopeTestData.Plaintext(300);
        var (envelope, result) = await EnvelopeTestData.SealAsync(c.Key, plaintext);
        var subsets = Subsets(Enumerable.Range(1, n).ToArray(), t).ToList();
        Assert.Equal(Binomial(n, t), subsets.Count);
        foreach (var subset in subsets)
        {
            var combination = c.Open(result.Header.EphemeralPoint, subset);
            Assert.Equal(subset, combination.Terms.Select(x => x.HolderIndex));
            Assert.Equal(plaintext, await EnvelopeTestData.OpenAsync(c, envelope, combination: combination));
        }
    }

    [Fact]
    public void Verification_keys_are_the_holders_public_secrets_and_the_key_id_is_bound_to_Y()
    {
        using var c = new TestCeremony(5, 3);
        foreach (var s in c.Secrets)
        {
            s.CheckBelongsTo(c.Key);
        }

        Assert.Equal(65, c.Key.PublicKey.Length);
        Assert.Equal(0x04, c.Key.PublicKey[0]);
        Assert.Equal(JointKey.ComputeKeyId(c.Key.PublicKey), c.Key.KeyId);
        var forged = c.Key with { VerificationKeys = [c.Key.VerificationKeys[1], c.Key.VerificationKeys[0], .. c.Key.VerificationKeys.Skip(2)] };
        Assert.Equal(CryptoErrorCode.RecordInvalid, Assert.Throws<CryptoException>(forged.Validate).Code);
        // Changing only a key beyond the first t is caught too.
        var lastSwapped = c.Key with { VerificationKeys = [.. c.Key.VerificationKeys.Take(4), c.Key.PublicKey] };
        Assert.Contains("Y_5", Assert.Throws<CryptoException>(lastSwapped.Validate).Message);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    [InlineData(1, 1)]
    [InlineData(3, 0)]
    public void Thresholds_that_let_one_holder_open_alone_or_cannot_work_are_refused(int n, int t)
    {
        var e = Assert.Throws<CryptoException>(() => HolderDealer.Create(new CeremonyParameters("c", n, t), 1));
        Assert.Equal(CryptoErrorCode.InvalidThreshold, e.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Holder_index_zero_or_out_of_range_is_refused(int index)
    {
        var e = Assert.Throws<CryptoException>(() => HolderDealer.Create(CeremonyParameters.Default("c"), index));
        Assert.Equal(CryptoErrorCode.HolderIndexOutOfRange, e.Code);
    }

    [Theory]
    [InlineData("challenge")]
    [InlineData("response")]
    [InlineData("c0")]
    [InlineData("c1")]
    [InlineData("index")]
    [InlineData("ceremony")]
    public void A_Schnorr_proof_with_any_one_value_changed_is_refused(string what)
    {
        var p = new CeremonyParameters("c-1", 3, 2);
        var dealer = HolderDealer.Create(p, 2);
        var good = dealer.Commitment;
        CeremonyVerifier.VerifyCommitment(p, good);
        var other = HolderDealer.Create(p, 2).Commitment;
        var (bad, parameters) = what switch
        {
            "challenge" => (good with { Proof = good.Proof with { Challenge = Flip(good.Proof.Challenge) } }, p),
            "response" => (good with { Proof = good.Proof with { Response = Flip(good.Proof.Response) } }, p),
            "c0" => (good with { Coefficients = [other.Coefficients[0], good.Coefficients[1]] }, p),
            "c1" => (good, p), // C_1 is not in the proof, but a wrong C_1 must fail share verification instead: see below
            "index" => (good with { DealerIndex = 3 }, p),
            _ => (good, p with { CeremonyId = "c-2" }),
        };
        if (what == "c1")
        {
            var forged = good with { Coefficients = [good.Coefficients[0], other.Coefficients[1]] };
            Assert.False(CeremonyVerifier.VerifyShare(p, forged, dealer.ShareFor(1)).Accepted);
            return;
        }

        var e = Assert.Throws<CryptoException>(() => CeremonyVerifier.VerifyCommitment(parameters, bad));
        Assert.True(e.Code is CryptoErrorCode.SchnorrProofInvalid or CryptoErrorCode.InvalidScalar, e.Message);
        Assert.Equal(CryptoErrorCode.SchnorrProofInvalid, e.Code);
    }

    [Fact]
    public void A_rogue_key_copied_from_another_holder_fails_its_proof()
    {
        // A rogue holder publishes Y_rogue = X - Y_1 to control the joint key; it cannot prove knowledge of its log.
        var p = new CeremonyParameters("c", 2, 2);
        var honest = HolderDealer.Create(p, 1).Commitment;
        var forged = honest with { DealerIndex = 2 };
        Assert.Equal(CryptoErrorCode.SchnorrProofInvalid, Assert.Throws<CryptoException>(() => CeremonyVerifier.VerifyCommitment(p, forged)).Code);
    }

    [Fact]
    public void A_bad_share_yields_a_justified_complaint_and_a_good_share_an_unjustified_one()
    {
        var p = new CeremonyParameters("c", 3, 2);
        var dealer = HolderDealer.Create(p, 1);
        var share = dealer.ShareFor(3);
        Assert.True(CeremonyVerifier.VerifyShare(p, dealer.Commitment, share).Accepted);
        var bad = share with { Value = Flip(share.Value) };
        var check = CeremonyVerifier.VerifyShare(p, dealer.Commitment, bad);
        Assert.False(check.Accepted);
        Assert.NotNull(check.Complaint);
        Assert.Equal(1, check.Complaint.DealerIndex);
        Assert.Equal(3, check.Complaint.RecipientIndex);
        Assert.Equal(bad.Value, check.Complaint.RevealedShare);
        Assert.True(CeremonyVerifier.IsComplaintJustified(p, dealer.Commitment, check.Complaint));
        var slander = check.Complaint with { RevealedShare = share.Value };
        Assert.False(CeremonyVerifier.IsComplaintJustified(p, dealer.Commitment, slander));
    }

    [Fact]
    public void A_share_from_another_ceremony_is_refused()
    {
        using var a = new TestCeremony(3, 2, "ceremony-a");
        using var b = new TestCeremony(3, 2, "ceremony-b");
        var shares = a.Dealers.Select(d => d.ShareFor(1)).ToList();
        shares[1] = b.Dealers[1].ShareFor(1);
        var e = Assert.Throws<CryptoException>(() => CeremonyVerifier.CombineShares(a.Parameters, a.Key, a.Commitments, 1, shares));
        Assert.Equal(CryptoErrorCode.ShareVerificationFailed, e.Code);
        Assert.Equal(2, e.HolderIndex);

        var foreign = Assert.Throws<CryptoException>(() => b.Secret(1).CheckBelongsTo(a.Key));
        Assert.Equal(CryptoErrorCode.SecretFromOtherKey, foreign.Code);
        Assert.Throws<CryptoException>(() => ThresholdOpening.PartialDecryptBatch(b.Secret(1), a.Key, [a.Key.PublicKey]));
    }

    [Fact]
    public void A_ceremony_with_a_missing_or_repeated_holder_is_refused()
    {
        var p = new CeremonyParameters("c", 3, 2);
        var c1 = HolderDealer.Create(p, 1).Commitment;
        var c2 = HolderDealer.Create(p, 2).Commitment;
        Assert.Equal(CryptoErrorCode.CeremonyInvalid, Assert.Throws<CryptoException>(() => CeremonyVerifier.ComputeJointKey(p, [c1, c2])).Code);
        Assert.Equal(CryptoErrorCode.DuplicateHolderIndex, Assert.Throws<CryptoException>(() => CeremonyVerifier.ComputeJointKey(p, [c1, c2, c2])).Code);
        var tooShort = c1 with { Coefficients = [c1.Coefficients[0]] };
        Assert.Equal(CryptoErrorCode.CeremonyInvalid, Assert.Throws<CryptoException>(() => CeremonyVerifier.VerifyCommitment(p, tooShort)).Code);
    }

    internal static byte[] Flip(byte[] b, int index = -1)
    {
        var copy = (byte[])b.Clone();
        copy[index < 0 ? copy.Length - 1 : index] ^= 0x01;
        return copy;
    }

    private static IEnumerable<int[]> Subsets(int[] items, int k)
    {
        if (k == 0)
        {
            yield return [];
            yield break;
        }

        for (var i = 0; i <= items.Length - k; i++)
        {
            foreach (var rest in Subsets(items[(i + 1)..], k - 1))
            {
                yield return [items[i], .. rest];
            }
        }
    }

    private static int Binomial(int n, int k) => k == 0 ? 1 : Binomial(n - 1, k - 1) * n / k;
}
