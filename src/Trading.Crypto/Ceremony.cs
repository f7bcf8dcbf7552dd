using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Trading.Crypto;

/// <summary>What a key ceremony is for: its id (bound into every proof), n holders and threshold t.</summary>
public sealed record CeremonyParameters(string CeremonyId, int Holders, int Threshold, string Suite = CryptoSuites.P256)
{
    /// <summary>The default: supervision office, trading centre and owner, all three needed.</summary>
    public static CeremonyParameters Default(string ceremonyId) => new(ceremonyId, 3, 3);

    /// <summary>The group of this ceremony's suite.</summary>
    internal EcGroup Group => CryptoSuite.ByName(Suite).Group;

    /// <summary>Refuses thresholds that cannot work or that would let one holder open bids alone.</summary>
    public void Validate()
    {
        CryptoSuites.Require(Suite);
        if (string.IsNullOrEmpty(CeremonyId))
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, "ceremony id is empty");
        }

        if (Holders < 2 || Holders > 64)
        {
            throw new CryptoException(CryptoErrorCode.InvalidThreshold, Threshold.ToString(), Holders.ToString(), "n must be 2..64");
        }

        if (Threshold < 2 || Threshold > Holders)
        {
            throw new CryptoException(CryptoErrorCode.InvalidThreshold, Threshold.ToString(), Holders.ToString(), "t must be 2..n so no single holder can open bids");
        }
    }

    internal void CheckIndex(int index)
    {
        if (index < 1 || index > Holders)
        {
            throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, index.ToString(), Holders.ToString());
        }
    }
}

/// <summary>A Schnorr proof of knowledge of a discrete log: challenge c and response s (32 bytes each).</summary>
public sealed record SchnorrProof(byte[] Challenge, byte[] Response);

/// <summary>A holder's public dealing: Feldman commitments C_0..C_{t-1} (65-byte points) and a proof of knowing log C_0.</summary>
public sealed record DealerCommitment(int DealerIndex, IReadOnlyList<byte[]> Coefficients, SchnorrProof Proof);

/// <summary>A share s_ij = f_i(j) dealt by holder i to holder j. Secret: send it encrypted to the recipient.</summary>
public sealed record DealtShare(int DealerIndex, int RecipientIndex, byte[] Value);

/// <summary>
/// A public complaint: the recipient reveals the share it received so anyone can check it against the dealer's
/// commitments. (Resolution as in Pedersen/GJKR: the dealer answers by publishing the correct share.)
/// </summary>
public sealed record ShareComplaint(string CeremonyId, int DealerIndex, int RecipientIndex, byte[] RevealedShare, CryptoErrorCode Reason);

/// <summary>The outcome of checking a received share: accepted, or a complaint to publish.</summary>
public sealed record ShareCheck(bool Accepted, ShareComplaint? Complaint);

/// <summary>
/// One holder's side of the ceremony: its random polynomial of degree t-1, the public commitment and the shares
/// it deals. Keep it only until the shares are sent: the coefficients are secret (and BouncyCastle's immutable
/// BigInteger cannot be wiped, so dropping the reference is all that can be done).
/// </summary>
public sealed class HolderDealer
{
    private readonly CeremonyParameters _parameters;
    private readonly BigInteger[] _coefficients;

    private HolderDealer(CeremonyParameters parameters, int index, BigInteger[] coefficients, BigInteger proofNonce)
    {
        _parameters = parameters;
        _coefficients = coefficients;
        HolderIndex = index;
        var g = parameters.Group;
        var commitments = coefficients.Select(g.MultiplyG).ToArray();
        Commitment = new DealerCommitment(
            index,
            commitments.Select(g.Encode).ToArray(),
            CeremonyVerifier.ProveConstantTerm(parameters, index, coefficients[0], commitments[0], proofNonce));
    }

    /// <summary>This holder's index, 1..n.</summary>
    public int HolderIndex { get; }

    /// <summary>The public commitment and Schnorr proof to publish in the log.</summary>
    public DealerCommitment Commitment { get; }

    /// <summary>Starts a dealing with fresh random coefficients.</summary>
    public static HolderDealer Create(CeremonyParameters parameters, int holderIndex)
    {
        parameters.Validate();
        parameters.CheckIndex(holderIndex);
        var g = parameters.Group;
        var coefficients = Enumerable.Range(0, parameters.Threshold).Select(_ => g.RandomScalar()).ToArray();
        return new HolderDealer(parameters, holderIndex, coefficients, g.RandomScalar());
    }

    /// <summary>Deterministic dealing for test vectors only.</summary>
    internal static HolderDealer CreateDeterministic(CeremonyParameters parameters, int holderIndex, BigInteger[] coefficients, BigInteger proofNonce)
    {
        parameters.Validate();
        parameters.CheckIndex(holderIndex);
        return new HolderDealer(parameters, holderIndex, coefficients, proofNonce);
    }

    /// <summary>The share for holder j (including this holder itself).</summary>
    public DealtShare ShareFor(int recipientIndex)
    {
        _parameters.CheckIndex(recipientIndex);
        var g = _parameters.Group;
        var value = CeremonyVerifier.EvaluatePolynomial(_coefficients, recipientIndex, g.N);
        return new DealtShare(HolderIndex, recipientIndex, g.EncodeScalar(value));
    }
}

/// <summary>The public verification side of the ceremony: proofs, share checks, complaints, joint key, secrets.</summary>
public static class CeremonyVerifier
{
    private const string SchnorrDomain = "trading/ceremony/v1/schnorr";

    internal static SchnorrProof ProveConstantTerm(CeremonyParameters p, int index, BigInteger a0, ECPoint c0, BigInteger k)
    {
        var g = p.Group;
        var a = g.MultiplyG(k);
        var c = SchnorrChallenge(p, index, g.Encode(c0), g.Encode(a));
        var s = k.Add(c.Multiply(a0)).Mod(g.N);
        return new SchnorrProof(g.EncodeScalar(c), g.EncodeScalar(s));
    }

    private static BigInteger SchnorrChallenge(CeremonyParameters p, int index, byte[] c0, byte[] a) =>
        p.Group.Challenge(SchnorrDomain, Wire.LengthPrefixed(p.Suite), Wire.LengthPrefixed(p.CeremonyId), Wire.U16(p.Holders), Wire.U16(p.Threshold), Wire.U16(index), p.Group.GEncoded, c0, a);

    /// <summary>Checks the commitment's shape and its Schnorr proof (stops rogue-key attacks); throws a specific refusal.</summary>
    public static void VerifyCommitment(CeremonyParameters parameters, DealerCommitment commitment)
    {
        parameters.Validate();
        parameters.CheckIndex(commitment.DealerIndex);
        if (commitment.Coefficients.Count != parameters.Threshold)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {commitment.DealerIndex} published {commitment.Coefficients.Count} commitments, expected t = {parameters.Threshold}");
        }

        var g = parameters.Group;
        var c0 = g.Decode(commitment.Coefficients[0], $"commitment C_{commitment.DealerIndex},0");
        for (var k = 1; k < commitment.Coefficients.Count; k++)
        {
            g.Decode(commitment.Coefficients[k], $"commitment C_{commitment.DealerIndex},{k}");
        }

        BigInteger c, s;
        try
        {
            c = g.DecodeScalar(commitment.Proof.Challenge, "Schnorr challenge", allowZero: true);
            s = g.DecodeScalar(commitment.Proof.Response, "Schnorr response", allowZero: true);
        }
        catch (CryptoException)
        {
            throw new CryptoException(CryptoErrorCode.SchnorrProofInvalid, commitment.DealerIndex, commitment.DealerIndex.ToString());
        }

        // A = sG - c*C_0 must reproduce the challenge.
        var a = g.SumOfTwoMultiplies(g.G, s, c0, g.N.Subtract(c));
        if (a.IsInfinity || !SchnorrChallenge(parameters, commitment.DealerIndex, g.Encode(c0), g.Encode(a)).Equals(c))
        {
            throw new CryptoException(CryptoErrorCode.SchnorrProofInvalid, commitment.DealerIndex, commitment.DealerIndex.ToString());
        }
    }

    /// <summary>Checks s_ij*G = sum_k C_ik * j^k. A failure yields a complaint with the revealed share as evidence.</summary>
    public static ShareCheck VerifyShare(CeremonyParameters parameters, DealerCommitment commitment, DealtShare share)
    {
        parameters.CheckIndex(share.RecipientIndex);
        if (share.DealerIndex != commitment.DealerIndex)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"share from holder {share.DealerIndex} checked against holder {commitment.DealerIndex}'s commitment");
        }

        if (ShareMatches(parameters, commitment, share.RecipientIndex, share.Value))
        {
            return new ShareCheck(true, null);
        }

        return new ShareCheck(false, new ShareComplaint(parameters.CeremonyId, share.DealerIndex, share.RecipientIndex, share.Value, CryptoErrorCode.ShareVerificationFailed));
    }

    /// <summary>True when a complaint is justified: the revealed share really does not match the commitments.</summary>
    public static bool IsComplaintJustified(CeremonyParameters parameters, DealerCommitment commitment, ShareComplaint complaint)
    {
        if (complaint.CeremonyId != parameters.CeremonyId || complaint.DealerIndex != commitment.DealerIndex)
        {
            return false;
        }

        parameters.CheckIndex(complaint.RecipientIndex);
        return !ShareMatches(parameters, commitment, complaint.RecipientIndex, complaint.RevealedShare);
    }

    private static bool ShareMatches(CeremonyParameters parameters, DealerCommitment commitment, int recipient, byte[] value)
    {
        var g = parameters.Group;
        BigInteger s;
        try
        {
            s = g.DecodeScalar(value, "share", allowZero: true);
        }
        catch (CryptoException)
        {
            return false;
        }

        var expected = CommitmentAt(commitment.Coefficients.Select((c, k) => g.Decode(c, $"commitment C_{commitment.DealerIndex},{k}")).ToArray(), recipient);
        return g.MultiplyG(s).Equals(expected);
    }

    internal static ECPoint CommitmentAt(ECPoint[] commitments, int x)
    {
        // Horner's rule over points: C_0 + x(C_1 + x(C_2 + ...)).
        var acc = commitments[^1];
        for (var k = commitments.Length - 2; k >= 0; k--)
        {
            acc = acc.Multiply(BigInteger.ValueOf(x)).Add(commitments[k]);
        }

        return acc.Normalize();
    }

    internal static BigInteger EvaluatePolynomial(BigInteger[] coefficients, int x, BigInteger? n = null)
    {
        var order = n ?? P256.N;
        var bx = BigInteger.ValueOf(x);
        var acc = coefficients[^1];
        for (var k = coefficients.Length - 2; k >= 0; k--)
        {
            acc = acc.Multiply(bx).Add(coefficients[k]).Mod(order);
        }

        return acc;
    }

    /// <summary>
    /// The joint key Y = sum_i C_i0 and every holder's verification key Y_j = sum_i sum_k C_ik j^k, after checking
    /// that every one of the n holders published exactly one valid commitment.
    /// </summary>
    public static JointKey ComputeJointKey(CeremonyParameters parameters, IReadOnlyList<DealerCommitment> commitments)
    {
        parameters.Validate();
        if (commitments.Count != parameters.Holders)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"{commitments.Count} commitments, expected n = {parameters.Holders}");
        }

        var seen = new HashSet<int>();
        foreach (var c in commitments)
        {
            if (!seen.Add(c.DealerIndex))
            {
                throw new CryptoException(CryptoErrorCode.DuplicateHolderIndex, c.DealerIndex.ToString());
            }

            VerifyCommitment(parameters, c);
        }

        var g = parameters.Group;
        var decoded = commitments.OrderBy(c => c.DealerIndex)
            .Select(c => c.Coefficients.Select((b => g.Decode(b, "commitment"))).ToArray()).ToArray();
        var y = decoded.Aggregate(g.Curve.Infinity, (acc, c) => acc.Add(c[0])).Normalize();
        if (y.IsInfinity)
        {
            throw new CryptoException(CryptoErrorCode.PointAtInfinity, "joint key");
        }

        var verificationKeys = new List<byte[]>();
        for (var j = 1; j <= parameters.Holders; j++)
        {
            var yj = decoded.Aggregate(g.Curve.Infinity, (acc, c) => acc.Add(CommitmentAt(c, j))).Normalize();
            if (yj.IsInfinity)
            {
                throw new CryptoException(CryptoErrorCode.PointAtInfinity, $"verification key Y_{j}");
            }

            verificationKeys.Add(g.Encode(yj));
        }

        return JointKey.Create(parameters, g.Encode(y), verificationKeys);
    }

    /// <summary>
    /// Holder j's secret x_j = sum_i s_ij from the n verified shares it received, checked against Y_j so a share from
    /// another ceremony or a wrong dealing cannot slip through.
    /// </summary>
    public static HolderSecret CombineShares(CeremonyParameters parameters, JointKey key, IReadOnlyList<DealerCommitment> commitments, int recipientIndex, IReadOnlyList<DealtShare> shares)
    {
        parameters.CheckIndex(recipientIndex);
        if (shares.Count != parameters.Holders)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"{shares.Count} shares received, expected n = {parameters.Holders}");
        }

        var sum = BigInteger.Zero;
        var seen = new HashSet<int>();
        foreach (var share in shares)
        {
            if (share.RecipientIndex != recipientIndex)
            {
                throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"share addressed to holder {share.RecipientIndex}, not {recipientIndex}");
            }

            if (!seen.Add(share.DealerIndex))
            {
                throw new CryptoException(CryptoErrorCode.DuplicateHolderIndex, share.DealerIndex.ToString());
            }

            var commitment = commitments.FirstOrDefault(c => c.DealerIndex == share.DealerIndex)
                ?? throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"no commitment from holder {share.DealerIndex}");
            if (!VerifyShare(parameters, commitment, share).Accepted)
            {
                throw new CryptoException(CryptoErrorCode.ShareVerificationFailed, share.DealerIndex, share.DealerIndex.ToString(), recipientIndex.ToString());
            }

            sum = sum.Add(new BigInteger(1, share.Value)).Mod(parameters.Group.N);
        }

        var secret = new HolderSecret(key.KeyId, recipientIndex, parameters.Group.EncodeScalar(sum));
        secret.CheckBelongsTo(key);
        return secret;
    }
}

