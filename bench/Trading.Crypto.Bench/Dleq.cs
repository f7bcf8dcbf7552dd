using System.Diagnostics;
using System.Globalization;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Trading.Crypto.Bench;

/// <summary>
/// `dotnet run -c Release -- dleq [rounds] [iterations]`: the holders' Chaum-Pedersen proofs, prove and verify, with
/// the library's own curve arithmetic against the BouncyCastle path it replaced (kept here, as <see cref="Legacy"/>,
/// to be the same-run baseline), both suites, interleaved round by round; best and median per operation, wall time
/// and the calling thread's CPU time, with the load average before and after.
/// </summary>
internal static partial class Dleq
{
    private static double ThreadCpuMs() => CpuClock.ThreadMs();

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record Setup(string Suite, JointKey Key, HolderSecret Secret, byte[][] Rs);

    private static Setup Make(string suite, int bids)
    {
        var p = new CeremonyParameters("bench-" + suite, 3, 2, suite);
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        var key = CeremonyVerifier.ComputeJointKey(p, commitments);
        var secret = CeremonyVerifier.CombineShares(p, key, commitments, 2, dealers.Select(d => d.ShareFor(2)).ToList());
        var g = key.Group;
        var rs = Enumerable.Range(0, bids).Select(_ => g.Encode(g.MultiplyG(g.RandomScalar()))).ToArray();
        return new Setup(suite, key, secret, rs);
    }

    public static void Run(int rounds, int iterations)
    {
        Console.WriteLine($"load average before: {Load()}  ({DateTime.UtcNow:HH:mm:ss} UTC, {rounds} rounds of {iterations} proofs)");
        foreach (var suite in new[] { CryptoSuites.P256, CryptoSuites.Sm2 })
        {
            var s = Make(suite, iterations);
            var g = s.Key.Group;
            // Same nonces for both paths: the proofs must be byte for byte the same.
            var nonces = Enumerable.Range(0, iterations).Select(_ => g.RandomScalar()).ToArray();
            var (newProofs, oldProofs) = Compare(s, nonces);

            var legacyPoints = new Legacy.KeyPoints(s.Key);
            // "now" is what the library runs: OpenSSL for P-256 where the platform has it, else the managed arithmetic,
            // which is also timed on its own (the previous "now") so each change shows against the same run.
            var now = g.UsesOpenSsl ? "OpenSSL (now)" : "own arithmetic (now)";
            var ops = new (string Name, int Baseline, Action Run)[]
            {
                ("prove, BouncyCastle (before)", 0, () => { for (var i = 0; i < iterations; i++) { Legacy.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i]); } }),
                ("prove, own arithmetic", 0, () => { for (var i = 0; i < iterations; i++) { ThresholdOpening.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i], openSsl: false); } }),
                ("prove, " + now, 0, () => { for (var i = 0; i < iterations; i++) { ThresholdOpening.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i]); } }),
                ("verify, BouncyCastle (before)", 3, () => { for (var i = 0; i < iterations; i++) { Legacy.VerifyPartial(s.Key, legacyPoints, s.Rs[i], oldProofs[i]); } }),
                ("verify, own arithmetic", 3, () => { for (var i = 0; i < iterations; i++) { ThresholdOpening.VerifyPartial(s.Key, s.Rs[i], newProofs[i], openSsl: false); } }),
                ("verify, " + now, 3, () => { for (var i = 0; i < iterations; i++) { ThresholdOpening.VerifyPartial(s.Key, s.Rs[i], newProofs[i]); } }),
            };
            var wall = ops.Select(_ => new List<double>()).ToArray();
            var cpu = ops.Select(_ => new List<double>()).ToArray();
            foreach (var (_, _, run) in ops)
            {
                run(); // warm-up (JIT, tables)
            }

            for (var r = 0; r < rounds; r++)
            {
                for (var o = 0; o < ops.Length; o++)
                {
                    var c0 = ThreadCpuMs();
                    var sw = Stopwatch.StartNew();
                    ops[o].Run();
                    wall[o].Add(sw.Elapsed.TotalMilliseconds / iterations);
                    cpu[o].Add((ThreadCpuMs() - c0) / iterations);
                }
            }

            static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
            Console.WriteLine();
            Console.WriteLine($"{suite} (proofs byte-identical to BouncyCastle's for the same nonces: checked)");
            Console.WriteLine("| operation, per proof | best wall | median wall | best CPU | median CPU | ratio to before (median CPU) |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            for (var o = 0; o < ops.Length; o++)
            {
                var baseline = ops[o].Baseline;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {ops[o].Name} | {wall[o].Min():F3} ms | {Median(wall[o]):F3} ms | {cpu[o].Min():F3} ms | {Median(cpu[o]):F3} ms | {Median(cpu[o]) / Median(cpu[baseline]):F2} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {Load()}  ({DateTime.UtcNow:HH:mm:ss} UTC)");
    }

    /// <summary>
    /// The proofs of the library (both paths) and of the BouncyCastle baseline for the same nonces, refused unless
    /// byte for byte the same: the benchmark times them only once they are, and the smoke run checks this too.
    /// </summary>
    private static (PartialDecryption[] New, PartialDecryption[] Old) Compare(Setup s, BigInteger[] nonces)
    {
        var suite = s.Suite;
        var iterations = nonces.Length;
        var newProofs = new PartialDecryption[iterations];
        var oldProofs = new PartialDecryption[iterations];
        for (var i = 0; i < iterations; i++)
        {
            newProofs[i] = ThresholdOpening.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i]);
            oldProofs[i] = Legacy.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i]);
            var managed = ThresholdOpening.PartialDecrypt(s.Secret, s.Key, s.Rs[i], nonces[i], openSsl: false);
            if (!managed.D.AsSpan().SequenceEqual(oldProofs[i].D) || !managed.Proof.Response.AsSpan().SequenceEqual(oldProofs[i].Proof.Response)
                || !newProofs[i].D.AsSpan().SequenceEqual(oldProofs[i].D)
                || !newProofs[i].Proof.Challenge.AsSpan().SequenceEqual(oldProofs[i].Proof.Challenge)
                || !newProofs[i].Proof.Response.AsSpan().SequenceEqual(oldProofs[i].Proof.Response))
            {
                throw new InvalidOperationException($"{suite}: the proofs differ from BouncyCastle's at bid {i}");
            }
        }

        return (newProofs, oldProofs);
    }

    /// <summary>
    /// The smoke run (test suite): a few proofs per suite, byte-identical to BouncyCastle's, each verified by the
    /// library's paths and by the baseline's verifier, and a proof for another bid refused.
    /// </summary>
    internal static void Smoke(int proofs)
    {
        proofs = Math.Max(proofs, 2); // the refusal check needs a second bid
        foreach (var suite in new[] { CryptoSuites.P256, CryptoSuites.Sm2 })
        {
            var s = Make(suite, proofs);
            var g = s.Key.Group;
            var nonces = Enumerable.Range(0, proofs).Select(_ => g.RandomScalar()).ToArray();
            var (newProofs, oldProofs) = Compare(s, nonces);
            var legacyPoints = new Legacy.KeyPoints(s.Key);
            for (var i = 0; i < proofs; i++)
            {
                ThresholdOpening.VerifyPartial(s.Key, s.Rs[i], newProofs[i]);
                ThresholdOpening.VerifyPartial(s.Key, s.Rs[i], newProofs[i], openSsl: false);
                Legacy.VerifyPartial(s.Key, legacyPoints, s.Rs[i], oldProofs[i]);
            }

            var refused = false;
            try
            {
                ThresholdOpening.VerifyPartial(s.Key, s.Rs[1], newProofs[0]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                refused = true;
            }

            if (!refused)
            {
                throw new InvalidOperationException($"{suite}: a proof for another bid verified");
            }
        }
    }

    /// <summary>The proof code as it was before the library's own arithmetic (BouncyCastle points), for the baseline.</summary>
    internal static class Legacy
    {
        internal sealed class KeyPoints(JointKey key)
        {
            private readonly ECPoint?[] _points = new ECPoint?[key.Holders];

            public ECPoint Get(int index) => _points[index - 1] ??= key.VerificationKey(index);
        }

        public static PartialDecryption PartialDecrypt(HolderSecret secret, JointKey key, byte[] r, BigInteger nonce)
        {
            var g = key.Group;
            var rPoint = g.Decode(r, "ephemeral point R");
            var x = secret.Scalar;
            var yi = key.VerificationKeys[secret.HolderIndex - 1];
            var d = g.Multiply(rPoint, x);
            var a = g.MultiplyG(nonce);
            var b = g.Multiply(rPoint, nonce);
            var dBytes = g.Encode(d);
            var c = Challenge(key, secret.HolderIndex, yi, r, dBytes, g.Encode(a), g.Encode(b));
            var s = nonce.Add(c.Multiply(x)).Mod(g.N);
            return new PartialDecryption(secret.HolderIndex, r, dBytes, new DleqProof(g.EncodeScalar(c), g.EncodeScalar(s)));
        }

        private static BigInteger Challenge(JointKey key, int index, byte[] yi, byte[] r, byte[] d, byte[] a, byte[] b)
        {
            var g = key.Group;
            return g.Challenge("trading/opening/v1/dleq", Wire.LengthPrefixed(key.Suite), key.KeyId, Wire.U16(index), g.GEncoded, yi, r, d, a, b);
        }

        public static void VerifyPartial(JointKey key, KeyPoints keyPoints, byte[] expectedR, PartialDecryption partial)
        {
            var index = partial.HolderIndex;
            var yi = keyPoints.Get(index);
            var g = key.Group;
            var r = g.Decode(expectedR, "ephemeral point R");
            var d = g.Decode(partial.D, "D");
            var c = g.DecodeScalar(partial.Proof.Challenge, "DLEQ challenge", allowZero: true);
            var s = g.DecodeScalar(partial.Proof.Response, "DLEQ response", allowZero: true);
            var negC = g.N.Subtract(c);
            var a = g.SumOfTwoMultiplies(g.G, s, yi, negC);
            var b = g.SumOfTwoMultiplies(r, s, d, negC);
            if (a.IsInfinity || b.IsInfinity
                || !Challenge(key, index, key.VerificationKeys[index - 1], partial.R, partial.D, g.Encode(a), g.Encode(b)).Equals(c))
            {
                throw new InvalidOperationException("legacy verification failed");
            }
        }
    }
}
