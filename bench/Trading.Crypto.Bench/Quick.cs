using System.Diagnostics;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>
/// `dotnet run -c Release -- quick`: a Stopwatch pass over the same operations, interleaving each measured
/// operation with its baseline so both see the same load on a shared machine; reports the best of several rounds.
/// </summary>
internal static class Quick
{
    public static void Run()
    {
        var env = new EnvelopeBenchmarks();
        env.Setup();
        double Best(Action a, int rounds)
        {
            var best = double.MaxValue;
            for (var i = 0; i < rounds; i++)
            {
                var sw = Stopwatch.StartNew();
                a();
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }

            return best;
        }

        // Interleave every operation with the baselines for 15 rounds and keep each one's best time.
        var ops = new (string Name, Action Run)[]
        {
            ("raw AesGcm encrypt", env.RawAesGcmEncrypt),
            ("envelope seal", () => env.EnvelopeSeal().GetAwaiter().GetResult()),
            ("envelope seal to memory", () => env.EnvelopeSealToMemory().GetAwaiter().GetResult()),
            ("envelope seal + SHA-256", () => env.EnvelopeSealWithSha256().GetAwaiter().GetResult()),
            ("raw AesGcm decrypt", env.RawAesGcmDecrypt),
            ("envelope decrypt", () => env.EnvelopeDecrypt().GetAwaiter().GetResult()),
            ("envelope decrypt to memory", () => env.EnvelopeDecryptToMemory().GetAwaiter().GetResult()),
        };
        var bestTimes = ops.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < 15; round++)
        {
            for (var i = 0; i < ops.Length; i++)
            {
                var sw = Stopwatch.StartNew();
                ops[i].Run();
                bestTimes[i] = Math.Min(bestTimes[i], sw.Elapsed.TotalMilliseconds);
            }
        }

        for (var i = 0; i < ops.Length; i++)
        {
            var baseline = bestTimes[i < 4 ? 0 : 4];
            Console.WriteLine($"| {ops[i].Name} | {bestTimes[i]:F2} ms | {32 / 1.024 / bestTimes[i]:F2} GB/s | {baseline / bestTimes[i]:F2} |");
        }

        var proofs = new ProofBenchmarks();
        proofs.Setup();
        const int n = 400;
        var prove = Best(() => { for (var i = 0; i < n; i++) { proofs.DleqProve(); } }, 3) / n;
        var verify = Best(() => { for (var i = 0; i < n; i++) { proofs.DleqVerify(); } }, 3) / n;
        Console.WriteLine($"DLEQ prove {prove:F3} ms, verify {verify:F3} ms");

        var opening = new OpeningBenchmarks();
        opening.Setup();
        var partials = Best(() => opening.PartialsFor500BidsBy3Holders(), 2);
        var combine = Best(() => opening.VerifyAndCombine500Bids(), 2);
        Console.WriteLine($"500 bids x 3 holders: partials+proofs {partials:F0} ms, verify all proofs + combine {combine:F0} ms, total {partials + combine:F0} ms");
    }
}
