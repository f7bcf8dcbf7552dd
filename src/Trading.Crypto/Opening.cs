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

    internal static PartialDecryption PartialDecrypt(HolderSecret secret, JointKey key, ReadOnlySpan<byte> r, BigInteger nonce, bool openSsl = true)
    {
        var g = key.Group;
        var curve = g.Fast;
        var rPoint = g.DecodeFast(r, "ephemeral point R");
        // Y_i is taken from the key (as published) rather than recomputed: the proof is only useful if it matches it.
        var yi = key.VerificationKeys[secret.HolderIndex - 1];
        var nonceBytes = g.EncodeScalar(nonce);
        try
        {
            // P-256 through OpenSSL where the platform has it (constant-time too, and several times faster); otherwise,
            // or if OpenSSL refuses, x_i R and k R as constant-time windows over one table of R's multiples and k G
            // from the generator's comb table, also read by masked scans (see Curves.ShortCurve).
            if (!(openSsl && g.UsesOpenSsl && Curves.OpenSslP256.Prove(r, secret.ScalarBytes, nonceBytes, out var dBytes, out var aBytes, out var bBytes)))
            {
                var multiplesOfR = curve.Multiples(rPoint);
                var d = curve.MultiplySecret(multiplesOfR, secret.ScalarBytes);
                var a = curve.MultiplyComb(curve.GeneratorComb, nonceBytes, secret: true);
                var b = curve.MultiplySecret(multiplesOfR, nonceBytes);
                var points = curve.EncodeMany([d, a, b]);
                (dBytes, aBytes, bBytes) = (points[0], points[1], points[2]);
            }

            byte[][] encoded = [dBytes, aBytes, bBytes];
            var rBytes = r.ToArray();
            var c = Challenge(key, secret.HolderIndex, yi, rBytes, encoded[0], encoded[1], encoded[2]);
            var s = nonce.Add(c.Multiply(secret.Scalar)).Mod(g.N);
            return new PartialDecryption(secret.HolderIndex, rBytes, encoded[0], new DleqProof(g.EncodeScalar(c), g.EncodeScalar(s)));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(nonceBytes);
        }
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

    /// <summary>As <see cref="VerifyPartial(JointKey, ReadOnlySpan{byte}, PartialDecryption)"/>, choosing the arithmetic (tests compare both).</summary>
    internal static void VerifyPartial(JointKey key, ReadOnlySpan<byte> expectedR, PartialDecryption partial, bool openSsl) =>
        VerifyPartial(key, KeyPoints.For(key), expectedR, null, partial, openSsl);

    /// <summary>
    /// The verification keys' comb tables, kept per key object so each Y_i's table is built once, not once per bid.
    /// </summary>
    internal sealed class KeyPoints(JointKey key)
    {
        // Keyed by the JointKey instance (not record equality), so the tables live exactly as long as the key object.
        // A table costs a few verifications to build and makes c Y_i a 52-addition comb with no doubling.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JointKey, KeyPoints> Cache = new();

        private readonly Curves.CombTable?[] _combs = new Curves.CombTable?[key.Holders];
        private readonly int[] _uses = new int[key.Holders];

        public static KeyPoints For(JointKey key) => Cache.GetValue(key, k => new KeyPoints(k));

        /// <summary>
        /// Y_i's comb table from its second use on; null at the first, when a 16-entry window table is cheaper
        /// (a key read for one verification, as a health check does, should not pay for a table it never reuses).
        /// </summary>
        public Curves.CombTable? Comb(int index)
        {
            if (index < 1 || index > key.Holders)
            {
                throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, index.ToString(), key.Holders.ToString());
            }

            if (_combs[index - 1] is { } built)
            {
                return built;
            }

            if (Interlocked.Increment(ref _uses[index - 1]) < 2)
            {
                return null;
            }

            // A race builds the same table twice at worst; the reference write is atomic.
            return _combs[index - 1] = key.Group.Fast.Comb(VerificationKey(index));
        }

        public Curves.ProjectivePoint VerificationKey(int index) =>
            key.Group.DecodeFast(key.VerificationKeys[index - 1], $"verification key Y_{index}");
    }

    /// <summary>Verifies one partial; <paramref name="multiplesOfR"/> (R's window table) may be shared by the partials of one bid.</summary>
    internal static void VerifyPartial(JointKey key, KeyPoints keyPoints, ReadOnlySpan<byte> expectedR, Curves.ProjectivePoint[]? multiplesOfR, PartialDecryption partial, bool openSsl = true)
    {
        var index = partial.HolderIndex;
        var g = key.Group;
        openSsl &= g.UsesOpenSsl;
        // Y_i's comb table is for the managed path only; OpenSSL needs none.
        var yiComb = openSsl ? null : keyPoints.Comb(index);
        if (openSsl && (index < 1 || index > key.Holders))
        {
            throw new CryptoException(CryptoErrorCode.HolderIndexOutOfRange, index.ToString(), key.Holders.ToString());
        }

        if (!expectedR.SequenceEqual(partial.R))
        {
            throw new CryptoException(CryptoErrorCode.PartialForOtherBid, index, index.ToString());
        }

        var curve = g.Fast;
        if (openSsl)
        {
            g.DecodeFast(partial.R, "ephemeral point R");
        }
        else
        {
            multiplesOfR ??= curve.Multiples(g.DecodeFast(partial.R, "ephemeral point R"));
        }

        Curves.ProjectivePoint d;
        BigInteger c, s;
        try
        {
            d = g.DecodeFast(partial.D, $"partial decryption D_{index}");
            c = g.DecodeScalar(partial.Proof.Challenge, "DLEQ challenge", allowZero: true);
            s = g.DecodeScalar(partial.Proof.Response, "DLEQ response", allowZero: true);
        }
        catch (CryptoException)
        {
            throw new CryptoException(CryptoErrorCode.DleqProofInvalid, index, index.ToString());
        }

        // A = sG - cY_i from the two comb tables (52 additions each, no doubling); B = sR - cD_i as one Straus
        // double multiplication. Everything here is public, so the tables are indexed directly (variable time).
        var sBytes = partial.Proof.Response;
        byte[][] encoded;
        if (openSsl && Curves.OpenSslP256.Commitments(key.VerificationKeys[index - 1], partial.R, partial.D, sBytes, g.EncodeScalar(g.N.Subtract(c).Mod(g.N)), out var aBytes, out var bBytes))
        {
            encoded = [aBytes, bBytes];
        }
        else
        {
            multiplesOfR ??= curve.Multiples(g.DecodeFast(partial.R, "ephemeral point R"));
            var negC = g.EncodeScalar(g.N.Subtract(c));
            var cYi = yiComb is null
                ? curve.MultiplyPublic(curve.Multiples(keyPoints.VerificationKey(index)), negC)
                : curve.MultiplyComb(yiComb, negC, secret: false);
            curve.Add(curve.MultiplyComb(curve.GeneratorComb, sBytes, secret: false), cYi, out var a);
            var b = curve.MultiplyPublic(multiplesOfR, sBytes, curve.Multiples(d), negC);
            encoded = curve.EncodeMany([a, b]);
        }
        if (encoded[0].Length == 1 || encoded[1].Length == 1
            || !Challenge(key, index, key.VerificationKeys[index - 1], partial.R, partial.D, encoded[0], encoded[1]).Equals(c))
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
        var rPoint = g.DecodeFast(r, "ephemeral point R");
        // R's window table, shared by this bid's partials, is only for the managed arithmetic.
        var multiplesOfR = g.UsesOpenSsl ? null : g.Fast.Multiples(rPoint);
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
                VerifyPartial(key, points, r, multiplesOfR, p);
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
