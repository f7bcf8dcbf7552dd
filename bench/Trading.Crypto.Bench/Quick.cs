using System.Diagnostics;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>
/// `dotnet run -c Release -- quick`: a Stopwatch pass over the same operations, interleaving each measured
/// operation with its baseline so both see the same load on a shared machine; reports the best of several rounds.
/// </summary>
internal static partial class Quick
{
    // On a machine shared with other busy processes, wall time mostly measures waiting for a core, so the tables
    // report CPU time as well. The envelope hands chunks to the thread pool, so the calling thread's CPU time
    // (CLOCK_THREAD_CPUTIME_ID) would hide most of its work: the envelope table uses the whole process's CPU time
    // (CLOCK_PROCESS_CPUTIME_ID, every thread, so it also counts the runtime's own background threads), which is
    // the total work done. Wall time is what a caller waits; process CPU time is what the machine pays.
    private static double ThreadCpuMs() => CpuClock.ThreadMs();

    private static double ProcessCpuMs() => CpuClock.ProcessMs();

    public static void Run(int rounds = 15)
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

        // Interleave every operation with the baselines and keep each one's best time. Each envelope row's ratio is
        // to the raw row named in its Baseline column (the chunked one: same bytes, same 1 MiB chunks, from memory).
        var ops = new (string Name, Action Run, int Baseline)[]
        {
            ("raw AesGcm encrypt, one call", env.RawAesGcmEncrypt, 1),
            ("raw AesGcm encrypt, 1 MiB chunks", env.RawAesGcmEncryptChunked, 1),
            ("envelope seal", () => env.EnvelopeSeal().GetAwaiter().GetResult(), 1),
            ("envelope seal, one thread (no pipeline)", () => env.EnvelopeSealOneThread().GetAwaiter().GetResult(), 1),
            ("envelope seal to memory", () => env.EnvelopeSealToMemory().GetAwaiter().GetResult(), 1),
            ("envelope seal + SHA-256", () => env.EnvelopeSealWithSha256().GetAwaiter().GetResult(), 1),
            ("raw AesGcm decrypt, one call", env.RawAesGcmDecrypt, 7),
            ("raw AesGcm decrypt, 1 MiB chunks", env.RawAesGcmDecryptChunked, 7),
            ("envelope decrypt", () => env.EnvelopeDecrypt().GetAwaiter().GetResult(), 7),
            ("envelope decrypt, one thread (no pipeline)", () => env.EnvelopeDecryptOneThread().GetAwaiter().GetResult(), 7),
            ("envelope decrypt to memory", () => env.EnvelopeDecryptToMemory().GetAwaiter().GetResult(), 7),
            ("one memory copy of 32 MiB (for comparison)", env.CopyOnce, 11),
        };
        var bestTimes = ops.Select(_ => double.MaxValue).ToArray();
        var bestCpu = ops.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < ops.Length; i++)
            {
                var cpu = ProcessCpuMs();
                var sw = Stopwatch.StartNew();
                ops[i].Run();
                bestTimes[i] = Math.Min(bestTimes[i], sw.Elapsed.TotalMilliseconds);
                bestCpu[i] = Math.Min(bestCpu[i], ProcessCpuMs() - cpu);
            }
        }

        Console.WriteLine("| 32 MiB | best wall time | throughput (wall) | ratio to chunked raw (wall) | best process CPU time | ratio to chunked raw (CPU) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < ops.Length; i++)
        {
            var b = ops[i].Baseline;
            Console.WriteLine($"| {ops[i].Name} | {bestTimes[i]:F2} ms | {32 / 1.024 / bestTimes[i]:F2} GB/s | {bestTimes[b] / bestTimes[i]:F2} | {bestCpu[i]:F2} ms | {bestCpu[b] / bestCpu[i]:F2} |");
        }

        var proofs = new ProofBenchmarks();
        proofs.Setup();
        const int n = 400;
        double Cpu(Action a, int rounds)
        {
            var best = double.MaxValue;
            for (var i = 0; i < rounds; i++)
            {
                var start = ThreadCpuMs();
                a();
                best = Math.Min(best, ThreadCpuMs() - start);
            }

            return best;
        }

        var prove = Best(() => { for (var i = 0; i < n; i++) { proofs.DleqProve(); } }, 3) / n;
        var verify = Best(() => { for (var i = 0; i < n; i++) { proofs.DleqVerify(); } }, 3) / n;
        var proveCpu = Cpu(() => { for (var i = 0; i < n; i++) { proofs.DleqProve(); } }, 3) / n;
        var verifyCpu = Cpu(() => { for (var i = 0; i < n; i++) { proofs.DleqVerify(); } }, 3) / n;
        Console.WriteLine($"| DLEQ prove | {prove:F3} ms | {proveCpu:F3} ms |");
        Console.WriteLine($"| DLEQ verify | {verify:F3} ms | {verifyCpu:F3} ms |");

        var opening = new OpeningBenchmarks();
        opening.Setup();
        var partials = Best(() => opening.PartialsFor500BidsBy3Holders(), 2);
        var combine = Best(() => opening.VerifyAndCombine500Bids(), 2);
        var partialsCpu = Cpu(() => opening.PartialsFor500BidsBy3Holders(), 2);
        var combineCpu = Cpu(() => opening.VerifyAndCombine500Bids(), 2);
        Console.WriteLine($"| 500 bids x 3 holders: 1500 partials with proofs | {partials:F0} ms | {partialsCpu:F0} ms |");
        Console.WriteLine($"| 500 bids: verify 1500 proofs and combine | {combine:F0} ms | {combineCpu:F0} ms |");
        Console.WriteLine($"| total | {partials + combine:F0} ms | {partialsCpu + combineCpu:F0} ms |");
    }
}
