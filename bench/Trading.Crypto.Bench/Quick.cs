using System.Diagnostics;
using System.Runtime.InteropServices;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>
/// `dotnet run -c Release -- quick`: a Stopwatch pass over the same operations, interleaving each measured
/// operation with its baseline so both see the same load on a shared machine; reports the best of several rounds.
/// </summary>
internal static partial class Quick
{
    // On a machine shared with other busy processes, wall time mostly measures waiting for a core. The calling
    // thread's own CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) is what the operation itself costs, so the
    // tables report both. The operations are synchronous here (MemoryStream and Stream.Null complete inline).
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    private static double ThreadCpuMs()
    {
        const int ClockThreadCpuTimeId = 3;
        ClockGetTime(ClockThreadCpuTimeId, out var t);
        return t.Seconds * 1000.0 + t.Nanoseconds / 1e6;
    }

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
            ("one memory copy of 32 MiB (for comparison)", env.CopyOnce),
        };
        var bestTimes = ops.Select(_ => double.MaxValue).ToArray();
        var bestCpu = ops.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < 15; round++)
        {
            for (var i = 0; i < ops.Length; i++)
            {
                var cpu = ThreadCpuMs();
                var sw = Stopwatch.StartNew();
                ops[i].Run();
                bestTimes[i] = Math.Min(bestTimes[i], sw.Elapsed.TotalMilliseconds);
                bestCpu[i] = Math.Min(bestCpu[i], ThreadCpuMs() - cpu);
            }
        }

        Console.WriteLine("| 32 MiB | best wall time | ratio to raw (wall) | best thread CPU time | throughput (CPU) | ratio to raw (CPU) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < ops.Length; i++)
        {
            var b = i < 4 ? 0 : i < 7 ? 4 : i;
            Console.WriteLine($"| {ops[i].Name} | {bestTimes[i]:F2} ms | {bestTimes[b] / bestTimes[i]:F2} | {bestCpu[i]:F2} ms | {32 / 1.024 / bestCpu[i]:F2} GB/s | {bestCpu[b] / bestCpu[i]:F2} |");
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
