using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Trading.Crypto;

/// <summary>A Chaum-Pedersen proof that log_G Y_i = log_R D_i: challenge c and response s (32 bytes each).</summary>
public sealed record DleqProof(byte[] Challenge, byte[] Response);

/// <summary>Holder i's partial decryption D_i = x_i R of one bid's ephemeral point R, with its proof.</summary>
public sealed record PartialDecryption(int HolderIndex, byte[] R, byte[] D, DleqProof Proof);

/// <summary>One term of a combination: the holder used and its Lagrange coefficient at zero (recorded for audit).</summary>
public sealed record LagrangeTerm(int HolderIndex, byte[] Coefficient);

/// <summary>A partial that was refused, naming its holder and the rule.</summary>
public sealed record RejectedPartial(int HolderIndex, CryptoErrorCode Reason);

/// <summary>
/// The result of combining t verified partials: D = sum lambda_i D_i = x R, so the shared secret z = x(D)
/// is what the bidder's ECDH produced.
/// </summary>
public sealed record Combination(byte[] R, byte[] D, IReadOnlyList<LagrangeTerm> Terms, IReadOnlyList<RejectedPartial> Rejected)
{
    /// <summary>z = x-coordinate of D, 32 bytes (the ECDH shared secret).</summary>
    public byte[] SharedSecret => D.AsSpan(1, 32).ToArray();
}

/// <summary>One bid's result in <see cref="ThresholdOpening.CombineMany"/>: the combination, or the refusal.</summary>
public sealed record CombinationOutcome(Combination? Combination, CryptoException? Error);

/// <summary>Threshold opening: partial decryption with proofs, verification, combination.</summary>
public static class ThresholdOpening
{
    private const string DleqDomain = "trading/opening/v1/dleq";

    /// <summary>
    /// D_i = x_i R with a Chaum-Pedersen proof. R must come from the frozen, checkpointed log: threshold ECIES is not
    /// secure against chosen ciphertexts, so never partially decrypt arbitrary input.
    /// </summary>
    public static PartialDecryption PartialDecrypt(HolderSecret secret, JointKey key, ReadOnlySpan<byte> r) =>
        PartialDecrypt(secret, key, r, key.Group.RandomScalar());

    internal static PartialDecryption PartialDecrypt(HolderSecret secret, JointKey key, ReadOnlySpan<byte> r, BigInteger nonce)
    {
        var g = key.Group;
        var rPoint = g.Decode(r, "ephemeral point R");
        var x = secret.Scalar;
        // Y_i is taken from the key (as published) rather than recomputed: the proof is only useful if it matches it.
        var yi = key.VerificationKeys[secret.HolderIndex - 1];
        var d = g.Multiply(rPoint, x);
        var a = g.MultiplyG(nonce);
        var b = g.Multiply(rPoint, nonce); // reuses R's window table computed just above
        var rBytes = r.ToArray();
        var dBytes = g.Encode(d);
        var c = Challenge(key, secret.HolderIndex, yi, rBytes, dBytes, g.Encode(a), g.Encode(b));
        var s = nonce.Add(c.Multiply(x)).Mod(g.N);
        return new PartialDecryption(secret.HolderIndex, rBytes, dBytes, new DleqProof(g.EncodeScalar(c), g.EncodeScalar(s)));
    }

    /// <summary>Partially decrypts a batch of R values (one per bid), checking once that the secret belongs to the key.</summary>
    public static IReadOnlyList<PartialDecryption> PartialDecryptBatch(HolderSecret secret, JointKey key, IEnumerable<byte[]> rValues)
    {
        secret.CheckBelongsTo(key);
        return rValues.Select(r => PartialDecrypt(secret, key, r)).ToList();
    }

    // The Fiat-Shamir challenge hashes the whole statement (suite, key id, holder, G, Y_i, R, D_i) and both
    // commitments: hashing less is what broke Helios.
    private static BigInteger Challenge(JointKey key, int index, byte[] yi, byte[] r, byte[] d, byte[] a, byte[] b)
    {
        var g = key.Group;
        return g.Challenge(DleqDomain, Wire.LengthPrefixed(key.Suite), key.KeyId, Wire.U16(index), g.GEncoded, yi, r, d, a, b);
    }

    /// <summary>Verifies one partial against Y_i and the expected R; throws a refusal naming the holder.</summary>
    public static void VerifyPartial(JointKey key, ReadOnlySpan<byte> expectedR, PartialDecryption partial) =>
        VerifyPartial(key, KeyPoints.For(key), expectedR, null, partial);

    /// <summary>
    /// Decoded verification keys, kept for a batch so each Y_i's window table is computed once, not once per bid.
    /// </summary>
    internal sealed class KeyPoints(JointKey key)
    {
        // Keyed by the JointKey instance (not record equality), so the decoded points live exactly as long as the
        // key object. Reusing the same ECPoint lets BouncyCastle keep, and after a few uses widen, its window table
        // (and use the fixed-point comb path for sG - cY_i), instead of rebuilding it for every single verification.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JointKey, KeyPoints> Cache = new();

        private readonly ECPoint?[] _points = new ECPoint?[key.Holders];

        public static KeyPoints For(JointKey key) => Cache.GetValue(key, k => new KeyPoints(k));

        public ECPoint Get(int index)
        {
            if (index < 1 || index > key.Holders)
            {
                throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, index.ToString(), key.Holders.ToString());
            }

            return _points[index - 1] ??= key.VerificationKey(index);
        }
    }

    internal static void VerifyPartial(JointKey key, KeyPoints keyPoints, ReadOnlySpan<byte> expectedR, ECPoint? decodedR, PartialDecryption partial)
    {
        var index = partial.HolderIndex;
        var yi = keyPoints.Get(index);
        if (!expectedR.SequenceEqual(partial.R))
        {
            throw new CryptoException(CryptoErrorCode.PartialForOtherBid, index, index.ToString());
        }

        var g = key.Group;
        var r = decodedR ?? g.Decode(partial.R, "ephemeral point R");
        ECPoint d;
        BigInteger c, s;
        try
        {
            d = g.Decode(partial.D, $"partial decryption D_{index}");
            c = g.DecodeScalar(partial.Proof.Challenge, "DLEQ challenge", allowZero: true);
            s = g.DecodeScalar(partial.Proof.Response, "DLEQ response", allowZero: true);
        }
        catch (CryptoException)
        {
            throw new CryptoException(CryptoErrorCode.DleqProofInvalid, index, index.ToString());
        }

        // A = sG - cY_i and B = sR - cD_i, each one Shamir double multiplication.
        var negC = g.N.Subtract(c);
        var a = g.SumOfTwoMultiplies(g.G, s, yi, negC);
        var b = g.SumOfTwoMultiplies(r, s, d, negC);
        if (a.IsInfinity || b.IsInfinity
            || !Challenge(key, index, key.VerificationKeys[index - 1], partial.R, partial.D, g.Encode(a), g.Encode(b)).Equals(c))
        {
            throw new CryptoException(CryptoErrorCode.DleqProofInvalid, index, index.ToString());
        }
    }

    /// <summary>
    /// Verifies every partial, drops (and records) those that fail, and combines the first t valid ones by holder
    /// index with Lagrange interpolation at zero. Refuses a repeated holder index outright and fewer than t valid.
    /// </summary>
    public static Combination Combine(JointKey key, ReadOnlySpan<byte> r, IReadOnlyCollection<PartialDecryption> partials) =>
        Combine(key, KeyPoints.For(key), r, partials);

    /// <summary>
    /// Combines many bids with one joint key (an opening): the same rules as <see cref="Combine(JointKey, ReadOnlySpan{byte}, IReadOnlyCollection{PartialDecryption})"/>
    /// per bid, with the verification keys decoded once. A bid that cannot be combined gets its refusal, and the others go on.
    /// </summary>
    public static IReadOnlyList<CombinationOutcome> CombineMany(JointKey key, IEnumerable<(byte[] R, IReadOnlyCollection<PartialDecryption> Partials)> bids)
    {
        var points = KeyPoints.For(key);
        var results = new List<CombinationOutcome>();
        foreach (var (r, partials) in bids)
        {
            try
            {
                results.Add(new CombinationOutcome(Combine(key, points, r, partials), null));
            }
            catch (CryptoException e)
            {
                results.Add(new CombinationOutcome(null, e));
            }
        }

        return results;
    }

    private static Combination Combine(JointKey key, KeyPoints points, ReadOnlySpan<byte> r, IReadOnlyCollection<PartialDecryption> partials)
    {
        var g = key.Group;
        var rPoint = g.Decode(r, "ephemeral point R");
        var seen = new HashSet<int>();
        foreach (var p in partials)
        {
            if (p.HolderIndex < 1 || p.HolderIndex > key.Holders)
            {
                throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, p.HolderIndex.ToString(), key.Holders.ToString());
            }

            if (!seen.Add(p.HolderIndex))
            {
                throw new CryptoException(CryptoErrorCode.DuplicateHolderIndex, p.HolderIndex, p.HolderIndex.ToString());
            }
        }

        var valid = new List<PartialDecryption>();
        var rejected = new List<RejectedPartial>();
        foreach (var p in partials.OrderBy(p => p.HolderIndex))
        {
            try
            {
                VerifyPartial(key, points, r, rPoint, p);
                valid.Add(p);
            }
            catch (CryptoException e)
            {
                rejected.Add(new RejectedPartial(p.HolderIndex, e.Code));
            }
        }

        if (valid.Count < key.Threshold)
        {
            var blame = rejected.Count == 0 ? "" : "; rejected holders: " + string.Join(", ", rejected.Select(x => $"{x.HolderIndex} ({x.Reason})"));
            throw new CryptoException(CryptoErrorCode.TooFewPartials, valid.Count.ToString(), key.Threshold.ToString(), blame);
        }

        var used = valid.Take(key.Threshold).ToList();
        var indices = used.Select(p => p.HolderIndex).ToArray();
        var lambdas = indices.Select(i => Lagrange.AtZero(i, indices, g.N)).ToArray();
        var terms = indices.Select((i, k) => new LagrangeTerm(i, g.EncodeScalar(lambdas[k]))).ToList();
        // One multi-scalar multiplication instead of t separate ones.
        var sum = ECAlgorithms.SumOfMultiplies(used.Select(p => g.Decode(p.D, "D")).ToArray(), lambdas).Normalize();
        if (sum.IsInfinity)
        {
            throw new CryptoException(CryptoErrorCode.PointAtInfinity, "combined D");
        }

        return new Combination(r.ToArray(), g.Encode(sum), terms, rejected);
    }

    /// <summary>
    /// A health-check challenge point derived from <paramref name="context"/> by try-and-increment, so nobody knows
    /// its discrete log: a partial over it proves the holder can use its share today, yet decrypts no bid and helps
    /// decrypt none (it is no ciphertext anyone made).
    /// </summary>
    public static byte[] CanaryPoint(string context, string suite = CryptoSuites.P256)
    {
        var g = CryptoSuite.ByName(suite).Group;
        var p = g.Curve.Field.Characteristic;
        for (var counter = 0; ; counter++)
        {
            var x = g.Hash(Wire.Concat(Wire.Label("trading/health/v1/canary"), Wire.LengthPrefixed(context), Wire.U32(counter)));
            if (new BigInteger(1, x).CompareTo(p) >= 0)
            {
                continue;
            }

            try
            {
                return g.Encode(g.Curve.DecodePoint([0x02, .. x]));
            }
            catch (ArgumentException)
            {
                // x is not the abscissa of a curve point (about half of all x): try the next counter.
            }
        }
    }

    /// <summary>The shared secret computed directly from a full private key (tests and single-key tools only).</summary>
    internal static byte[] SharedSecretFromPrivateKey(BigInteger x, ReadOnlySpan<byte> r, EcGroup? group = null)
    {
        var g = group ?? EcGroup.P256;
        return g.Encode(g.Multiply(g.Decode(r, "ephemeral point R"), x)).AsSpan(1, 32).ToArray();
    }
}
